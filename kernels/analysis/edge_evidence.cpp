#include "kernels/analysis/edge_evidence.hpp"

#include <absl/container/flat_hash_map.h>

#include <algorithm>
#include <tuple>
#include <utility>

namespace coordnet {

namespace {

struct KeyOnEdge {
  std::uint64_t n_coactions = 0;
  TimeMs first_ms = 0;
  TimeMs last_ms = 0;
  Layer layer = Layer::retweet;
  KeyHash key;
};

// Strongest first: most co-actions, then earliest first co-action, then layer, then key hash.
bool stronger(const KeyOnEdge& a, const KeyOnEdge& b) {
  return std::make_tuple(b.n_coactions, a.first_ms, a.layer, a.key) <
         std::make_tuple(a.n_coactions, b.first_ms, b.layer, b.key);
}

// The strongest keys_per_edge keys of every edge, kept as the keys arrive (any order).
class TopKeys {
 public:
  TopKeys(std::size_t n_edges, std::size_t k) : k_(k), slots_(n_edges * k), used_(n_edges, 0) {}

  void offer(std::size_t edge, const KeyOnEdge& candidate) {
    auto* first = slots_.data() + edge * k_;
    if (used_[edge] < k_) {
      first[used_[edge]++] = candidate;
      return;
    }
    auto* weakest = std::min_element(first, first + k_,
                                     [](const auto& a, const auto& b) { return stronger(b, a); });
    if (stronger(candidate, *weakest)) *weakest = candidate;
  }

  // The kept keys of `edge`, strongest first.
  std::vector<KeyOnEdge> sorted(std::size_t edge) const {
    const auto* first = slots_.data() + edge * k_;
    std::vector<KeyOnEdge> out(first, first + used_[edge]);
    std::sort(out.begin(), out.end(), stronger);
    return out;
  }

 private:
  std::size_t k_;
  std::vector<KeyOnEdge> slots_;
  std::vector<std::uint32_t> used_;
};

using Pair = std::pair<std::uint64_t, std::uint64_t>;

// The key's actions with exact duplicates (same time, account and content) dropped.
std::vector<const CommunityAction*> distinct_actions(const std::vector<CommunityAction>& actions,
                                                     std::size_t begin, std::size_t end) {
  std::vector<const CommunityAction*> out;
  for (std::size_t i = begin; i < end; ++i) {
    const auto& a = actions[i];
    if (!out.empty() && out.back()->t_ms == a.t_ms && out.back()->account == a.account &&
        out.back()->content == a.content) {
      continue;
    }
    out.push_back(&a);
  }
  return out;
}

// Pairs of actions within the window (same account included): the sweep's work.
std::uint64_t window_pairs(const std::vector<const CommunityAction*>& key, DurationMs window) {
  std::uint64_t pairs = 0;
  for (std::size_t lo = 0, r = 0; r < key.size(); ++r) {
    while (key[r]->t_ms - key[lo]->t_ms > window) ++lo;
    pairs += r - lo;
  }
  return pairs;
}

// The internal edge of two members' pair (the first edge of the pair as (min, max) of their
// accounts), or kNoEdge. Where the members' pairs take at most kCellsPerEdge cells per edge
// (planted campaigns are cliques), a matrix of them by member, read at the members' places
// among the sorted members (found once per action); else a hash map of the accounts' pairs.
class EdgeIndex {
 public:
  static constexpr std::uint32_t kNoEdge = UINT32_MAX;
  static constexpr std::uint64_t kCellsPerEdge = 16;
  static constexpr std::uint64_t kMostCells = std::uint64_t{1} << 24;

  explicit EdgeIndex(const CommunityInput& in) : members_(in.members) {
    const std::uint64_t m = in.members.size();
    dense_ = m * m <= kCellsPerEdge * in.edges.size() && m * m <= kMostCells;
    if (dense_) {
      cells_.assign(m * m, kNoEdge);
    } else {
      by_pair_.reserve(in.edges.size());
    }
    for (std::size_t e = 0; e < in.edges.size(); ++e) {
      const auto& edge = in.edges[e].edge;
      if (!dense_) {
        by_pair_.emplace(Pair{edge.src.value, edge.dst.value}, static_cast<std::uint32_t>(e));
        continue;
      }
      const auto u = member_place(members_, edge.src), v = member_place(members_, edge.dst);
      if (edge.src < edge.dst && u < m && v < m && cells_[u * m + v] == kNoEdge) {
        cells_[u * m + v] = static_cast<std::uint32_t>(e);
      }
    }
  }

  // What find needs of an action's account: its place among the members (the number of members
  // for an account that is none), or nothing.
  std::uint64_t key_of(AccountIndex account) const {
    return dense_ ? member_place(members_, account) : 0;
  }

  std::uint32_t find(AccountIndex a, std::uint64_t a_key, AccountIndex b,
                     std::uint64_t b_key) const {
    if (dense_) {
      const auto m = members_.size();
      const auto u = std::min(a_key, b_key), v = std::max(a_key, b_key);
      return v < m ? cells_[u * m + v] : kNoEdge;
    }
    const auto it = by_pair_.find(Pair{std::min(a.value, b.value), std::max(a.value, b.value)});
    return it == by_pair_.end() ? kNoEdge : it->second;
  }

 private:
  const std::vector<MemberRecord>& members_;
  bool dense_ = false;
  std::vector<std::uint32_t> cells_;
  absl::flat_hash_map<Pair, std::uint32_t> by_pair_;
};

}  // namespace

EdgeEvidence edge_evidence(const CommunityInput& in, const EdgeEvidenceParams& params) {
  EdgeEvidence out;
  if (params.keys_per_edge == 0 || in.edges.empty()) return out;
  const EdgeIndex edges(in);
  TopKeys top(in.edges.size(), params.keys_per_edge);
  // One key's co-actions, in a slot per edge; the edges the key touched are listed, offered and
  // their slots cleared after it. (A hash map per key, cleared between keys, gave the memory
  // back past absl's threshold and grew it again for every busy key: the 10M viral input's
  // analysis at 2 ranks took 3.23 s instead of 2.85.)
  std::vector<KeyOnEdge> on_key(in.edges.size());
  std::vector<std::uint32_t> touched;
  std::vector<std::uint64_t> index_key;  // EdgeIndex::key_of of the key's actions
  std::uint64_t work = 0;
  for (std::size_t begin = 0; begin < in.actions.size();) {
    const auto& head = in.actions[begin];
    const auto end = end_of_key(in.actions, begin);
    const auto l = static_cast<std::size_t>(head.layer);
    const auto window = params.window_ms[l];
    const auto key = params.projected[l] ? distinct_actions(in.actions, begin, end)
                                         : std::vector<const CommunityAction*>{};
    begin = end;
    const auto pairs = window_pairs(key, window);
    if (pairs == 0) continue;
    if (work + pairs > params.max_work) {
      ++out.skipped_keys;
      continue;
    }
    work += pairs;
    index_key.clear();
    for (const auto* a : key) index_key.push_back(edges.key_of(a->account));
    for (std::size_t lo = 0, r = 0; r < key.size(); ++r) {
      while (key[r]->t_ms - key[lo]->t_ms > window) ++lo;
      for (std::size_t a = lo; a < r; ++a) {
        if (key[a]->account == key[r]->account) continue;
        const auto edge = edges.find(key[a]->account, index_key[a], key[r]->account, index_key[r]);
        if (edge == EdgeIndex::kNoEdge) continue;
        auto& k = on_key[edge];
        if (k.n_coactions == 0) {
          k = {0, key[a]->t_ms, key[r]->t_ms, head.layer, head.key};
          touched.push_back(edge);
        }
        ++k.n_coactions;
        k.first_ms = std::min(k.first_ms, key[a]->t_ms);
        k.last_ms = std::max(k.last_ms, key[r]->t_ms);
      }
    }
    for (const auto edge : touched) {
      top.offer(edge, on_key[edge]);
      on_key[edge].n_coactions = 0;
    }
    touched.clear();
  }
  for (std::size_t e = 0; e < in.edges.size(); ++e) {
    std::uint32_t order = 0;
    for (const auto& k : top.sorted(e)) {
      out.rows.push_back({in.edges[e].edge.src, in.edges[e].edge.dst, order++, k.layer, k.key,
                          k.n_coactions, k.first_ms, k.last_ms});
    }
  }
  return out;
}

}  // namespace coordnet
