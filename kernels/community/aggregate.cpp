#include "kernels/community/aggregate.hpp"

#include <algorithm>

#include "core/exchange.hpp"

namespace coordnet {

namespace {

// How many vertices or entries ahead the loops below start loading (cache misses overlap).
constexpr std::size_t kAhead = 8;

}  // namespace

LevelGraph aggregate_level(const LevelGraph& g, const Refinement& refinement, bool start_alone,
                           const Comm& comm) {
  const auto n = g.n_owned();
  const auto ghost_parts = ghost_values(g, refinement.part, comm);
  // Dense numbering of the parts met on this rank, and the part of every slot.
  IdMap part_index(n);
  std::vector<VertexId> part_ids;
  std::vector<std::uint32_t> part_of_slot(g.n_slots());
  const auto part_at = [&](std::size_t s) {
    return s < n ? refinement.part[s] : ghost_parts[s - n];
  };
  for (std::size_t s = 0; s < g.n_slots(); ++s) {
    if (s + IdMap::kPrefetchDistance < g.n_slots())
      part_index.prefetch(part_at(s + IdMap::kPrefetchDistance));
    const auto id = part_at(s);
    const auto next = static_cast<std::uint32_t>(part_ids.size());
    part_of_slot[s] = part_index.insert(id, next);
    if (part_of_slot[s] == next) part_ids.push_back(id);
  }
  // Owned vertices grouped by part (counting sort), then one arc per pair of parts.
  std::vector<std::uint64_t> first(part_ids.size() + 1, 0);
  for (std::size_t v = 0; v < n; ++v) ++first[part_of_slot[v] + 1];
  for (std::size_t p = 0; p < part_ids.size(); ++p) first[p + 1] += first[p];
  std::vector<std::uint32_t> grouped(n);
  {
    std::vector<std::uint64_t> next(first.begin(), first.end() - 1);
    for (std::uint32_t v = 0; v < n; ++v) grouped[next[part_of_slot[v]]++] = v;
  }
  // Parts taken in the order of their owners, so that the arcs come out grouped by owner.
  const auto by_owner = order_by_owner(
      part_ids.size(), [&](std::size_t p) { return owner_of_vertex(part_ids[p], comm.size()); },
      comm.size());
  // One vertex record per part met here (its members' node weights summed; members of a part
  // share their community).
  std::vector<VertexRecord> vertices;
  vertices.reserve(part_ids.size());
  ArcsByOwner arcs{{}, std::move(by_owner.counts)};
  std::fill(arcs.counts.begin(), arcs.counts.end(), 0);
  // At most one arc per entry and loop; pages of the unused tail are never touched.
  arcs.arcs.reserve(g.targets.size() + n);
  std::vector<FixedWeight> weight_to(part_ids.size(), 0);
  std::vector<std::uint32_t> touched;
  std::vector<std::uint32_t> row_parts;
  // The rows are read through local pointers: the stores that list touched parts could alias
  // the vectors' own fields, which the compiler would otherwise load again after each.
  const auto* offsets = g.offsets.data();
  const auto* targets = g.targets.data();
  const auto* weights = g.weights.data();
  const auto* part_of = part_of_slot.data();
  auto* weight_of = weight_to.data();
  for (const auto p : by_owner.order) {
    if (first[p] == first[p + 1]) continue;
    // At most one part per entry and loop of the members: each part is listed once, when first
    // met, the list growing by a flag, not a branch.
    std::uint64_t most = 0;
    for (auto i = first[p]; i < first[p + 1]; ++i)
      most += offsets[grouped[i] + 1] - offsets[grouped[i]] + 1;
    if (touched.size() < most) touched.resize(most);
    std::size_t listed = 0;
    const auto add = [&](std::uint32_t q, FixedWeight w) {
      touched[listed] = q;
      listed += weight_of[q] == 0 ? 1 : 0;
      weight_of[q] += w;
    };
    std::int64_t node_weight = 0;
    for (auto i = first[p]; i < first[p + 1]; ++i) {
      // Grouped vertices are scattered over the slots: load the rows a few vertices ahead.
      if (i + kAhead < first[p + 1]) {
        const auto ahead = grouped[i + kAhead];
        __builtin_prefetch(&offsets[ahead]);
        __builtin_prefetch(&g.loop[ahead]);
      }
      if (i + kAhead / 2 < first[p + 1]) {
        const auto ahead = grouped[i + kAhead / 2];
        __builtin_prefetch(targets + offsets[ahead]);
        __builtin_prefetch(weights + offsets[ahead]);
      }
      const auto v = grouped[i];
      node_weight += g.node_weight[v];
      if (g.loop[v] != 0) add(static_cast<std::uint32_t>(p), g.loop[v]);
      // Two passes over the row, each loading a few entries ahead: the parts of the
      // neighbours, then their sums.
      const auto begin = offsets[v], end = offsets[v + 1];
      row_parts.resize(end - begin);
      auto* row = row_parts.data();
      for (auto e = begin; e < end; ++e) {
        if (e + kAhead < end) __builtin_prefetch(&part_of[targets[e + kAhead]]);
        row[e - begin] = part_of[targets[e]];
      }
      for (std::size_t k = 0; k < end - begin; ++k) {
        if (k + kAhead < end - begin) __builtin_prefetch(&weight_of[row[k + kAhead]]);
        add(row[k], weights[begin + k]);
      }
    }
    const auto member = grouped[first[p]];
    vertices.push_back(
        {part_ids[p], node_weight, start_alone ? part_ids[p] : refinement.next_label[member]});
    arcs.counts[static_cast<std::size_t>(owner_of_vertex(part_ids[p], comm.size()))] += listed;
    for (std::size_t k = 0; k < listed; ++k) {
      const auto q = touched[k];
      arcs.arcs.push_back(make_arc(part_ids[p], part_ids[q], weight_of[q]));
      weight_of[q] = 0;
    }
  }
  return build_level_graph(std::move(vertices), std::move(arcs), comm);
}

}  // namespace coordnet
