#include "kernels/community/level_graph.hpp"

#include <algorithm>
#include <bit>
#include <utility>

#include "core/exchange.hpp"
#include "kernels/community/owner_queries.hpp"

namespace coordnet {

namespace {

// Sorts the received vertex records by id and merges duplicates (node weights add up).
void take_vertices(std::vector<VertexRecord> received, LevelGraph& g) {
  std::sort(received.begin(), received.end(),
            [](const VertexRecord& a, const VertexRecord& b) { return a.id < b.id; });
  for (const auto& r : received) {
    if (!g.ids.empty() && g.ids.back() == r.id) {
      g.node_weight.back() += r.node_weight;
      continue;
    }
    g.ids.push_back(r.id);
    g.node_weight.push_back(r.node_weight);
    g.initial_label.push_back(r.label);
  }
  g.owned_index = IdMap::of(g.ids);
}

// The owned vertices of level 0: the sources of the received arcs (a vertex with an edge is the
// source of its arcs), each of node weight 1 and alone in its community. Ids within a range at
// most 64 times the arcs' count (an input's dense vertex indexes) are collected in a bitmap over
// the range, others sorted.
void take_arc_sources(const std::vector<Arc>& arcs, LevelGraph& g) {
  if (!arcs.empty()) {
    const auto [lowest, highest] = std::minmax_element(
        arcs.begin(), arcs.end(), [](const Arc& a, const Arc& b) { return a.src < b.src; });
    // In 64 bits: arcs hold 32-bit ids, whose span can be 2^32.
    const VertexId first = lowest->src;
    const VertexId span = VertexId{highest->src} - first + 1;
    if (span / 64 <= arcs.size()) {
      std::vector<std::uint64_t> seen(static_cast<std::size_t>((span + 63) / 64), 0);
      for (const auto& a : arcs)
        seen[(a.src - first) / 64] |= std::uint64_t{1} << ((a.src - first) % 64);
      for (std::size_t w = 0; w < seen.size(); ++w) {
        for (auto bits = seen[w]; bits != 0; bits &= bits - 1)
          g.ids.push_back(first + 64 * w + static_cast<VertexId>(std::countr_zero(bits)));
      }
    } else {
      g.ids.reserve(arcs.size());
      for (const auto& a : arcs) g.ids.push_back(a.src);
      std::sort(g.ids.begin(), g.ids.end());
      g.ids.erase(std::unique(g.ids.begin(), g.ids.end()), g.ids.end());
    }
  }
  g.node_weight.assign(g.ids.size(), 1);
  g.initial_label = g.ids;
  g.owned_index = IdMap::of(g.ids);
}

// Stable LSD radix sort of records by a slot (below n), in as few passes of at most 11 bits as n
// needs (two up to 2^22 vertices per rank), through a second buffer. Each pass writes to at most
// 2,048 places, whose lines stay in cache, where a counting sort straight into the rows wrote to a
// random place per record (1M-vertex LFR graph at 1 rank: level 0 built in 0.64 -> 0.54 s, and 90
// MiB less at the peak, the arcs being rewritten in place). Not core/radix_sort.hpp's sort_by_key,
// which sorts (key, position) entries and then follows the permutation, for records far larger
// than these 8 or 16 bytes; an LSD sort generalised there measured 0.02 s slower than this.
template <class Record, class SlotOf>
void sort_by_slot(std::vector<Record>& records, std::size_t n, SlotOf slot_of) {
  const int bits = std::max(1, static_cast<int>(std::bit_width(std::max<std::size_t>(n, 2) - 1)));
  const int passes = (bits + 10) / 11;
  const int digit_bits = (bits + passes - 1) / passes;
  const std::size_t buckets = std::size_t{1} << digit_bits;
  const auto digit = [&](const Record& r, int pass) {
    return (slot_of(r) >> (pass * digit_bits)) & (buckets - 1);
  };
  std::vector<std::uint64_t> starts(buckets * static_cast<std::size_t>(passes), 0);
  for (const auto& r : records) {
    for (int pass = 0; pass < passes; ++pass) ++starts[pass * buckets + digit(r, pass)];
  }
  std::vector<Record> other(records.size());
  for (int pass = 0; pass < passes; ++pass) {
    auto* next = starts.data() + pass * buckets;
    std::uint64_t sum = 0;
    for (std::size_t b = 0; b < buckets; ++b) sum += std::exchange(next[b], sum);
    for (const auto& r : records) other[next[digit(r, pass)]++] = r;
    records.swap(other);
  }
}

// The arcs' ids replaced by slots (in place; loops taken out into g.loop), sorted into CSR rows
// by source, then parallel entries of a row merged, each row's owned targets first. The arcs are
// freed once merged.
void take_arcs(std::vector<Arc>& arcs, LevelGraph& g) {
  const std::size_t n = g.n_owned();
  g.loop.assign(n, 0);
  // One map from every id met to its slot, owned vertices first and ghosts added as they come:
  // an arc's ends cost one look-up each in one array (for dense ids at few ranks, a flat array
  // over their range, a few times this rank's vertices: IdMap::for_range), not one in the owned
  // map or the ghost map after hashing the id for its owner.
  IdMap slot_index;
  if (!arcs.empty()) {
    const auto [lowest, highest] = std::minmax_element(
        arcs.begin(), arcs.end(), [](const Arc& a, const Arc& b) { return a.dst < b.dst; });
    const VertexId first = n > 0 ? std::min<VertexId>(lowest->dst, g.ids.front()) : lowest->dst;
    const VertexId last = n > 0 ? std::max<VertexId>(highest->dst, g.ids.back()) : highest->dst;
    slot_index = IdMap::for_range(first, last, 2 * n);
  }
  for (std::size_t v = 0; v < n; ++v) slot_index.insert(g.ids[v], static_cast<std::uint32_t>(v));
  // Arcs are rewritten in place, at `kept` <= i. Both ends are looked up for every arc: taking
  // the slots of the previous arc when an arc repeats its source or follows its reverse saved
  // nothing at 1 rank and cost 0.03 s at 2, where whether it applies is a coin toss per arc
  // (1M-vertex LFR graph, session 19 in docs/benchmarks.md).
  std::size_t kept = 0;
  for (std::size_t i = 0; i < arcs.size(); ++i) {
    if (i + IdMap::kPrefetchDistance < arcs.size()) {
      const auto& ahead = arcs[i + IdMap::kPrefetchDistance];
      slot_index.prefetch(ahead.src);
      slot_index.prefetch(ahead.dst);
    }
    const Arc a = arcs[i];
    const auto src = slot_index.find(a.src);
    auto dst = IdMap::kMissing;
    if (a.src == a.dst) {
      g.loop[src] += a.weight;
    } else {
      const auto next = static_cast<std::uint32_t>(n + g.ghost_ids.size());
      dst = slot_index.insert(a.dst, next);
      if (dst == next) g.ghost_ids.push_back(a.dst);
    }
    if (dst != IdMap::kMissing) arcs[kept++] = {src, dst, a.weight};
  }
  {
    slot_index = IdMap();
    const auto [lowest, highest] = std::minmax_element(g.ghost_ids.begin(), g.ghost_ids.end());
    if (!g.ghost_ids.empty()) g.ghost_index = IdMap::for_range(*lowest, *highest, n);
    for (std::size_t k = 0; k < g.ghost_ids.size(); ++k)
      g.ghost_index.insert(g.ghost_ids[k], static_cast<std::uint32_t>(k));
  }
  arcs.resize(kept);
  sort_by_slot(arcs, n, [](const Arc& a) { return a.src; });
  // Parallel entries merged in place, row by row; then the rows split into targets and weights.
  std::vector<std::uint32_t> position(g.n_slots(), IdMap::kMissing);
  g.offsets.assign(n + 1, 0);
  g.degree.assign(n, 0);
  std::uint64_t write = 0;
  constexpr std::size_t kAhead = IdMap::kPrefetchDistance;
  for (std::size_t e = 0, v = 0; v < n; ++v) {
    const auto row_start = write;
    for (; e < arcs.size() && arcs[e].src == v; ++e) {
      if (e + kAhead < arcs.size()) __builtin_prefetch(&position[arcs[e + kAhead].dst]);
      const auto entry = arcs[e];
      if (position[entry.dst] == IdMap::kMissing) {
        position[entry.dst] = static_cast<std::uint32_t>(write - row_start);
        arcs[write++] = entry;
      } else {
        arcs[row_start + position[entry.dst]].weight += entry.weight;
      }
    }
    FixedWeight degree = g.loop[v];
    for (auto e2 = row_start; e2 < write; ++e2) {
      position[arcs[e2].dst] = IdMap::kMissing;
      degree += arcs[e2].weight;
    }
    g.degree[v] = degree;
    g.offsets[v + 1] = write;
  }
  // Each row's owned targets from its start and ghosts from its end, without a branch per entry:
  // which it is, is a coin toss at two ranks.
  g.targets.resize(write);
  g.weights.resize(write);
  g.owned_in_row.resize(n);
  for (std::size_t v = 0; v < n; ++v) {
    auto owned_end = g.offsets[v], ghost_start = g.offsets[v + 1];
    for (auto e = g.offsets[v]; e < g.offsets[v + 1]; ++e) {
      const bool owned = arcs[e].dst < n;
      ghost_start -= owned ? 0 : 1;
      const auto at = owned ? owned_end : ghost_start;
      owned_end += owned ? 1 : 0;
      g.targets[at] = arcs[e].dst;
      g.weights[at] = arcs[e].weight;
    }
    g.owned_in_row[v] = static_cast<std::uint32_t>(owned_end - g.offsets[v]);
  }
  std::vector<Arc>().swap(arcs);
}

// Owned neighbours of every ghost, as a CSR over ghosts (from the ghost part of each row): the
// (ghost, owned) entries in row order, sorted by ghost (stable, so each ghost's neighbours stay
// in ascending order). Scattered straight from the rows into the ghosts' lists, every entry wrote
// to a random place (1M-vertex LFR graph at 2 ranks: 4.5M entries per rank in 0.33 s).
void index_ghost_neighbours(LevelGraph& g) {
  struct GhostEntry {
    std::uint32_t ghost, owned;
  };
  const std::size_t n = g.n_owned();
  std::size_t owned_entries = 0;
  for (std::size_t v = 0; v < n; ++v) owned_entries += g.owned_in_row[v];
  std::vector<GhostEntry> entries;
  entries.reserve(g.targets.size() - owned_entries);
  for (std::size_t v = 0; v < n; ++v) {
    for (auto e = g.offsets[v] + g.owned_in_row[v]; e < g.offsets[v + 1]; ++e)
      entries.push_back(
          {static_cast<std::uint32_t>(g.targets[e] - n), static_cast<std::uint32_t>(v)});
  }
  sort_by_slot(entries, g.ghost_ids.size(), [](const GhostEntry& e) { return e.ghost; });
  // Counted from the sorted entries: in order, where counting in row order hit a random ghost.
  g.ghost_offsets.assign(g.ghost_ids.size() + 1, 0);
  g.ghost_neighbours.resize(entries.size());
  for (std::size_t i = 0; i < entries.size(); ++i) {
    ++g.ghost_offsets[entries[i].ghost + 1];
    g.ghost_neighbours[i] = entries[i].owned;
  }
  for (std::size_t i = 0; i < g.ghost_ids.size(); ++i) g.ghost_offsets[i + 1] += g.ghost_offsets[i];
}

// Registers every ghost with its owner (who records the holder ranks of each owned vertex, in
// rank order, as a CSR) and fetches its label, degree and node weight.
void register_ghosts(LevelGraph& g, const Comm& comm) {
  struct GhostFacts {
    VertexId label;
    FixedWeight degree;
    std::int64_t node_weight;
  };
  g.holder_offsets.assign(g.n_owned() + 1, 0);
  const auto facts = ask_owners<GhostFacts>(
      g.ghost_ids, [&](VertexId id) { return owner_of_vertex(id, comm.size()); },
      [&](const Received<VertexId>& asked) {
        std::vector<std::uint32_t> slot(asked.data.size());
        std::vector<GhostFacts> answers(asked.data.size());
        for (std::size_t i = 0; i < asked.data.size(); ++i) {
          if (i + IdMap::kPrefetchDistance < asked.data.size())
            g.owned_index.prefetch(asked.data[i + IdMap::kPrefetchDistance]);
          slot[i] = g.owned_index.find(asked.data[i]);
          ++g.holder_offsets[slot[i] + 1];
          answers[i] = {g.initial_label[slot[i]], g.degree[slot[i]], g.node_weight[slot[i]]};
        }
        for (std::size_t v = 0; v < g.n_owned(); ++v)
          g.holder_offsets[v + 1] += g.holder_offsets[v];
        g.holder_ranks.resize(g.holder_offsets.back());
        std::vector<std::uint64_t> next(g.holder_offsets.begin(), g.holder_offsets.end() - 1);
        std::size_t i = 0;
        for (std::size_t source = 0; source < asked.counts_by_source.size(); ++source) {
          for (std::uint64_t j = 0; j < asked.counts_by_source[source]; ++j, ++i)
            g.holder_ranks[next[slot[i]]++] = static_cast<int>(source);
        }
        return answers;
      },
      comm);
  g.ghost_degree.reserve(facts.size());
  g.ghost_node_weight.reserve(facts.size());
  for (const auto& f : facts) {
    g.initial_label.push_back(f.label);
    g.ghost_degree.push_back(f.degree);
    g.ghost_node_weight.push_back(f.node_weight);
  }
}

// The rest of building a level once its owned vertices are known: rows, ghosts, totals.
void take_arcs_and_ghosts(std::vector<Arc>& arcs, LevelGraph& g, const Comm& comm) {
  take_arcs(arcs, g);
  index_ghost_neighbours(g);
  register_ghosts(g, comm);
  FixedWeight local_degree = 0;
  for (auto d : g.degree) local_degree += d;
  g.total_degree = comm.allreduce(local_degree, ReduceOp::sum);
  g.n_global = comm.allreduce<std::uint64_t>(g.n_owned(), ReduceOp::sum);
  g.entries_global = comm.allreduce<std::uint64_t>(g.n_owned() + g.targets.size(), ReduceOp::sum);
}

}  // namespace

LevelGraph build_level_graph(std::vector<VertexRecord> vertices, ArcsByOwner arcs,
                             const Comm& comm) {
  LevelGraph g;
  auto received_vertices = exchange_by_owner(
      vertices, [&](const VertexRecord& r) { return owner_of_vertex(r.id, comm.size()); }, comm);
  std::vector<VertexRecord>().swap(vertices);
  take_vertices(std::move(received_vertices.data), g);
  auto received_arcs = comm.alltoallv<Arc>(std::move(arcs.arcs), arcs.counts);
  take_arcs_and_ghosts(received_arcs.data, g, comm);
  return g;
}

LevelGraph build_level_zero(ArcsByOwner arcs, const Comm& comm) {
  LevelGraph g;
  auto received_arcs = comm.alltoallv<Arc>(std::move(arcs.arcs), arcs.counts);
  take_arc_sources(received_arcs.data, g);
  take_arcs_and_ghosts(received_arcs.data, g, comm);
  return g;
}

std::vector<VertexId> ghost_values(const LevelGraph& g, std::span<const VertexId> owned_values,
                                   const Comm& comm) {
  struct IdValue {
    VertexId id;
    VertexId value;
  };
  std::vector<IdValue> records;
  std::vector<int> dest;
  for (std::size_t v = 0; v < g.n_owned(); ++v) {
    for (auto h = g.holder_offsets[v]; h < g.holder_offsets[v + 1]; ++h) {
      records.push_back({g.ids[v], owned_values[v]});
      dest.push_back(g.holder_ranks[h]);
    }
  }
  const auto received = send_to_ranks<IdValue>(records, dest, comm);
  std::vector<VertexId> values(g.ghost_ids.size());
  for (const auto& r : received.data) values[g.ghost_index.find(r.id)] = r.value;
  return values;
}

std::vector<VertexRecord> vertex_records(const LevelGraph& g, std::span<const VertexId> labels) {
  std::vector<VertexRecord> records;
  records.reserve(g.n_owned());
  for (std::size_t v = 0; v < g.n_owned(); ++v) {
    records.push_back({g.ids[v], g.node_weight[v], labels[v]});
  }
  return records;
}

std::vector<Arc> arc_records(const LevelGraph& g) {
  std::vector<Arc> arcs;
  arcs.reserve(g.targets.size() + g.n_owned());
  for (std::size_t v = 0; v < g.n_owned(); ++v) {
    if (g.loop[v] != 0) arcs.push_back(make_arc(g.ids[v], g.ids[v], g.loop[v]));
    for (auto e = g.offsets[v]; e < g.offsets[v + 1]; ++e) {
      arcs.push_back(make_arc(g.ids[v], g.id_of_slot(g.targets[e]), g.weights[e]));
    }
  }
  return arcs;
}

}  // namespace coordnet
