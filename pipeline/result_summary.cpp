#include "pipeline/result_summary.hpp"

#include <algorithm>
#include <map>
#include <sstream>

#include "core/errors.hpp"

namespace coordnet {

namespace {

std::string trim(const std::string& s) {
  const auto begin = s.find_first_not_of(" \t\r");
  if (begin == std::string::npos) return "";
  return s.substr(begin, s.find_last_not_of(" \t\r") - begin + 1);
}

// Rows begin .. begin + n of `columns`, as Fields.
std::vector<std::vector<Field>> read_rows(const Hdf5Reader& file,
                                          const std::vector<ColumnInfo>& columns,
                                          std::uint64_t begin, std::uint64_t n) {
  std::vector<std::vector<Field>> rows(n);
  for (const auto& c : columns) {
    const auto values = file.read(c, begin, n);
    for (std::uint64_t i = 0; i < n; ++i)
      rows[i].push_back({c.name, c.kind, value_text(values, i)});
  }
  return rows;
}

std::vector<CountRow> read_count_table(const Hdf5Reader& file, const std::string& names,
                                       const std::string& counts) {
  std::vector<CountRow> rows;
  if (!file.find_column(names) || !file.find_column(counts)) return rows;
  const auto n = file.column(names).length;
  const auto text = file.read_strings(names, 0, n);
  const auto number = file.read_all<std::uint64_t>(counts, n);
  for (std::uint64_t i = 0; i < n; ++i) rows.push_back({text[i], number[i]});
  return rows;
}

std::vector<std::string> split_commas(const std::string& text) {
  std::vector<std::string> parts;
  std::stringstream in(text);
  for (std::string part; std::getline(in, part, ',');) {
    if (!part.empty()) parts.push_back(part);
  }
  return parts;
}

// Evidence rows of `ids`, at most `max_rows` per community, streamed through the evidence table.
void collect_evidence(const Hdf5Reader& file, const ResultTables& tables,
                      std::map<std::uint64_t, CommunityDetail*>& by_id, std::uint64_t max_rows) {
  const auto* community = find_named(tables.evidence_columns, "community");
  if (community == nullptr) return;
  for (std::uint64_t begin = 0; begin < community->length; begin += kRowsPerSlice) {
    const auto n = std::min(kRowsPerSlice, community->length - begin);
    const auto owner = file.read_numbers<std::uint64_t>(community->path, begin, n);
    std::vector<std::uint64_t> wanted;
    for (std::uint64_t i = 0; i < n; ++i) {
      const auto it = by_id.find(owner[i]);
      if (it == by_id.end()) continue;
      if (it->second->evidence_rows++ < max_rows) wanted.push_back(i);
    }
    for (const auto i : wanted) {
      auto row = read_rows(file, tables.evidence_columns, begin + i, 1).front();
      std::erase_if(row, [](const Field& f) { return f.name == "community"; });
      by_id.at(owner[i])->evidence.push_back(std::move(row));
    }
  }
}

void collect_members(const Hdf5Reader& file, const ResultTables& tables,
                     std::map<std::uint64_t, CommunityDetail*>& by_id, std::uint64_t max_members) {
  if (!file.find_column("/accounts/community")) return;
  std::vector<ColumnInfo> columns;
  if (tables.has_account_ids) columns.push_back(file.column("/accounts/id"));
  for (const auto& c : tables.account_columns) {
    if (c.name != "community") columns.push_back(c);
  }
  std::map<std::uint64_t, Member*> by_row;
  for (std::uint64_t begin = 0; begin < tables.n_accounts; begin += kRowsPerSlice) {
    const auto n = std::min(kRowsPerSlice, tables.n_accounts - begin);
    const auto owner = file.read_numbers<std::uint64_t>("/accounts/community", begin, n);
    for (std::uint64_t i = 0; i < n; ++i) {
      const auto it = by_id.find(owner[i]);
      if (it == by_id.end() || it->second->member_rows++ >= max_members) continue;
      it->second->members.push_back(
          {begin + i, read_rows(file, columns, begin + i, 1).front(), {}});
    }
  }
  for (auto& [id, detail] : by_id) {
    for (auto& m : detail->members) by_row[m.row] = &m;
  }
  if (by_row.empty() || !file.find_column("/handles/account")) return;
  const auto n_handles = file.column("/handles/account").length;
  for (std::uint64_t begin = 0; begin < n_handles; begin += kRowsPerSlice) {
    const auto n = std::min(kRowsPerSlice, n_handles - begin);
    const auto account = file.read_numbers<std::uint64_t>("/handles/account", begin, n);
    for (std::uint64_t i = 0; i < n; ++i) {
      const auto it = by_row.find(account[i]);
      if (it == by_row.end()) continue;
      const auto at = begin + i;
      it->second->handles.push_back(
          {file.read_strings("/handles/handle", at, 1).front(),
           file.read_numbers<std::int64_t>("/handles/first_seen_ms", at, 1).front(),
           file.read_numbers<std::int64_t>("/handles/last_seen_ms", at, 1).front()});
    }
  }
}

}  // namespace

std::vector<TomlTable> parse_toml_tables(const std::string& toml) {
  std::vector<TomlTable> tables;
  std::stringstream in(toml);
  for (std::string line; std::getline(in, line);) {
    line = trim(line);
    if (line.empty() || line.front() == '#') continue;
    if (line.front() == '[') {
      tables.push_back({trim(line.substr(line.find_first_not_of('['),
                                         line.find(']') - line.find_first_not_of('['))),
                        {}});
      continue;
    }
    const auto eq = line.find('=');
    if (eq == std::string::npos) continue;
    if (tables.empty()) tables.push_back({"", {}});
    tables.back().values.emplace_back(trim(line.substr(0, eq)), trim(line.substr(eq + 1)));
  }
  return tables;
}

RunSummary read_run_summary(const Hdf5Reader& file, const ResultTables& tables) {
  RunSummary s;
  s.path = file.path();
  for (const char* name : {"schema", "version", "git_sha", "created", "ranks"}) {
    if (auto value = file.attribute_text("/", name)) {
      s.attributes.push_back(
          {name, std::string(name) == "ranks" ? ValueKind::int64 : ValueKind::text, *value});
    }
  }
  s.config = file.attribute_text("/", "config").value_or("");
  s.inputs = read_count_table(file, "/inputs/path", "/inputs/size_bytes");
  s.rejects = read_count_table(file, "/rejects/reason", "/rejects/count");
  s.stages = parse_toml_tables(file.attribute_text("/", "stages").value_or(""));
  s.layers = split_commas(file.attribute_text("/edges", "layers").value_or(""));
  s.counts.push_back({"accounts", tables.n_accounts});
  if (const auto handles = file.find_column("/handles/account")) {
    s.counts.push_back({"handles", handles->length});
  }
  s.counts.push_back({"edges", tables.n_edges});
  s.counts.push_back({"communities", tables.n_communities});
  if (find_named(tables.community_columns, "size")) {
    std::uint64_t groups = 0;
    for (std::uint64_t begin = 0; begin < tables.n_communities; begin += kRowsPerSlice) {
      const auto n = std::min(kRowsPerSlice, tables.n_communities - begin);
      for (const auto size : file.read_numbers<std::uint64_t>("/communities/size", begin, n)) {
        groups += size >= 2 ? 1 : 0;
      }
    }
    s.counts.push_back({"communities_2plus", groups});
  }
  for (const char* group : {"/communities", "/accounts"}) {
    const auto path = std::string(group) + "/flagged";
    if (!file.find_column(path)) continue;
    const auto n = file.column(path).length;
    std::uint64_t flagged = 0;
    for (std::uint64_t begin = 0; begin < n; begin += kRowsPerSlice) {
      for (const auto f :
           file.read_numbers<std::uint64_t>(path, begin, std::min(kRowsPerSlice, n - begin))) {
        flagged += f != 0 ? 1 : 0;
      }
    }
    s.counts.push_back({std::string("flagged_") + (group + 1), flagged});
  }
  return s;
}

std::vector<CommunityDetail> read_community_details(const Hdf5Reader& file,
                                                    const ResultTables& tables,
                                                    const std::vector<std::uint64_t>& ids,
                                                    std::uint64_t max_evidence,
                                                    std::uint64_t max_members) {
  std::vector<CommunityDetail> details;
  for (const auto id : ids) {
    details.push_back({id, read_rows(file, tables.community_columns, id, 1).front(), {}, 0, {}, 0});
  }
  std::map<std::uint64_t, CommunityDetail*> by_id;
  for (auto& d : details) by_id[d.id] = &d;
  collect_evidence(file, tables, by_id, max_evidence);
  if (max_members > 0) collect_members(file, tables, by_id, max_members);
  return details;
}

}  // namespace coordnet
