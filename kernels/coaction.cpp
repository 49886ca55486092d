#include "kernels/coaction.hpp"

#include <absl/container/flat_hash_map.h>
#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <tuple>
#include <utility>

#include "core/errors.hpp"
#include "core/log.hpp"
#include "core/radix_sort.hpp"

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

std::uint64_t tf_of(const KeyTerms& terms, AccountIndex account) {
  const auto it = std::lower_bound(
      terms.tf.begin(), terms.tf.end(), account,
      [](const std::pair<AccountIndex, std::uint64_t>& t, AccountIndex a) { return t.first < a; });
  return it != terms.tf.end() && it->first == account ? it->second : 0;
}

}  // namespace

void sort_and_dedupe(std::vector<Action>& actions, std::vector<Action>& spare) {
  sort_by_hash(
      actions, key_hash_of,
      [](const Action& a, const Action& b) {
        return std::tie(a.key, a.slice, a.t_ms, a.account, a.content) <
               std::tie(b.key, b.slice, b.t_ms, b.account, b.content);
      },
      spare);
  const auto last =
      std::unique(actions.begin(), actions.end(), [](const Action& a, const Action& b) {
        return a.key == b.key && a.slice == b.slice && a.t_ms == b.t_ms && a.account == b.account &&
               a.content == b.content;
      });
  actions.erase(last, actions.end());
}

void sort_and_dedupe(std::vector<Action>& actions) {
  std::vector<Action> spare;
  sort_and_dedupe(actions, spare);
}

KeyTags::KeyTags(const std::vector<HotKey>& hot_keys, const Comm& comm)
    : hot_keys_(hot_keys),
      next_(hot_keys.size() + 1 + static_cast<std::uint64_t>(comm.rank())),
      stride_(static_cast<std::uint64_t>(comm.size())) {}

std::uint32_t KeyTags::hot_tag(KeyHash key) const {
  const auto* hot = find_hot_key(hot_keys_, key);
  return hot != nullptr ? static_cast<std::uint32_t>(hot - hot_keys_.data() + 1) : 0;
}

std::uint32_t KeyTags::whole(KeyHash key) const { return hot_tag(key); }

std::uint32_t KeyTags::cut(KeyHash key) {
  if (const auto tag = hot_tag(key); tag != 0) return tag;
  if (next_ > UINT32_MAX) {
    throw ConfigError(
        "co-action: more keys cut between blocks than 32-bit tags hold; raise --block-pairs");
  }
  return static_cast<std::uint32_t>(std::exchange(next_, next_ + stride_));
}

std::size_t owner_allowance(const CoactionConfig& config, std::size_t actions_held,
                            std::size_t counter_bytes, const Comm& comm) {
  if (config.owner_partials > 0) return config.owner_partials;
  if (config.memory_budget_bytes == 0) return 0;
  const std::uint64_t fixed = actions_held * sizeof(Action) + config.held_bytes + counter_bytes +
                              config.block_pairs * kSweepBytesPerBlockPair;
  const auto most = comm.allreduce<std::uint64_t>(fixed, ReduceOp::max);
  // An eighth of the budget is left to the rest of the process (MPI's buffers, the allocator's
  // slack, the account table), and the pairs need at least another eighth.
  const auto budget = config.memory_budget_bytes;
  if (most > budget - budget / 4) {
    throw ConfigError(
        fmt::format(
            "--memory-budget {} MiB is too small for the {} layer: the actions, earlier layers' "
            "edges and the stream's blocks take {} MiB on some rank, and the pairs and the rest of "
            "the process need at least a quarter of the budget; give at least {} MiB",
            budget >> 20, layer_name(config.layer), most >> 20, (most + most / 3) / (1 << 20) + 1),
        true);
  }
  return static_cast<std::size_t>((budget - budget / 8 - fixed) /
                                  (sizeof(PairPartial) + PairAccumulator::kSortBytesPerRecord));
}

void report_memory(const CoactionConfig& config, const std::vector<CoactionEdge>& edges,
                   const PairAccumulator& accumulated, std::uint64_t saturated, const Comm& comm,
                   StageMetrics& metrics) {
  const auto runs = comm.allreduce<std::uint64_t>(accumulated.runs(), ReduceOp::sum);
  const auto spilled = comm.allreduce<std::uint64_t>(accumulated.spilled_records(), ReduceOp::sum);
  if (runs > 0) {
    Log::info("project {}: {} sorted run(s) of {} pair partials spilled to disk",
              layer_name(config.layer), runs, spilled);
  }
  metrics.add_count("spilled_runs", accumulated.runs());
  metrics.add_count("spilled_partials", accumulated.spilled_records());
  metrics.add_count("saturated_partials", saturated);
  if (comm.allreduce<std::uint64_t>(saturated, ReduceOp::sum) > 0) {
    Log::always(fmt::format("project {}: some pair counters reached 2^32 - 1 and stopped there",
                            layer_name(config.layer)));
  }
  if (config.memory_budget_bytes == 0) return;
  const auto kept = comm.allreduce<std::uint64_t>(
      edges.size() * sizeof(CoactionEdge) + config.held_bytes, ReduceOp::max);
  if (kept > config.memory_budget_bytes) {
    Log::always(fmt::format(
        "project {}: the edges kept (with earlier layers') take {} MiB on some rank, past "
        "--memory-budget {} MiB; raise --min-weight to keep fewer",
        layer_name(config.layer), kept >> 20, config.memory_budget_bytes >> 20));
  }
}

void report_precount(const CoactionConfig& config, const PairCountBound& bound,
                     std::size_t filter_bytes, const PrecountEffect& effect, const Comm& comm,
                     StageMetrics& metrics) {
  const auto percent = [](std::uint64_t part, std::uint64_t whole) {
    return whole == 0 ? 0.0 : 100.0 * static_cast<double>(part) / static_cast<double>(whole);
  };
  const auto candidates = comm.allreduce(effect.candidates, ReduceOp::sum);
  const auto swept = comm.allreduce(effect.swept, ReduceOp::sum);
  const auto arrived = comm.allreduce(effect.arrived, ReduceOp::sum);
  const auto dropped = comm.allreduce(effect.dropped, ReduceOp::sum);
  Log::info(
      "project {}: the pre-count ({} counters of {} bits per rank, {}) kept {} of {} candidate "
      "pairs ({:.1f}%) at the senders, and its owners dropped {} of {} pair partials ({:.1f}%): "
      "pairs with fewer than {} co-actions",
      layer_name(config.layer), bound.counters(), bound.bits(),
      filter_bytes > 0 ? fmt::format("a filter of {} KiB on every rank", filter_bytes >> 10)
                       : std::string("too many pairs reach it for a filter on every rank"),
      swept, candidates, percent(swept, candidates), dropped, arrived, percent(dropped, arrived),
      config.min_weight);
  metrics.add_count("precount_counters", bound.counters());
  metrics.add_count("precount_filter_bytes", filter_bytes);
  metrics.add_count("precount_swept_coactions", effect.swept);
  metrics.add_count("precount_dropped_partials", effect.dropped);
  metrics.add_count("partials_at_owners", effect.arrived);
}

std::vector<CoactionEdge> collapse_to_edges(std::vector<PairPartial> partials) {
  sort_and_reduce(partials);
  std::vector<CoactionEdge> edges;
  for (const auto& p : partials) {
    if (edges.empty() || edges.back().src != p.src() || edges.back().dst != p.dst()) {
      edges.emplace_back();
    }
    add_to_edge(edges.back(), p);
  }
  return edges;
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

SweptPiece sweep_piece(const Action* begin, const Action* right_begin, const Action* right_end,
                       const CoactionConfig& config, std::size_t max_pairs,
                       std::uint64_t max_candidates, PairTable& table,
                       const PairReachFilter* reach) {
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
  // Behind the reach filter the table starts small and grows with the pairs that pass.
  table.reset(reach != nullptr ? 0
                               : static_cast<std::size_t>(std::max(
                                     first_window, std::min<std::uint64_t>(hits, max_pairs))));
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
  struct Probed {
    PairReachFilter::Probe probe;
    const Action* partner;
  };
  static thread_local std::vector<Probed> probes;
  const Action* left = first_left;
  std::uint64_t piece_hits = 0;
  for (const Action* right = right_begin; right != right_end; ++right) {
    while (right->t_ms - left->t_ms > config.window_ms) ++left;
    if (right->flags & kActionIsHalo) continue;
    const auto window_pairs = static_cast<std::size_t>(right - left);
    if (piece_hits > 0 &&
        (table.size() + window_pairs > max_pairs || piece_hits + window_pairs > UINT32_MAX ||
         piece_hits >= max_candidates)) {
      return {right, piece_hits};
    }
    piece_hits += window_pairs;
    const auto r = static_cast<std::uint32_t>(right - first_left);
    const std::uint32_t v = right->account.value;
    partners.clear();
    const auto add_partner = [&](const Action* a) {
      const auto [src, dst] = std::minmax(a->account.value, v);
      const auto slot = table.home(src, dst);
      table.prefetch(slot);
      partners.push_back({slot, static_cast<std::uint32_t>(a - first_left)});
    };
    if (reach == nullptr) {
      table.make_room(window_pairs);
      for (const Action* a = left; a != right; ++a) {
        if (a->account.value != v) add_partner(a);
      }
    } else {
      // The window's filter words are all loaded before the first is tested.
      probes.clear();
      for (const Action* a = left; a != right; ++a) {
        if (a->account.value == v) continue;
        const auto [src, dst] = std::minmax(a->account.value, v);
        probes.push_back({reach->probe(PairPartial::pack(src, dst)), a});
        reach->prefetch(probes.back().probe);
      }
      std::size_t passing = 0;
      for (auto& p : probes) {
        if (reach->passes(p.probe)) probes[passing++].partner = p.partner;
      }
      table.make_room(passing);
      for (std::size_t k = 0; k < passing; ++k) add_partner(probes[k].partner);
    }
    links.extend_to(r);
    const auto previous_of_right = links.previous(r);
    for (const auto& p : partners) {
      const Action& o = first_left[p.position];
      const auto [src, dst] = std::minmax(o.account.value, v);
      PairSlot& s = table.find_or_insert(src, dst, p.slot);
      const DurationMs dt = right->t_ms - o.t_ms;
      ++s.sums.count;
      s.sums.n_fast += dt <= config.fast_window_ms ? 1 : 0;
      s.sums.min_delay_ms = std::min(s.sums.min_delay_ms, dt);
      s.sums.sum_delay_ms += dt;
      s.sums.first_ms = std::min(s.sums.first_ms, o.t_ms);
      s.sums.last_ms = std::max(s.sums.last_ms, right->t_ms);
      s.sums.n_older += previous_of_right == kNoPosition || p.position > previous_of_right ? 1 : 0;
      s.sums.n_newer += links.next(p.position) > r ? 1 : 0;
    }
  }
  return {right_end, piece_hits};
}

void emit_piece(const PairTable& table, std::uint32_t key_tag, const KeyTerms* terms,
                const CoactionConfig& config, std::vector<PairPartial>& out) {
  const bool tfidf = config.weighting == Weighting::tfidf && terms != nullptr;
  table.for_each([&](const PairSlot& s) {
    PairPartial p;
    p.pair = PairPartial::pack(s.src, s.dst);
    p.key_tag = key_tag;
    p.n_keys = 1;
    p.sums = s.sums;
    if (tfidf) {
      const auto tf = tf_of(*terms, AccountIndex{s.src}) * tf_of(*terms, AccountIndex{s.dst});
      p.tfidf_dot = static_cast<std::uint64_t>(
          std::llround(static_cast<double>(tf) * terms->idf * terms->idf * kTfidfScale));
    }
    out.push_back(p);
  });
}

void sweep_key(const Action* begin, const Action* end, const Action* right_begin,
               const Action* right_end, const CoactionConfig& config, std::uint32_t key_tag,
               const KeyTerms* terms, std::vector<PairPartial>& out) {
  static thread_local PairTable table;
  if (begin == end) return;
  sweep_piece(begin, right_begin, right_end, config, UINT32_MAX, UINT64_MAX, table);
  emit_piece(table, key_tag, terms, config, out);
}

}  // namespace coordnet::coaction_detail
