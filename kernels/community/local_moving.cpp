#include "kernels/community/local_moving.hpp"

#include <algorithm>
#include <bit>
#include <span>
#include <stdexcept>
#include <utility>
#include <vector>

#include "core/huge_pages.hpp"

namespace coordnet {

namespace {

// Finds the best community of one vertex in two steps, gather (its row summed by neighbouring
// community) and decide (the gains); its hash table is left empty after each row.
class MoveChooser {
 public:
  MoveChooser(const LevelGraph& graph, const CommunityState& state, const ClusterConfig& config)
      : graph_(graph),
        state_(state),
        config_(config),
        m2_(static_cast<double>(graph.total_degree)) {
    cpm_resolution_ = config.resolution * kWeightScale;
    min_gain_ = config.objective == Objective::modularity ? 1e-12 * m2_ * m2_ : 1e-12 * m2_;
  }

  // Starts loading what gather() reads first, for vertices a few steps ahead in the visiting
  // order: stage 0 (furthest ahead) the row's bounds, stage 1 its first entries, stage 2 the
  // cache slots of its first neighbours and of the vertex itself (each stage reads only what the
  // previous one loaded).
  void prefetch_row(std::uint32_t v, int stage) const noexcept {
    if (stage == 0) {
      __builtin_prefetch(&graph_.offsets[v]);
      return;
    }
    const auto begin = graph_.offsets[v];
    if (stage == 1) {
      // Addresses by data() + begin, not [begin]: an empty row may start at the arrays' end, and
      // a level without edges has empty (null) arrays.
      __builtin_prefetch(graph_.targets.data() + begin);
      __builtin_prefetch(graph_.weights.data() + begin);
      __builtin_prefetch(&graph_.degree[v]);
      return;
    }
    const auto end = std::min(graph_.offsets[v + 1], begin + kAhead);
    for (auto e = begin; e < end; ++e) state_.prefetch_cache_slot(graph_.targets[e]);
    state_.prefetch_cache_slot(v);
  }

  // A vertex's row summed by neighbouring community (cache slot): the first `found` entries of
  // candidates, and the weight to its own community.
  struct Candidate {
    std::uint32_t slot;
    FixedWeight weight;
  };
  struct Gathered {
    std::vector<Candidate> candidates;
    std::size_t found = 0;
    FixedWeight k_own = 0;
  };

  // Sums v's row by neighbouring community into `out` and starts loading the cache entries of
  // those communities and of v's own, which decide() reads: the synchronous loop gathers the
  // next vertex's row before deciding this one's, so those loads overlap a row's work.
  void gather(std::uint32_t v, Gathered& out) {
    // One pass over the row, loading the cache slots of neighbours a few entries ahead; the
    // weight to each neighbouring community is summed in a small open-addressing table (twice
    // the row, so it stays in L1 for all but hubs) rather than an array over every cache slot,
    // whose random accesses cost a cache miss per neighbour.
    const auto begin = graph_.offsets[v];
    const auto length = static_cast<std::size_t>(graph_.offsets[v + 1] - begin);
    const auto capacity = std::bit_ceil(std::max<std::size_t>(2 * length, 32));
    if (table_.size() < capacity) table_.resize(capacity, kEmpty);
    if (out.candidates.size() < length) out.candidates.resize(length);
    if (positions_.size() < length) positions_.resize(length);
    const auto mask = static_cast<std::uint32_t>(capacity - 1);
    const int shift = 32 - std::countr_zero(capacity);
    // Local pointers: the stores into the table and the candidates could alias the vectors' own
    // fields, which the compiler would otherwise load again after each of them.
    const auto* targets = graph_.targets.data() + begin;
    const auto* weights = graph_.weights.data() + begin;
    const auto* slot_of = state_.cache_slots();
    auto* table = table_.data();
    auto* candidates = out.candidates.data();
    auto* positions = positions_.data();
    std::uint32_t found = 0;
    for (std::size_t i = 0; i < length; ++i) {
      if (i + kAhead < length) __builtin_prefetch(&slot_of[targets[i + kAhead]]);
      const auto c = slot_of[targets[i]];
      auto pos = (c * 0x9E3779B1u) >> shift;
      while (table[pos] != kEmpty && candidates[table[pos]].slot != c) pos = (pos + 1) & mask;
      if (table[pos] == kEmpty) {
        table[pos] = found;
        positions[found] = pos;
        candidates[found++] = {c, 0};
        state_.prefetch_cached(c);
      }
      candidates[table[pos]].weight += weights[i];
    }
    const auto own = state_.cache_slot(v);
    state_.prefetch_cached(own);
    out.found = found;
    out.k_own = 0;
    for (std::uint32_t k = 0; k < found; ++k) {
      table[positions[k]] = kEmpty;
      if (candidates[k].slot == own) out.k_own = candidates[k].weight;
    }
  }

  // The cache slot of the community v should move to, or of its own, from v's gathered row.
  std::uint32_t decide(std::uint32_t v, const Gathered& gathered) const {
    const auto own = state_.cache_slot(v);
    const auto k_own = gathered.k_own;
    const auto& from = state_.cached(own);
    const FixedWeight k_v = graph_.degree[v];
    const std::int64_t n_v = graph_.node_weight[v];
    std::uint32_t best = own;
    double best_gain = 0;
    for (std::size_t k = 0; k < gathered.found; ++k) {
      const auto [c, weight] = gathered.candidates[k];
      if (c == own) continue;
      const auto& to = state_.cached(c);
      const auto dk = static_cast<double>(weight - k_own);
      double gain = 0;
      if (config_.objective == Objective::modularity) {
        const auto ds = static_cast<double>(to.sigma - (from.sigma - k_v));
        gain = dk * m2_ - config_.resolution * static_cast<double>(k_v) * ds;
      } else {
        const auto dn = static_cast<double>(to.nodes - (from.nodes - n_v));
        gain = dk - cpm_resolution_ * static_cast<double>(n_v) * dn;
      }
      if (from.members == 1 && to.members == 1 && state_.cached_id(c) > state_.cached_id(own))
        continue;
      if (gain > best_gain ||
          (gain == best_gain && best != own && state_.cached_id(c) < state_.cached_id(best))) {
        best = c;
        best_gain = gain;
      }
    }
    return best != own && best_gain > min_gain_ ? best : own;
  }

  // gather and decide for one vertex.
  std::uint32_t choose(std::uint32_t v) {
    gather(v, single_);
    return decide(v, single_);
  }

 private:
  const LevelGraph& graph_;
  const CommunityState& state_;
  const ClusterConfig& config_;
  double m2_;
  double cpm_resolution_;
  double min_gain_;
  static constexpr std::size_t kAhead = 8;
  static constexpr std::uint32_t kEmpty = ~std::uint32_t{0};
  // Open addressing by cache slot: the index into the gathering row's candidates, or kEmpty.
  std::vector<std::uint32_t> table_;
  std::vector<std::uint32_t> positions_;  // the table positions the gathering row filled
  Gathered single_;                       // choose()'s row
};

// How many vertices ahead in the visiting order the loading of a row starts.
constexpr std::size_t kRowsAhead = 4;

// One round in synchronous sub-rounds (see local_moving.hpp); returns this rank's moves.
std::uint64_t synchronous_round(const LevelGraph& graph, CommunityState& state,
                                MoveChooser& chooser, std::uint64_t round_seed,
                                std::uint64_t sub_rounds, std::uint64_t id_block,
                                HugePageVector<std::uint8_t>& active) {
  const auto n = graph.n_owned();
  // The owned vertices grouped by sub-round (ascending within each), drawn anew every round.
  std::vector<std::uint8_t> sub_round(n);
  std::vector<std::uint32_t> by_sub_round(n);
  std::vector<std::size_t> first_of_sub_round(sub_rounds + 1, 0);
  // Owned ids ascend, so the vertices of a block come one after another: one hash per block.
  auto block = ~std::uint64_t{0};
  std::uint8_t draw = 0;
  for (std::size_t v = 0; v < n; ++v) {
    if (graph.ids[v] / id_block != block) {
      block = graph.ids[v] / id_block;
      draw = static_cast<std::uint8_t>(hash_combine(block, round_seed) % sub_rounds);
    }
    sub_round[v] = draw;
    ++first_of_sub_round[draw + 1];
  }
  for (std::uint64_t s = 0; s < sub_rounds; ++s) first_of_sub_round[s + 1] += first_of_sub_round[s];
  {
    auto next = first_of_sub_round;
    for (std::uint32_t v = 0; v < n; ++v) by_sub_round[next[sub_round[v]]++] = v;
  }
  const auto activate = [&](std::uint32_t v, bool on) { active[v] |= on ? 1 : 0; };
  std::uint64_t moved = 0;
  std::vector<Move> moves;
  std::vector<std::uint32_t> todo;
  MoveChooser::Gathered current, next;
  for (std::uint64_t s = 0; s < sub_rounds; ++s) {
    moves.clear();
    // The active vertices of this sub-round (no vertex is activated before it ends), listed by a
    // flag, not a branch.
    todo.resize(first_of_sub_round[s + 1] - first_of_sub_round[s]);
    std::size_t listed = 0;
    for (auto k = first_of_sub_round[s]; k < first_of_sub_round[s + 1]; ++k) {
      const auto v = by_sub_round[k];
      todo[listed] = v;
      listed += active[v];
      active[v] = 0;
    }
    todo.resize(listed);
    // Vertex k is decided once vertex k + 1 is gathered (the state does not change within a
    // sub-round), so the cache entries its decision reads have a row's time to arrive.
    if (!todo.empty()) {
      chooser.prefetch_row(todo[0], 2);
      chooser.gather(todo[0], current);
    }
    for (std::size_t k = 0; k < todo.size(); ++k) {
      // Rows are visited in a scattered order: load the next ones in stages ahead.
      if (k + 1 + kRowsAhead < todo.size()) chooser.prefetch_row(todo[k + 1 + kRowsAhead], 0);
      if (k + 1 + kRowsAhead / 2 < todo.size())
        chooser.prefetch_row(todo[k + 1 + kRowsAhead / 2], 1);
      if (k + 2 < todo.size()) chooser.prefetch_row(todo[k + 2], 2);
      if (k + 1 < todo.size()) chooser.gather(todo[k + 1], next);
      const auto v = todo[k];
      const auto to = chooser.decide(v, current);
      if (to != state.cache_slot(v)) moves.push_back({v, to, state.cached_id(to)});
      std::swap(current, next);
    }
    state.apply_moves(moves, activate);
    moved += moves.size();
  }
  return moved;
}

// One round on a single rank, one vertex at a time in the order of hash(v, seed, round), each
// deciding on the partition and totals left by the moves before it (Louvain's sequential
// moving: every move gains, so the objective only grows); returns the moves.
std::uint64_t sequential_round(const LevelGraph& graph, CommunityState& state, MoveChooser& chooser,
                               std::uint64_t round_seed, HugePageVector<std::uint8_t>& active) {
  const auto n = graph.n_owned();
  std::vector<std::pair<std::uint64_t, std::uint32_t>> order(n);
  for (std::uint32_t v = 0; v < n; ++v) order[v] = {hash_combine(graph.ids[v], round_seed), v};
  std::sort(order.begin(), order.end());
  const auto activate = [&](std::uint32_t v, bool on) { active[v] |= on ? 1 : 0; };
  std::uint64_t moved = 0;
  for (const auto& [hash, v] : order) {
    if (!active[v]) continue;
    active[v] = 0;
    const auto to = chooser.choose(v);
    if (to == state.cache_slot(v)) continue;
    const Move move{v, to, state.cached_id(to)};
    state.apply_moves(std::span<const Move>(&move, 1), activate);
    ++moved;
  }
  return moved;
}

}  // namespace

MoveSchedule schedule_of(const LevelGraph& graph, const ClusterConfig& config) {
  return graph.entries_global <= config.gather_below ? MoveSchedule::sequential
                                                     : MoveSchedule::synchronous;
}

MovingStats move_vertices(const LevelGraph& graph, CommunityState& state,
                          const ClusterConfig& config, double tolerance, MoveSchedule schedule,
                          std::uint64_t id_block, const Comm& comm) {
  if (schedule == MoveSchedule::sequential && comm.size() != 1)
    throw std::logic_error("move_vertices: sequential moving needs the whole level on one rank");
  // Set at random by the moves' neighbours: on huge pages.
  HugePageVector<std::uint8_t> active(graph.n_owned(), 1);
  MoveChooser chooser(graph, state, config);
  MovingStats stats;
  while (stats.iterations < static_cast<std::uint64_t>(config.max_iterations)) {
    // A new draw every round: two neighbours that keep swapping in one sub-round are separated.
    const auto round_seed = hash_combine(config.seed, stats.iterations);
    std::uint64_t moved =
        schedule == MoveSchedule::sequential
            ? sequential_round(graph, state, chooser, round_seed, active)
            : synchronous_round(graph, state, chooser, round_seed,
                                static_cast<std::uint64_t>(config.sub_rounds), id_block, active);
    moved = comm.allreduce(moved, ReduceOp::sum);
    ++stats.iterations;
    stats.moves += moved;
    if (moved == 0 || static_cast<double>(moved) < tolerance * static_cast<double>(graph.n_global))
      break;
  }
  return stats;
}

}  // namespace coordnet
