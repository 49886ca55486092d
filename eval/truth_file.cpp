#include "eval/truth_file.hpp"

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>

#include "core/errors.hpp"
#include "io/csv_tokenizer.hpp"

namespace coordnet::eval {

namespace {

// Numbers first in numeric order ("2" < "10"), then other names in byte order.
bool campaign_order(const std::string& a, const std::string& b) {
  auto numeric = [](const std::string& s) {
    return !s.empty() &&
           std::all_of(s.begin(), s.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
  };
  if (numeric(a) != numeric(b)) return numeric(a);
  if (numeric(a) && a.size() != b.size()) return a.size() < b.size();
  return a < b;
}

}  // namespace

Truth read_truth(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError("cannot read truth file " + path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();

  CsvTokenizer tokenizer(text, 0, 1);
  CsvRecord record;
  if (!tokenizer.next(record)) throw DataError("truth file " + path + " is empty");
  std::size_t account_column = record.fields.size(), campaign_column = record.fields.size();
  for (std::size_t i = 0; i < record.fields.size(); ++i) {
    if (record.fields[i] == "account_id") account_column = i;
    if (record.fields[i] == "campaign") campaign_column = i;
  }
  if (account_column == record.fields.size() || campaign_column == record.fields.size()) {
    throw DataError("truth file " + path + " needs the columns account_id and campaign");
  }
  std::vector<std::string> labels;
  Truth truth;
  while (tokenizer.next(record)) {
    if (record.error != CsvError::none || record.fields.size() <= account_column ||
        record.fields.size() <= campaign_column) {
      throw DataError("truth file " + path + ": malformed record on line " +
                      std::to_string(record.line));
    }
    truth.accounts.emplace_back(record.fields[account_column]);
    labels.emplace_back(record.fields[campaign_column]);
  }
  std::map<std::string, int, decltype(&campaign_order)> index(&campaign_order);
  for (const auto& label : labels) {
    if (!label.empty() && label != "-1") index.emplace(label, 0);
  }
  for (auto& [name, i] : index) {
    i = static_cast<int>(truth.campaign_names.size());
    truth.campaign_names.push_back(name);
  }
  truth.campaign.reserve(labels.size());
  for (const auto& label : labels) {
    truth.campaign.push_back(label.empty() || label == "-1" ? -1 : index.at(label));
  }
  return truth;
}

}  // namespace coordnet::eval
