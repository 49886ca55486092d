#include "kernels/coaction.hpp"

#include <algorithm>
#include <cmath>
#include <tuple>

namespace coordnet::coaction_detail {

namespace {

// One co-action inside a key group: positions of the earlier and the later action.
struct PairHit {
  AccountIndex src, dst;
  std::uint32_t older, newer;
};

void merge_into(CoactionEdge& e, const CoactionEdge& x) {
  e.count += x.count;
  e.n_keys += x.n_keys;
  e.n_fast += x.n_fast;
  e.min_delay_ms = std::min(e.min_delay_ms, x.min_delay_ms);
  e.sum_delay_ms += x.sum_delay_ms;
  e.first_ms = std::min(e.first_ms, x.first_ms);
  e.last_ms = std::max(e.last_ms, x.last_ms);
  e.n_older += x.n_older;
  e.n_newer += x.n_newer;
  e.tfidf_dot += x.tfidf_dot;
}

std::uint64_t tf_of(const KeyTerms& terms, AccountIndex account) {
  const auto it = std::lower_bound(
      terms.tf.begin(), terms.tf.end(), account,
      [](const std::pair<AccountIndex, std::uint64_t>& t, AccountIndex a) { return t.first < a; });
  return it != terms.tf.end() && it->first == account ? it->second : 0;
}

}  // namespace

void sort_and_dedupe(std::vector<Action>& actions) {
  std::sort(actions.begin(), actions.end(), [](const Action& a, const Action& b) {
    return std::tie(a.key, a.slice, a.t_ms, a.account, a.content) <
           std::tie(b.key, b.slice, b.t_ms, b.account, b.content);
  });
  const auto last =
      std::unique(actions.begin(), actions.end(), [](const Action& a, const Action& b) {
        return a.key == b.key && a.slice == b.slice && a.t_ms == b.t_ms && a.account == b.account &&
               a.content == b.content;
      });
  actions.erase(last, actions.end());
}

void sort_and_reduce(std::vector<CoactionEdge>& edges) {
  std::sort(edges.begin(), edges.end(), [](const CoactionEdge& a, const CoactionEdge& b) {
    return std::tie(a.src, a.dst) < std::tie(b.src, b.dst);
  });
  std::size_t out = 0;
  for (std::size_t i = 0; i < edges.size(); ++i) {
    if (out > 0 && edges[out - 1].src == edges[i].src && edges[out - 1].dst == edges[i].dst) {
      merge_into(edges[out - 1], edges[i]);
    } else {
      edges[out++] = edges[i];
    }
  }
  edges.resize(out);
}

void add_pair_keys(std::vector<PairKey>& pair_keys, std::vector<CoactionEdge>& edges) {
  dedupe_pair_keys(pair_keys);
  auto edge = edges.begin();
  for (const auto& pk : pair_keys) {
    while (edge->src != pk.src || edge->dst != pk.dst) ++edge;
    edge->n_keys += 1;
    edge->tfidf_dot += pk.tfidf_dot;
  }
}

void dedupe_pair_keys(std::vector<PairKey>& pair_keys) {
  std::sort(pair_keys.begin(), pair_keys.end(), [](const PairKey& a, const PairKey& b) {
    return std::tie(a.src, a.dst, a.key) < std::tie(b.src, b.dst, b.key);
  });
  pair_keys.erase(std::unique(pair_keys.begin(), pair_keys.end(),
                              [](const PairKey& a, const PairKey& b) {
                                return a.src == b.src && a.dst == b.dst && a.key == b.key;
                              }),
                  pair_keys.end());
}

std::vector<std::pair<std::size_t, std::size_t>> key_groups(const std::vector<Action>& actions) {
  std::vector<std::pair<std::size_t, std::size_t>> groups;
  for (std::size_t begin = 0; begin < actions.size();) {
    std::size_t end = begin + 1;
    while (end < actions.size() && actions[end].key == actions[begin].key &&
           actions[end].slice == actions[begin].slice) {
      ++end;
    }
    groups.emplace_back(begin, end);
    begin = end;
  }
  return groups;
}

std::uint64_t count_window_pairs(const Action* begin, const Action* end, DurationMs window_ms) {
  std::uint64_t pairs = 0;
  const Action* left = begin;
  for (const Action* right = begin; right != end; ++right) {
    while (right->t_ms - left->t_ms > window_ms) ++left;
    if ((right->flags & kActionIsHalo) == 0) pairs += static_cast<std::uint64_t>(right - left);
  }
  return pairs;
}

KeyTerms key_terms(const Action* begin, const Action* end, std::uint64_t n_accounts) {
  std::vector<AccountIndex> accounts;
  for (const Action* a = begin; a != end; ++a) {
    if ((a->flags & kActionIsHalo) == 0) accounts.push_back(a->account);
  }
  std::sort(accounts.begin(), accounts.end());
  KeyTerms terms;
  for (const auto account : accounts) {
    if (!terms.tf.empty() && terms.tf.back().first == account) {
      ++terms.tf.back().second;
    } else {
      terms.tf.emplace_back(account, 1);
    }
  }
  const auto n_k = static_cast<double>(terms.tf.size());
  terms.idf = n_k > 0 ? std::max(0.0, std::log(static_cast<double>(n_accounts) / n_k)) : 0.0;
  return terms;
}

void sweep_key(const Action* begin, const Action* end, const Action* right_begin,
               const Action* right_end, const CoactionConfig& config, bool whole_key,
               const KeyTerms* terms, std::vector<CoactionEdge>& out,
               std::vector<PairKey>& pair_keys) {
  static thread_local std::vector<PairHit> hits;
  static thread_local std::vector<std::uint32_t> newer;
  static thread_local std::vector<std::pair<AccountIndex, std::uint32_t>> before_piece;
  hits.clear();
  // Actions already swept as earlier sides: the halo and earlier pieces, by (account, position).
  const Action* own = std::partition_point(
      begin, end, [](const Action& a) { return (a.flags & kActionIsHalo) != 0; });
  const auto boundary = static_cast<std::uint32_t>(std::max(own, right_begin) - begin);
  before_piece.clear();
  for (std::uint32_t i = 0; i < boundary; ++i) before_piece.emplace_back(begin[i].account, i);
  std::sort(before_piece.begin(), before_piece.end());
  auto counted_before = [&](std::uint32_t older, AccountIndex partner) {
    if (older >= boundary) return false;
    const auto it = std::lower_bound(before_piece.begin(), before_piece.end(),
                                     std::make_pair(partner, older + 1));
    return it != before_piece.end() && it->first == partner;
  };
  const Action* left = std::lower_bound(
      begin, right_begin, right_begin == end ? 0 : right_begin->t_ms - config.window_ms,
      [](const Action& a, TimeMs t) { return a.t_ms < t; });
  for (const Action* right = right_begin; right != right_end; ++right) {
    while (right->t_ms - left->t_ms > config.window_ms) ++left;
    if (right->flags & kActionIsHalo) continue;
    for (const Action* a = left; a != right; ++a) {
      if (a->account == right->account) continue;
      const auto [u, v] = std::minmax(a->account, right->account);
      hits.push_back(
          {u, v, static_cast<std::uint32_t>(a - begin), static_cast<std::uint32_t>(right - begin)});
    }
  }
  std::sort(hits.begin(), hits.end(), [](const PairHit& a, const PairHit& b) {
    return std::tie(a.src, a.dst, a.older, a.newer) < std::tie(b.src, b.dst, b.older, b.newer);
  });
  const bool tfidf = config.weighting == Weighting::tfidf && terms != nullptr;
  for (std::size_t g = 0; g < hits.size();) {
    std::size_t h = g;
    CoactionEdge e{hits[g].src, hits[g].dst};
    e.min_delay_ms = INT64_MAX;
    e.first_ms = INT64_MAX;
    e.last_ms = INT64_MIN;
    newer.clear();
    for (; h < hits.size() && hits[h].src == e.src && hits[h].dst == e.dst; ++h) {
      const Action& o = begin[hits[h].older];
      const Action& n = begin[hits[h].newer];
      const DurationMs dt = n.t_ms - o.t_ms;
      ++e.count;
      e.n_fast += dt <= config.fast_window_ms ? 1 : 0;
      e.min_delay_ms = std::min(e.min_delay_ms, dt);
      e.sum_delay_ms += dt;
      e.first_ms = std::min(e.first_ms, o.t_ms);
      e.last_ms = std::max(e.last_ms, n.t_ms);
      if ((h == g || hits[h].older != hits[h - 1].older) &&
          !counted_before(hits[h].older, n.account)) {
        ++e.n_older;
      }
      newer.push_back(hits[h].newer);
    }
    std::sort(newer.begin(), newer.end());
    e.n_newer = static_cast<std::uint64_t>(std::unique(newer.begin(), newer.end()) - newer.begin());
    const std::uint64_t dot =
        tfidf ? static_cast<std::uint64_t>(
                    std::llround(static_cast<double>(tf_of(*terms, e.src) * tf_of(*terms, e.dst)) *
                                 terms->idf * terms->idf * kTfidfScale))
              : 0;
    if (whole_key) {
      e.n_keys = 1;
      e.tfidf_dot = dot;
    } else {
      pair_keys.push_back({e.src, e.dst, begin->key, dot});
    }
    out.push_back(e);
    g = h;
  }
}

}  // namespace coordnet::coaction_detail
