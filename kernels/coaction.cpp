#include "kernels/coaction.hpp"

#include <absl/container/flat_hash_map.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <stdexcept>
#include <tuple>
#include <utility>

#include "kernels/radix_sort.hpp"

namespace coordnet::coaction_detail {

namespace {

inline constexpr std::uint32_t kNoPosition = UINT32_MAX;

// For each position of a time-sorted range: the previous and the next position of an action by
// the same account (kNoPosition when there is none, or none linked yet). Short ranges are linked
// at once; long ones (a viral key) as the sweep reaches them, so a piece never looks past where
// it stops.
class SameAccountLinks {
 public:
  void start(const Action* first, const Action* last) {
    first_ = first;
    const auto n = static_cast<std::size_t>(last - first);
    previous_.clear();
    next_.clear();
    last_of_.clear();
    if (n > kScanUpTo) return;
    for (std::uint32_t i = 0; i < n; ++i) add(i);
  }
  // Links every position up to and including `position`.
  void extend_to(std::uint32_t position) {
    while (previous_.size() <= position) add(static_cast<std::uint32_t>(previous_.size()));
  }
  std::uint32_t previous(std::uint32_t i) const { return previous_[i]; }
  std::uint32_t next(std::uint32_t i) const { return next_[i]; }

 private:
  static constexpr std::size_t kScanUpTo = 32;
  void add(std::uint32_t i) {
    previous_.push_back(kNoPosition);
    next_.push_back(kNoPosition);
    std::uint32_t earlier = kNoPosition;
    if (i < kScanUpTo) {
      for (std::uint32_t j = i; j-- > 0;) {
        if (first_[j].account == first_[i].account) {
          earlier = j;
          break;
        }
      }
      if (i + 1 == kScanUpTo) {  // from here on, positions are found through the map
        for (std::uint32_t j = 0; j <= i; ++j) last_of_[first_[j].account.value] = j;
      }
    } else {
      const auto [it, inserted] = last_of_.try_emplace(first_[i].account.value, i);
      if (!inserted) earlier = std::exchange(it->second, i);
    }
    if (earlier != kNoPosition) {
      next_[earlier] = i;
      previous_[i] = earlier;
    }
  }
  const Action* first_ = nullptr;
  std::vector<std::uint32_t> previous_, next_;
  absl::flat_hash_map<std::uint64_t, std::uint32_t> last_of_;
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
  std::uint64_t max_src = 0, max_dst = 0;
  for (const auto& e : edges) {
    max_src = std::max(max_src, e.src.value);
    max_dst = std::max(max_dst, e.dst.value);
  }
  const auto dst_bits = static_cast<int>(std::bit_width(max_dst));
  if (static_cast<int>(std::bit_width(max_src)) + dst_bits <= 64) {
    sort_by_key(edges, [&](const CoactionEdge& e) {
      return dst_bits == 64 ? e.dst.value : (e.src.value << dst_bits) | e.dst.value;
    });
  } else {
    std::sort(edges.begin(), edges.end(), [](const CoactionEdge& a, const CoactionEdge& b) {
      return std::tie(a.src, a.dst) < std::tie(b.src, b.dst);
    });
  }
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

const Action* sweep_piece(const Action* begin, const Action* right_begin, const Action* right_end,
                          const CoactionConfig& config, std::size_t max_pairs, PairTable& table) {
  static thread_local SameAccountLinks links;
  const Action* first_left = std::lower_bound(
      begin, right_begin, right_begin == right_end ? 0 : right_begin->t_ms - config.window_ms,
      [](const Action& a, TimeMs t) { return a.t_ms < t; });
  // The table is sized for the pairs the piece can meet: at most its co-actions, and at most
  // max_pairs or the first right-hand action's window (a piece sweeps at least one).
  std::uint64_t hits = 0, first_window = 0;
  for (const Action *right = right_begin, *left = first_left;
       right != right_end && hits < max_pairs; ++right) {
    while (right->t_ms - left->t_ms > config.window_ms) ++left;
    if ((right->flags & kActionIsHalo) == 0) {
      if (hits == 0) first_window = static_cast<std::uint64_t>(right - left);
      hits += static_cast<std::uint64_t>(right - left);
    }
  }
  table.reset(
      static_cast<std::size_t>(std::max(first_window, std::min<std::uint64_t>(hits, max_pairs))));
  links.start(first_left, right_end);
  // Positions relative to first_left. An earlier action a and a later one r of different
  // accounts co-act; a is new on the earlier side of the pair iff r's account has no action
  // between them (else a was already counted with that action, here or in an earlier piece or
  // slice), and r is new on the later side iff a's account has no action between them. The
  // per-pair counters are 32-bit: a piece stops before 2^32 co-actions.
  struct Partner {
    std::size_t slot;
    std::uint32_t position;
  };
  static thread_local std::vector<Partner> partners;
  const Action* left = first_left;
  std::uint64_t piece_hits = 0;
  for (const Action* right = right_begin; right != right_end; ++right) {
    while (right->t_ms - left->t_ms > config.window_ms) ++left;
    if (right->flags & kActionIsHalo) continue;
    const auto window_pairs = static_cast<std::size_t>(right - left);
    if (piece_hits > 0 &&
        (table.size() + window_pairs > max_pairs || piece_hits + window_pairs > UINT32_MAX)) {
      return right;
    }
    piece_hits += window_pairs;
    const auto r = static_cast<std::uint32_t>(right - first_left);
    const std::uint64_t v = right->account.value;
    partners.clear();
    for (const Action* a = left; a != right; ++a) {
      if (a->account.value == v) continue;
      const auto [src, dst] = std::minmax(a->account.value, v);
      const auto slot = table.home(src, dst);
      table.prefetch(slot);
      partners.push_back({slot, static_cast<std::uint32_t>(a - first_left)});
    }
    links.extend_to(r);
    const auto previous_of_right = links.previous(r);
    for (const auto& p : partners) {
      const Action& o = first_left[p.position];
      const auto [src, dst] = std::minmax(o.account.value, v);
      PairSlot& s = table.find_or_insert(src, dst, p.slot);
      const DurationMs dt = right->t_ms - o.t_ms;
      ++s.count;
      s.n_fast += dt <= config.fast_window_ms ? 1 : 0;
      s.min_delay_ms = std::min(s.min_delay_ms, dt);
      s.sum_delay_ms += dt;
      s.first_ms = std::min(s.first_ms, o.t_ms);
      s.last_ms = std::max(s.last_ms, right->t_ms);
      s.n_older += previous_of_right == kNoPosition || p.position > previous_of_right ? 1 : 0;
      s.n_newer += links.next(p.position) > r ? 1 : 0;
    }
  }
  return right_end;
}

void emit_piece(const PairTable& table, KeyHash key, KeyCounting counting, SeenPairs* seen,
                const KeyTerms* terms, const CoactionConfig& config, std::vector<CoactionEdge>& out,
                std::vector<PairKey>& pair_keys) {
  const bool tfidf = config.weighting == Weighting::tfidf && terms != nullptr;
  table.for_each([&](const PairSlot& s) {
    CoactionEdge e{AccountIndex{s.src}, AccountIndex{s.dst}};
    e.count = s.count;
    e.n_fast = s.n_fast;
    e.min_delay_ms = s.min_delay_ms;
    e.sum_delay_ms = s.sum_delay_ms;
    e.first_ms = s.first_ms;
    e.last_ms = s.last_ms;
    e.n_older = s.n_older;
    e.n_newer = s.n_newer;
    const std::uint64_t dot =
        tfidf ? static_cast<std::uint64_t>(
                    std::llround(static_cast<double>(tf_of(*terms, e.src) * tf_of(*terms, e.dst)) *
                                 terms->idf * terms->idf * kTfidfScale))
              : 0;
    const bool first_in_group = seen == nullptr || seen->insert({s.src, s.dst}).second;
    if (first_in_group && counting == KeyCounting::here) {
      e.n_keys = 1;
      e.tfidf_dot = dot;
    } else if (first_in_group) {
      pair_keys.push_back({e.src, e.dst, key, dot});
    }
    out.push_back(e);
  });
}

void sweep_key(const Action* begin, const Action* end, const Action* right_begin,
               const Action* right_end, const CoactionConfig& config, bool whole_key,
               const KeyTerms* terms, std::vector<CoactionEdge>& out,
               std::vector<PairKey>& pair_keys) {
  static thread_local PairTable table;
  if (begin == end) return;
  sweep_piece(begin, right_begin, right_end, config, UINT32_MAX, table);
  emit_piece(table, begin->key, whole_key ? KeyCounting::here : KeyCounting::at_owner, nullptr,
             terms, config, out, pair_keys);
}

}  // namespace coordnet::coaction_detail
