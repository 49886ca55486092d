#include "io/bad_records.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <limits>

#include "core/errors.hpp"
#include "core/exchange.hpp"

namespace coordnet {

std::optional<BadRecordPolicy> parse_bad_record_policy(std::string_view name) {
  if (name == "fail") return BadRecordPolicy::fail;
  if (name == "skip") return BadRecordPolicy::skip;
  if (name == "quarantine") return BadRecordPolicy::quarantine;
  return std::nullopt;
}

std::string_view policy_name(BadRecordPolicy policy) {
  switch (policy) {
    case BadRecordPolicy::fail:
      return "fail";
    case BadRecordPolicy::skip:
      return "skip";
    case BadRecordPolicy::quarantine:
      return "quarantine";
  }
  return "quarantine";
}

void BadRecordLog::append(const BadRecordLog& other, std::uint32_t file_offset) {
  n_bad_ += other.n_bad_;
  bad_bytes_ += other.bad_bytes_;
  for (const auto& [reason, count] : other.counts_) counts_[reason] += count;
  for (auto record : other.quarantine_) {
    record.file += file_offset;
    quarantine_.push_back(std::move(record));
  }
}

void BadRecordLog::order_quarantine_by_file(std::uint32_t n_files, const Comm& comm) {
  struct Position {
    std::uint32_t file;
    std::uint8_t truncated;
    std::int64_t line;
  };
  auto owner = [&](std::uint32_t file) {
    return static_cast<int>(static_cast<std::uint64_t>(file) *
                            static_cast<std::uint64_t>(comm.size()) /
                            std::max<std::uint32_t>(n_files, 1));
  };
  std::vector<Position> positions;
  std::vector<std::uint32_t> owners;
  std::vector<std::string> reasons, details, texts;
  for (auto& q : quarantine_) {
    positions.push_back({q.file, static_cast<std::uint8_t>(q.truncated), q.line});
    owners.push_back(static_cast<std::uint32_t>(owner(q.file)));
    reasons.push_back(std::move(q.reason));
    details.push_back(std::move(q.detail));
    texts.push_back(std::move(q.text));
  }
  const auto received = exchange_by_owner(
                            positions, [&](const Position& p) { return owner(p.file); }, comm)
                            .data;
  auto received_reasons = exchange_strings(reasons, owners, comm).strings;
  auto received_details = exchange_strings(details, owners, comm).strings;
  auto received_texts = exchange_strings(texts, owners, comm).strings;
  quarantine_.clear();
  for (std::size_t i = 0; i < received.size(); ++i) {
    quarantine_.push_back({received[i].file, received[i].line, std::move(received_reasons[i]),
                           std::move(received_details[i]), std::move(received_texts[i]),
                           received[i].truncated != 0});
  }
  std::stable_sort(quarantine_.begin(), quarantine_.end(),
                   [](const QuarantinedRecord& a, const QuarantinedRecord& b) {
                     return std::tie(a.file, a.line) < std::tie(b.file, b.line);
                   });
}

void BadRecordLog::add(std::uint32_t file, std::int64_t line, std::string_view reason,
                       std::string_view detail, std::string_view raw) {
  ++n_bad_;
  bad_bytes_ += raw.size();
  ++counts_[std::string(reason)];
  if (!first_ || std::tie(file, line) < std::tie(first_->file, first_->line)) {
    first_ = First{file, line, fmt::format("{}{}{}", reason, detail.empty() ? "" : ": ", detail)};
  }
  if (policy_ == BadRecordPolicy::quarantine) {
    QuarantinedRecord record{file, line, std::string(reason), std::string(detail), {}, false};
    record.truncated = raw.size() > kMaxQuarantinedBytes;
    record.text = std::string(raw.substr(0, kMaxQuarantinedBytes));
    quarantine_.push_back(std::move(record));
  }
}

namespace {
// "reason\tcount\n" lines, added up per reason.
void add_encoded_counts(std::string_view encoded, std::map<std::string, std::uint64_t>& counts) {
  std::size_t pos = 0;
  while (pos < encoded.size()) {
    const auto tab = encoded.find('\t', pos);
    const auto newline = encoded.find('\n', tab);
    counts[std::string(encoded.substr(pos, tab - pos))] +=
        std::stoull(std::string(encoded.substr(tab + 1, newline - tab - 1)));
    pos = newline + 1;
  }
}

std::string encode_counts(const std::map<std::string, std::uint64_t>& counts) {
  std::string encoded;
  for (const auto& [reason, count] : counts) encoded += fmt::format("{}\t{}\n", reason, count);
  return encoded;
}
}  // namespace

std::map<std::string, std::uint64_t> BadRecordLog::global_counts(const Comm& comm) const {
  const std::vector<std::string> mine = {encode_counts(counts_)};
  const std::vector<std::uint32_t> to_root = {0};
  const auto gathered = exchange_strings(mine, to_root, comm);
  std::map<std::string, std::uint64_t> merged;
  for (const auto& encoded : gathered.strings) add_encoded_counts(encoded, merged);
  const std::string all = comm.broadcast(encode_counts(merged), 0);
  merged.clear();
  add_encoded_counts(all, merged);
  return merged;
}

void BadRecordLog::enforce(std::uint64_t local_good_records, std::uint64_t local_bytes,
                           double max_fraction, const std::vector<std::string>& file_paths,
                           const Comm& comm) const {
  const auto bad = comm.allreduce(n_bad_, ReduceOp::sum);
  const auto good = comm.allreduce(local_good_records, ReduceOp::sum);
  const auto bytes = comm.allreduce(local_bytes, ReduceOp::sum);
  const auto bad_bytes = comm.allreduce(bad_bytes_, ReduceOp::sum);
  if (bad == 0) return;
  const double record_fraction = static_cast<double>(bad) / static_cast<double>(bad + good);
  const double byte_fraction =
      bytes == 0 ? 0.0 : static_cast<double>(bad_bytes) / static_cast<double>(bytes);
  const bool fail_now = policy_ == BadRecordPolicy::fail;
  const bool over_budget = record_fraction > max_fraction || byte_fraction > max_fraction;
  if (!fail_now && !over_budget) return;

  struct Position {
    std::uint32_t file;
    std::int64_t line;
  };
  const Position mine = first_ ? Position{first_->file, first_->line}
                               : Position{std::numeric_limits<std::uint32_t>::max(), 0};
  const auto all = comm.allgather(mine);
  int first_rank = 0;
  for (int r = 1; r < comm.size(); ++r) {
    const auto& a = all[static_cast<std::size_t>(r)];
    const auto& b = all[static_cast<std::size_t>(first_rank)];
    if (std::tie(a.file, a.line) < std::tie(b.file, b.line)) first_rank = r;
  }
  const auto& where = all[static_cast<std::size_t>(first_rank)];
  const std::string what = comm.broadcast(first_ ? first_->message : std::string(), first_rank);
  const std::string location =
      fmt::format("{}:{}: {}", file_paths.at(where.file), where.line, what);
  if (fail_now) {
    throw DataError(fmt::format("bad record (--on-bad-record fail): {}", location), true);
  }
  throw DataError(fmt::format("{} of {} records ({:.3f}%) and {:.3f}% of the bytes were bad, above "
                              "--max-bad-fraction {}; "
                              "first bad record: {}",
                              bad, bad + good, 100.0 * record_fraction, 100.0 * byte_fraction,
                              max_fraction, location),
                  true);
}

}  // namespace coordnet
