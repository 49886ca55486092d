// What inspect and the JSON summary say about a result file: the run (attributes, inputs,
// rejects, per-stage timings and memory, counts) and, per selected community, its features,
// evidence rows and members. Everything is read generically (pipeline/result_tables.hpp): a
// feature or evidence column the file lacks is simply not listed. Serial: one process reads.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "io/hdf5_reader.hpp"
#include "pipeline/result_tables.hpp"

namespace coordnet {

// One named value, typed so JSON can write numbers as numbers.
struct Field {
  std::string name;
  ValueKind kind;
  std::string text;
};

// A `[name]` table of a TOML attribute with its `key = value` lines (values verbatim).
struct TomlTable {
  std::string name;
  std::vector<std::pair<std::string, std::string>> values;
};

struct CountRow {
  std::string name;
  std::uint64_t count;
};

struct RunSummary {
  std::string path;
  std::vector<Field> attributes;  // schema, version, git_sha, created, ranks (those present)
  std::string config;             // the resolved configuration, TOML
  std::vector<CountRow> inputs;   // path, size in bytes
  std::vector<CountRow> rejects;  // reason, records
  std::vector<TomlTable> stages;
  std::vector<CountRow> counts;  // accounts, handles, edges, communities, ...
  std::vector<std::string> layers;
};

struct HandleSpan {
  std::string handle;
  std::int64_t first_seen_ms;
  std::int64_t last_seen_ms;
};

struct Member {
  std::uint64_t row;
  std::vector<Field> fields;  // id, then the /accounts columns
  std::vector<HandleSpan> handles;
};

struct CommunityDetail {
  std::uint64_t id;
  std::vector<Field> features;               // /communities columns, by name
  std::vector<std::vector<Field>> evidence;  // rows of /communities/evidence, file order
  std::uint64_t evidence_rows = 0;           // of this community in the file (may exceed shown)
  std::vector<Member> members;               // when asked for
  std::uint64_t member_rows = 0;             // members in the file
};

RunSummary read_run_summary(const Hdf5Reader& file, const ResultTables& tables);

// Details of `ids` (in that order): features, at most `max_evidence` evidence rows each and, when
// `max_members` > 0, up to that many members with their handle history.
std::vector<CommunityDetail> read_community_details(const Hdf5Reader& file,
                                                    const ResultTables& tables,
                                                    const std::vector<std::uint64_t>& ids,
                                                    std::uint64_t max_evidence,
                                                    std::uint64_t max_members);

// Parses the `[table]` / `key = value` lines of a coordnet TOML attribute (stages).
std::vector<TomlTable> parse_toml_tables(const std::string& toml);

}  // namespace coordnet
