// Template part of coaction.hpp: the collective driver.
#pragma once

#include <algorithm>
#include <cmath>
#include <optional>

#include "core/errors.hpp"
#include "core/exchange.hpp"
#include "core/hash.hpp"
#include "core/log.hpp"
#include "core/radix_sort.hpp"
#include "kernels/key_slicing.hpp"
#include "kernels/pair_accumulator.hpp"
#include "kernels/pair_count_bound.hpp"
#include "kernels/partial_index.hpp"

namespace coordnet {

namespace coaction_detail {

// The key groups of a rank's shuffled actions (sorted by key, slice, time): [begin, end) each.
std::vector<std::pair<std::size_t, std::size_t>> key_groups(const std::vector<Action>& actions);

// The key tags of the groups a rank sweeps (kernels/pair_partial.hpp): 0 for a key swept whole in
// one piece; a hot key's slices share 1 + its index among the hot keys (the same on every rank);
// a key cut between blocks takes the next of this rank's tags, n_hot + 1 + rank + size * i, so
// no two ranks' tags meet.
class KeyTags {
 public:
  KeyTags(const std::vector<HotKey>& hot_keys, const Comm& comm);
  std::uint32_t whole(KeyHash key) const;
  std::uint32_t cut(KeyHash key);

 private:
  std::uint32_t hot_tag(KeyHash key) const;
  const std::vector<HotKey>& hot_keys_;
  std::uint64_t next_, stride_;
};

// A round of the stream ends when a rank's block is full or when it has swept this many
// co-action candidates per block pair. Behind a pre-count few candidates become partials (1-2% of
// the organic benchmark's, 2% of the viral one's), so a round bounded by its block alone meant
// unequal work: one rank's block filled while its peer swept a hot key whose pairs the filter
// rejects, and the first waited at the exchange. Equal candidates per round keep the ranks in
// step (the 10M viral input at 2 ranks: exchange 0.79-0.93 -> 0.52-0.60 s, peak 1,364 -> 1,112
// MiB per rank); where most candidates become partials (no pre-count), the block ends the round
// first, as before.
inline constexpr std::uint64_t kRoundCandidatesPerBlockPair = 16;

// The partials a rank's owner accumulation may hold: config.owner_partials if set, else under
// config.memory_budget_bytes (0: no limit) what the budget leaves after the actions held (32 bytes
// each), config.held_bytes, the pre-count's counters (counter_bytes), the stream's blocks and an
// eighth of the budget kept for the rest of the process. Throws ConfigError on every rank when
// that is under an eighth of the budget on some rank. Collective.
std::size_t owner_allowance(const CoactionConfig& config, std::size_t actions_held,
                            std::size_t counter_bytes, const Comm& comm);

// Logs and counts what the owner accumulation spilled and how the result compares with the
// budget (saying so when the kept edges alone pass it). Collective.
void report_memory(const CoactionConfig& config, const std::vector<CoactionEdge>& edges,
                   const PairAccumulator& accumulated, std::uint64_t saturated, const Comm& comm,
                   StageMetrics& metrics);

// Drops the partials whose pair's counter is under min_weight (its owner's exact test); returns
// how many. The counters are far larger than the caches: each is loaded a few partials ahead.
inline std::size_t drop_unreaching(std::vector<PairPartial>& received,
                                   const PairCountBound& bound) {
  constexpr std::size_t kAhead = 16;
  std::size_t kept = 0;
  for (std::size_t i = 0; i < received.size(); ++i) {
    if (i + kAhead < received.size()) bound.prefetch(received[i + kAhead].pair);
    if (bound.may_reach(received[i].pair)) received[kept++] = received[i];
  }
  const auto dropped = received.size() - kept;
  received.resize(kept);
  return dropped;
}

// What a rank's pre-count removed: co-actions its senders skipped (the reach filter's verdict),
// partials its owner dropped on arrival.
struct PrecountEffect {
  std::uint64_t candidates, swept;  // co-actions of this rank's key groups, and those it emitted
  std::uint64_t arrived, dropped;   // partials at this owner, and those its bound dropped
};

// Logs and counts what the pre-count (of filter_bytes per rank, 0: no filter) removed.
// Collective.
void report_precount(const CoactionConfig& config, const PairCountBound& bound,
                     std::size_t filter_bytes, const PrecountEffect& effect, const Comm& comm,
                     StageMetrics& metrics);

// One key's contribution to an account's squared TF-IDF norm (fixed point).
struct NormTerm {
  AccountIndex account;
  std::uint64_t square;
};

inline void append_norm_terms(const KeyTerms& kt, std::vector<NormTerm>& out) {
  for (const auto& [account, tf] : kt.tf) {
    const double w = static_cast<double>(tf) * kt.idf;
    out.push_back({account, static_cast<std::uint64_t>(std::llround(w * w * kTfidfScale))});
  }
}

// Squared norms of the accounts' TF-IDF vectors, summed at the accounts' owners from every
// rank's per-key terms: for each local account in `ask`, its norm. Collective.
template <class OwnerOf>
std::vector<std::uint64_t> tfidf_norms(const std::vector<NormTerm>& terms,
                                       const std::vector<AccountIndex>& ask,
                                       OwnerOf&& owner_of_account, const Comm& comm) {
  using Term = NormTerm;
  auto received = exchange_by_owner(
                      terms, [&](const Term& t) { return owner_of_account(t.account); }, comm)
                      .data;
  std::sort(received.begin(), received.end(),
            [](const Term& a, const Term& b) { return a.account < b.account; });
  std::vector<Term> norms;
  for (const auto& t : received) {
    if (!norms.empty() && norms.back().account == t.account) {
      norms.back().square += t.square;
    } else {
      norms.push_back(t);
    }
  }
  return ask_owners<std::uint64_t>(
      ask, [&](AccountIndex a) { return owner_of_account(a); },
      each_answer<std::uint64_t, AccountIndex>([&](AccountIndex account) -> std::uint64_t {
        const auto it =
            std::lower_bound(norms.begin(), norms.end(), account,
                             [](const Term& t, AccountIndex a) { return t.account < a; });
        return it != norms.end() && it->account == account ? it->square : 0;
      }),
      comm);
}

// Sends each edge from its pair's owner to the owner of its src, in rounds of at most `block`
// edges per rank, and sorts what arrives by (src, dst). Collective.
template <class OwnerOf>
std::vector<CoactionEdge> edges_to_src_owners(std::vector<CoactionEdge> edges,
                                              OwnerOf&& owner_of_account, std::size_t block,
                                              const Comm& comm) {
  if (comm.size() == 1) return edges;
  std::vector<CoactionEdge> mine;
  OwnerExchange<CoactionEdge> stream;
  auto owner_of_edge = [&](const CoactionEdge& e) { return owner_of_account(e.src); };
  std::size_t sent = 0;
  while (true) {
    const auto n = std::min(block, edges.size() - sent);
    const auto& received =
        stream(std::span<const CoactionEdge>(edges).subspan(sent, n), owner_of_edge, comm).data;
    mine.insert(mine.end(), received.begin(), received.end());
    sent += n;
    if (comm.allreduce<std::uint64_t>(sent < edges.size() ? 1 : 0, ReduceOp::sum) == 0) break;
  }
  std::vector<CoactionEdge>().swap(edges);
  sort_by_key(mine,
              [](const CoactionEdge& e) { return PairPartial::pack(e.src.value, e.dst.value); });
  return mine;
}

}  // namespace coaction_detail

template <class OwnerOf>
std::vector<CoactionEdge> project_coactions(const std::vector<Action>& actions,
                                            const CoactionConfig& config,
                                            OwnerOf&& owner_of_account, const Comm& comm,
                                            StageMetrics& metrics, ShuffledKeys* kept) {
  using namespace coaction_detail;
  metrics.start(std::string("project_") + std::string(layer_name(config.layer)));
  enum Part : std::size_t {
    kPrepare,
    kPrecountPairs,
    kPrecountExchange,
    kPrecountCount,
    kSweep,
    kExchange,
    kOwnerAdd,
    kFinish,
    kEdgesToSrc
  };
  PartTimes times({"prepare", "precount_pairs", "precount_exchange", "precount_count", "sweep",
                   "exchange", "owner_add", "finish", "edges_to_src"});
  if (config.n_accounts > kMaxPairAccount + 1) {
    throw DataError("co-action: more than 2^32 accounts; pairs hold 32-bit indexes", true);
  }
  // The shuffle's copy of the layer does the key sort's first pass (core/radix_sort.hpp): one
  // rank's copy is grouped already, and at more ranks every source's actions arrive grouped, each
  // group's stretch copied whole. The sort scatters into the memory the actions were sent from.
  KeySlicing slicing{config.window_ms, config.hot_key_actions, config.slice_actions};
  if (config.weighting == Weighting::tfidf) slicing.hot_key_actions = UINT64_MAX;
  auto shuffled = shuffle_to_key_slices(actions, config.layer, slicing, comm);
  auto by_key = std::move(shuffled.actions);
  sort_and_dedupe(by_key, shuffled.spare);
  const auto groups = key_groups(by_key);

  std::uint64_t candidates = 0;
  for (const auto& [b, e] : groups) {
    candidates += count_window_pairs(by_key.data() + b, by_key.data() + e, config.window_ms);
  }
  const auto total_candidates = comm.allreduce(candidates, ReduceOp::sum);
  Log::info("project {}: {} hot key(s) sliced, {} candidate pairs within {} ms",
            layer_name(config.layer), shuffled.hot_keys.size(), total_candidates, config.window_ms);
  times.lap(kPrepare);

  const bool tfidf = config.weighting == Weighting::tfidf;
  std::optional<PairCountBound> bound;
  std::optional<PairReachFilter> reach;  // the bound's verdict on every rank: the sweep skips
  std::size_t reaching = 0;              // counters of this rank's bound that may reach
  if (config.precount && !tfidf && config.min_weight > 1 && total_candidates > 0) {
    // The sketch, and the filter of it every rank holds, each take at most this.
    const auto most_bytes =
        config.memory_budget_bytes > 0 ? config.memory_budget_bytes / 16 : kPrecountMostBytes;
    const auto counters =
        config.precount_counters > 0
            ? config.precount_counters
            : pair_count_counters(total_candidates, comm.size(), most_bytes,
                                  PairCountBound::counter_bits(config.min_weight));
    bound.emplace(count_pair_bounds(by_key, groups, config.window_ms, counters, config.min_weight,
                                    comm, &times, kPrecountPairs));
    reaching = bound->reaching();
    reach = build_reach_filter(*bound, reaching, std::max(bound->bytes(), most_bytes), comm);
    times.lap(kPrecountCount);
  }

  // The sweep streams pair partials in rounds: each rank sweeps until it holds block_pairs
  // partials, then all ranks send theirs to the pairs' owners, which accumulate them. A key group
  // is swept in pieces of whole right-hand actions, each aggregated per pair in a table of at most
  // half a block; the pieces of a key emitted in several merge into the block as they come.
  const auto owner_records =
      owner_allowance(config, actions.size() + by_key.size(),
                      (bound ? bound->bytes() : 0) + (reach ? reach->bytes() : 0), comm);
  PairAccumulator accumulated(owner_records, config.spill_dir.empty()
                                                 ? std::filesystem::temp_directory_path()
                                                 : config.spill_dir);
  // Without a budget, the owner expects each candidate to be a distinct pair (organic traffic),
  // and with a pre-count a few pairs per counter that may reach min_weight.
  accumulated.expect(static_cast<std::size_t>(
      std::min<std::uint64_t>(total_candidates / comm.size(), bound ? 2 * reaching : UINT64_MAX)));
  std::vector<PairPartial> partials;
  PartialIndex block_index(config.block_pairs);  // merges a block's partials as they come
  OwnerExchange<PairPartial> stream;
  KeyTags tags(shuffled.hot_keys, comm);
  std::size_t group = 0, right = groups.empty() ? 0 : groups[0].first;
  std::uint32_t group_tag = 0;
  KeyTerms terms;
  PairTable table;
  std::vector<NormTerm> norm_terms;  // tfidf: each key's terms, gathered as the sweep meets it
  auto owner_of_partial = [&](const PairPartial& p) { return owner_of_pair(p.pair, comm.size()); };
  std::uint64_t arrived = 0, dropped = 0;  // partials at this owner, and those the bound dropped
  std::uint64_t swept = 0;                 // co-actions in this rank's partials
  times.lap(kOwnerAdd);                    // the owner's allowance and accumulation set up
  const std::uint64_t round_candidates = config.round_candidates > 0
                                             ? config.round_candidates
                                             : kRoundCandidatesPerBlockPair * config.block_pairs;
  std::uint64_t rounds = 0;
  while (true) {
    ++rounds;
    std::uint64_t swept_candidates = 0;  // in this round
    while (group < groups.size() && partials.size() < config.block_pairs &&
           swept_candidates < round_candidates) {
      const auto [b, e] = groups[group];
      const Action* base = by_key.data();
      if (tfidf && right == b) {
        terms = key_terms(base + b, base + e, config.n_accounts);
        append_norm_terms(terms, norm_terms);
      }
      const auto room = std::min(config.block_pairs - partials.size(),
                                 std::max<std::size_t>(1, config.block_pairs / 2));
      const auto piece =
          sweep_piece(base + b, base + right, base + e, config, room,
                      round_candidates - swept_candidates, table, reach ? &*reach : nullptr);
      const auto stop = static_cast<std::size_t>(piece.stop - base);
      swept_candidates += piece.candidates;
      if (right == b) group_tag = stop == e ? tags.whole(by_key[b].key) : tags.cut(by_key[b].key);
      const auto emitted = partials.size();
      emit_piece(table, group_tag, tfidf ? &terms : nullptr, config, partials);
      for (auto k = emitted; k < partials.size(); ++k) swept += partials[k].sums.count;
      // Only a key in pieces repeats its pairs: its pieces merge while the block is built.
      if (group_tag != 0) block_index.absorb_tail(partials, emitted);
      right = stop;
      if (right == e && ++group < groups.size()) right = groups[group].first;
    }
    times.lap(kSweep);
    auto& received = stream(std::span<const PairPartial>(partials), owner_of_partial, comm).data;
    times.lap(kExchange);
    partials.clear();
    block_index.clear();
    arrived += received.size();
    if (bound) dropped += drop_unreaching(received, *bound);
    accumulated.add(received);
    times.lap(kOwnerAdd);
    const bool more =
        comm.allreduce<std::uint64_t>(group < groups.size() ? 1 : 0, ReduceOp::sum) > 0;
    times.lap(kExchange);
    if (!more) break;
  }
  std::vector<PairPartial>().swap(partials);
  block_index.release();
  stream.release();
  if (bound) {
    report_precount(config, *bound, reach ? reach->bytes() : 0,
                    {candidates, swept, arrived, dropped}, comm, metrics);
    bound.reset();
    reach.reset();
  }
  // The weight of a pair's co-actions under pairs or keys weighting (tfidf needs the norms).
  auto plain_weight = [&](std::uint64_t count, std::uint64_t n_keys) {
    return static_cast<double>(config.weighting == Weighting::keys ? n_keys : count);
  };
  // A pair whose weight over all of its partials is under min_weight is dropped before the owner
  // sorts (tfidf weights need the norms: nothing is dropped).
  if (tfidf) {
    accumulated.finish(sizeof(CoactionEdge));
  } else {
    accumulated.finish(sizeof(CoactionEdge), [&](std::uint64_t count, std::uint64_t n_keys) {
      return plain_weight(count, n_keys) >= config.min_weight;
    });
  }

  // Each pair's tags collapse into its edge, weighted and filtered as the merge goes.
  std::vector<std::uint64_t> norms;
  std::vector<AccountIndex> ask;
  if (tfidf) {
    accumulated.for_each([&](const PairPartial& p) {
      if (ask.empty() || ask.back() != p.src()) ask.push_back(p.src());
      ask.push_back(p.dst());
    });
    std::sort(ask.begin(), ask.end());
    ask.erase(std::unique(ask.begin(), ask.end()), ask.end());
    norms = tfidf_norms(norm_terms, ask, owner_of_account, comm);
  }
  auto norm_of = [&](AccountIndex a) {
    return static_cast<double>(
        norms[static_cast<std::size_t>(std::lower_bound(ask.begin(), ask.end(), a) - ask.begin())]);
  };
  std::vector<CoactionEdge> edges;
  CoactionEdge edge;
  std::uint64_t saturated = 0;
  auto keep_edge = [&] {
    if (tfidf) {
      const double denominator = std::sqrt(norm_of(edge.src) * norm_of(edge.dst));
      edge.weight = denominator > 0 ? static_cast<double>(edge.tfidf_dot) / denominator : 0.0;
    } else {
      edge.weight = plain_weight(edge.count, edge.n_keys);
    }
    if (edge.weight >= config.min_weight) edges.push_back(edge);
  };
  accumulated.for_each([&](const PairPartial& p) {
    if (edge.count > 0 && (edge.src != p.src() || edge.dst != p.dst())) {
      keep_edge();
      edge = CoactionEdge{};
    }
    saturated += p.sums.saturated() ? 1 : 0;
    add_to_edge(edge, p);
  });
  if (edge.count > 0) keep_edge();
  times.lap(kFinish);
  edges = edges_to_src_owners(std::move(edges), owner_of_account, config.block_pairs, comm);
  times.lap(kEdgesToSrc);
  times.add_to(metrics, comm);
  report_memory(config, edges, accumulated, saturated, comm, metrics);
  metrics.add_count("actions", static_cast<std::uint64_t>(
                                   std::count_if(by_key.begin(), by_key.end(), [](const Action& a) {
                                     return (a.flags & kActionIsHalo) == 0;
                                   })));
  metrics.add_count("hot_keys", comm.is_root() ? shuffled.hot_keys.size() : 0);
  metrics.add_count("candidate_pairs", candidates);
  metrics.add_count("stream_rounds", comm.is_root() ? rounds : 0);
  metrics.add_count("edges", edges.size());
  metrics.finish(comm);
  if (kept != nullptr) *kept = {std::move(by_key), shuffled.hot_keys};
  return edges;
}

}  // namespace coordnet
