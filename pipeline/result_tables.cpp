#include "pipeline/result_tables.hpp"

#include <algorithm>

#include "core/errors.hpp"

namespace coordnet {

namespace {

// The columns of `group` with `length` values, leaving out the names in `skip`.
std::vector<ColumnInfo> row_columns(const Hdf5Reader& file, const std::string& group,
                                    std::uint64_t length,
                                    std::initializer_list<std::string_view> skip) {
  std::vector<ColumnInfo> kept;
  for (auto& column : file.columns(group)) {
    if (column.length != length) continue;
    if (std::find(skip.begin(), skip.end(), column.name) != skip.end()) continue;
    kept.push_back(std::move(column));
  }
  return kept;
}

// The length shared by the first of `names` found in `group` (0 when none is).
std::uint64_t table_length(const Hdf5Reader& file, const std::string& group,
                           std::initializer_list<std::string_view> names) {
  for (const auto name : names) {
    if (const auto column = file.find_column(group + "/" + std::string(name))) {
      return column->length;
    }
  }
  return 0;
}

void move_to_front(std::vector<ColumnInfo>& columns, const std::string& name) {
  std::stable_partition(columns.begin(), columns.end(),
                        [&](const ColumnInfo& c) { return c.name == name; });
}

bool is_qut_config(const std::string& config) {
  std::string compact;
  for (const char c : config) {
    if (c != ' ') compact += c;
  }
  return compact.find("compat=\"qut\"") != std::string::npos;
}

}  // namespace

ResultTables read_result_tables(const Hdf5Reader& file) {
  ResultTables t;
  if (!file.find_column("/accounts/id") && !file.find_column("/accounts/community")) {
    throw DataError(file.path() + ": /accounts/id is missing (is this a coordnet result file?)");
  }
  t.has_account_ids = file.find_column("/accounts/id").has_value();
  t.n_accounts = table_length(file, "/accounts", {"id", "community"});
  t.n_edges = table_length(file, "/edges", {"src"});
  t.n_communities = table_length(file, "/communities", {"id", "size"});
  t.account_columns = row_columns(file, "/accounts", t.n_accounts, {"id"});
  move_to_front(t.account_columns, "handle");
  t.edge_columns = row_columns(file, "/edges", t.n_edges, {"src", "dst"});
  move_to_front(t.edge_columns, "weight");
  t.community_columns = row_columns(file, "/communities", t.n_communities, {"id"});
  const auto n_evidence = table_length(file, "/communities/evidence", {"community"});
  if (n_evidence > 0 || file.find_column("/communities/evidence/community")) {
    t.evidence_columns = row_columns(file, "/communities/evidence", n_evidence, {});
  }
  t.directed = is_qut_config(file.attribute_text("/", "config").value_or(""));
  return t;
}

const ColumnInfo* find_named(const std::vector<ColumnInfo>& columns, const std::string& name) {
  const auto it = std::find_if(columns.begin(), columns.end(),
                               [&](const ColumnInfo& c) { return c.name == name; });
  return it == columns.end() ? nullptr : &*it;
}

}  // namespace coordnet
