// Which communities an analyst asked for (export and inspect filters), and in what order.
//
// Filters combine: a community is kept when it is in --community (if given), flagged (with
// --flagged-only; needs /communities/flagged), and its score is at least --min-score (needs
// /communities/score). The kept ones are ordered by /communities/rank ascending when the file has
// it, else by score descending, else by size descending, else by id; ties by id. --top N keeps the
// first N. The selection then extends to accounts (members of the kept communities) and to the
// edges whose two ends are both selected. Communities are read in slices; memory grows with the
// selection, not with the file. Serial: one process reads.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "io/hdf5_reader.hpp"
#include "pipeline/result_tables.hpp"

namespace coordnet {

struct CommunityFilter {
  bool flagged_only = false;
  std::optional<std::uint64_t> top;
  std::optional<double> min_score;
  std::vector<std::uint64_t> ids;

  bool selects_all() const { return !flagged_only && !top && !min_score && ids.empty(); }
};

struct SelectedCommunities {
  std::vector<std::uint64_t> ids;  // in display order
  std::string order;               // "rank", "score", "size" or "id"
  bool all = false;                // no filter: every community, hence every account and edge
};

// DataError when a filter needs a dataset the file lacks, or --community names no community.
SelectedCommunities select_communities(const Hdf5Reader& file, const ResultTables& tables,
                                       const CommunityFilter& filter);

// The account rows (ascending) of the selected communities; every row when selection.all.
std::vector<std::uint64_t> select_accounts(const Hdf5Reader& file, const ResultTables& tables,
                                           const SelectedCommunities& selection);

}  // namespace coordnet
