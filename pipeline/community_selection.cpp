#include "pipeline/community_selection.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <numeric>
#include <queue>

#include "core/errors.hpp"

namespace coordnet {

namespace {

struct Candidate {
  std::uint64_t id;
  double key;  // smaller comes first
};

bool before(const Candidate& a, const Candidate& b) {
  return a.key != b.key ? a.key < b.key : a.id < b.id;
}

std::string order_column(const ResultTables& tables) {
  if (find_named(tables.community_columns, "rank")) return "rank";
  if (find_named(tables.community_columns, "score")) return "score";
  if (find_named(tables.community_columns, "size")) return "size";
  return "id";
}

void require(const ResultTables& tables, const Hdf5Reader& file, const std::string& name,
             const std::string& option) {
  if (!find_named(tables.community_columns, name)) {
    throw DataError(fmt::format("{}: {} needs /communities/{}, which this file does not have",
                                file.path(), option, name));
  }
}

}  // namespace

SelectedCommunities select_communities(const Hdf5Reader& file, const ResultTables& tables,
                                       const CommunityFilter& filter) {
  SelectedCommunities selected;
  selected.order = order_column(tables);
  if (filter.flagged_only) require(tables, file, "flagged", "--flagged-only");
  if (filter.min_score) require(tables, file, "score", "--min-score");
  for (const auto id : filter.ids) {
    if (id >= tables.n_communities) {
      throw DataError(fmt::format("{}: there is no community {} (the file has {})", file.path(), id,
                                  tables.n_communities));
    }
  }
  std::vector<std::uint64_t> wanted = filter.ids;
  std::sort(wanted.begin(), wanted.end());

  // With --top, a heap of the best N so far (worst on top); without, every candidate.
  auto worse_first = [](const Candidate& a, const Candidate& b) { return before(a, b); };
  std::priority_queue<Candidate, std::vector<Candidate>, decltype(worse_first)> best(worse_first);
  std::vector<Candidate> kept;
  const double sign = selected.order == "rank" ? 1.0 : -1.0;
  for (std::uint64_t begin = 0; begin < tables.n_communities; begin += kRowsPerSlice) {
    const auto n = std::min(kRowsPerSlice, tables.n_communities - begin);
    const auto order = selected.order == "id"
                           ? std::vector<double>(n, 0.0)
                           : file.read_numbers<double>("/communities/" + selected.order, begin, n);
    const auto flagged = filter.flagged_only
                             ? file.read_numbers<std::uint64_t>("/communities/flagged", begin, n)
                             : std::vector<std::uint64_t>();
    const auto score = filter.min_score ? file.read_numbers<double>("/communities/score", begin, n)
                                        : std::vector<double>();
    for (std::uint64_t i = 0; i < n; ++i) {
      const auto id = begin + i;
      if (!wanted.empty() && !std::binary_search(wanted.begin(), wanted.end(), id)) continue;
      if (filter.flagged_only && flagged[i] == 0) continue;
      if (filter.min_score && !(score[i] >= *filter.min_score)) continue;
      const Candidate c{id, sign * order[i]};
      if (!filter.top) {
        kept.push_back(c);
      } else if (best.size() < *filter.top) {
        best.push(c);
      } else if (*filter.top > 0 && before(c, best.top())) {
        best.pop();
        best.push(c);
      }
    }
  }
  for (; !best.empty(); best.pop()) kept.push_back(best.top());
  std::sort(kept.begin(), kept.end(), before);
  for (const auto& c : kept) selected.ids.push_back(c.id);
  selected.all = filter.selects_all();
  return selected;
}

std::vector<std::uint64_t> select_accounts(const Hdf5Reader& file, const ResultTables& tables,
                                           const SelectedCommunities& selection) {
  std::vector<std::uint64_t> rows;
  if (selection.all) {
    rows.resize(tables.n_accounts);
    std::iota(rows.begin(), rows.end(), std::uint64_t{0});
    return rows;
  }
  std::vector<std::uint64_t> communities = selection.ids;
  std::sort(communities.begin(), communities.end());
  if (communities.empty()) return rows;
  file.column("/accounts/community");
  for (std::uint64_t begin = 0; begin < tables.n_accounts; begin += kRowsPerSlice) {
    const auto n = std::min(kRowsPerSlice, tables.n_accounts - begin);
    const auto community = file.read_numbers<std::uint64_t>("/accounts/community", begin, n);
    for (std::uint64_t i = 0; i < n; ++i) {
      if (std::binary_search(communities.begin(), communities.end(), community[i])) {
        rows.push_back(begin + i);
      }
    }
  }
  return rows;
}

}  // namespace coordnet
