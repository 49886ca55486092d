// Template part of coaction.hpp: the collective driver.
#pragma once

#include <algorithm>
#include <cmath>

#include "core/exchange.hpp"
#include "core/hash.hpp"
#include "core/log.hpp"
#include "kernels/key_slicing.hpp"

namespace coordnet {

namespace coaction_detail {

// The key groups of a rank's shuffled actions (sorted by key, slice, time): [begin, end) each.
std::vector<std::pair<std::size_t, std::size_t>> key_groups(const std::vector<Action>& actions);

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

}  // namespace coaction_detail

template <class OwnerOf>
std::vector<CoactionEdge> project_coactions(const std::vector<Action>& actions,
                                            const CoactionConfig& config,
                                            OwnerOf&& owner_of_account, const Comm& comm,
                                            StageMetrics& metrics) {
  using namespace coaction_detail;
  metrics.start(std::string("project_") + std::string(layer_name(config.layer)));
  auto layer_actions = actions_of_layer(actions, config.layer);
  KeySlicing slicing{config.window_ms, config.hot_key_actions, config.slice_actions};
  if (config.weighting == Weighting::tfidf) slicing.hot_key_actions = UINT64_MAX;
  auto shuffled = shuffle_to_key_slices(std::move(layer_actions), slicing, comm);
  auto by_key = std::move(shuffled.actions);
  sort_and_dedupe(by_key);
  const auto groups = key_groups(by_key);

  std::uint64_t candidates = 0;
  for (const auto& [b, e] : groups) {
    candidates += count_window_pairs(by_key.data() + b, by_key.data() + e, config.window_ms);
  }
  const auto total_candidates = comm.allreduce(candidates, ReduceOp::sum);
  Log::info("project {}: {} hot key(s) sliced, {} candidate pairs within {} ms",
            layer_name(config.layer), shuffled.hot_keys.size(), total_candidates, config.window_ms);

  // The sweep streams pair partials in rounds: each rank sweeps until it holds block_pairs
  // partials (reducing locally when that pays, see below), then all ranks send theirs to the
  // pairs' owners, which reduce them into their edges. A key group is swept in pieces of whole
  // right-hand actions, each aggregated per pair in a table of at most the block's room. A pair
  // counts its key with the first piece of the group that meets it (set `seen`): in n_keys, or,
  // for a slice of a hot key, through a pair-key to its owner.
  const bool tfidf = config.weighting == Weighting::tfidf;
  std::vector<CoactionEdge> edges, partials;
  std::vector<PairKey> pair_keys, edge_pair_keys;
  std::size_t pair_keys_deduped = 0;
  std::size_t group = 0, right = groups.empty() ? 0 : groups[0].first;
  std::size_t reduce_at = config.block_pairs, edges_reduced = 0;
  bool owner_reducing_pays = true;
  bool reducing_pays = true;
  KeyTerms terms;
  PairTable table;
  SeenPairs seen;                    // pairs of the key being swept, when it takes several pieces
  std::vector<NormTerm> norm_terms;  // tfidf: each key's terms, gathered as the sweep meets it
  auto owner_of_partial = [&](const CoactionEdge& e) { return owner_of_account(e.src); };
  auto owner_of_pair_key = [&](const PairKey& k) { return owner_of_account(k.src); };
  while (true) {
    while (group < groups.size() && partials.size() < config.block_pairs) {
      const auto [b, e] = groups[group];
      const Action* base = by_key.data();
      if (tfidf && right == b) {
        terms = key_terms(base + b, base + e, config.n_accounts);
        append_norm_terms(terms, norm_terms);
      }
      const auto stop =
          static_cast<std::size_t>(sweep_piece(base + b, base + right, base + e, config,
                                               config.block_pairs - partials.size(), table) -
                                   base);
      const bool whole = right == b && stop == e;
      const auto counting =
          is_hot(shuffled.hot_keys, by_key[b].key) ? KeyCounting::at_owner : KeyCounting::here;
      emit_piece(table, by_key[b].key, counting, whole ? nullptr : &seen, tfidf ? &terms : nullptr,
                 config, partials, pair_keys);
      right = stop;
      if (right == e) {
        seen.clear();
        if (++group < groups.size()) right = groups[group].first;
      }
      // Local pre-aggregation: sort-reduce whenever the buffer doubles past what the previous
      // reduction left. When a reduction removes less than a tenth of the partials, pairs barely
      // repeat on this rank, and the partials are then sent as they are.
      if (reducing_pays && partials.size() >= reduce_at) {
        const auto before = partials.size();
        sort_and_reduce(partials);
        reducing_pays = partials.size() * 10 < before * 9;
        reduce_at = std::max(config.block_pairs, 2 * partials.size());
      }
    }
    if (reducing_pays) sort_and_reduce(partials);
    auto received = exchange_by_owner(partials, owner_of_partial, comm).data;
    auto received_keys = exchange_by_owner(pair_keys, owner_of_pair_key, comm).data;
    partials.clear();
    pair_keys.clear();
    edges.insert(edges.end(), received.begin(), received.end());
    edge_pair_keys.insert(edge_pair_keys.end(), received_keys.begin(), received_keys.end());
    if (edge_pair_keys.size() >= 2 * std::max(pair_keys_deduped, config.block_pairs)) {
      dedupe_pair_keys(edge_pair_keys);
      pair_keys_deduped = edge_pair_keys.size();
    }
    // The owner reduces what it holds when that doubles, as long as reductions pay (remove a
    // tenth or more): pairs that repeat across rounds (a viral key's pair space) stay bounded;
    // pairs that do not (organic traffic) are sorted once, at the end.
    if (owner_reducing_pays && edges.size() >= 2 * std::max(edges_reduced, config.block_pairs)) {
      const auto before = edges.size();
      sort_and_reduce(edges);
      owner_reducing_pays = edges.size() * 10 < before * 9;
      edges_reduced = edges.size();
    }
    if (comm.allreduce<std::uint64_t>(group < groups.size() ? 1 : 0, ReduceOp::sum) == 0) break;
  }
  sort_and_reduce(edges);
  add_pair_keys(edge_pair_keys, edges);
  std::vector<PairKey>().swap(edge_pair_keys);

  if (tfidf) {
    std::vector<AccountIndex> ask;
    for (const auto& e : edges) {
      if (ask.empty() || ask.back() != e.src) ask.push_back(e.src);
      ask.push_back(e.dst);
    }
    std::sort(ask.begin(), ask.end());
    ask.erase(std::unique(ask.begin(), ask.end()), ask.end());
    const auto norms = tfidf_norms(norm_terms, ask, owner_of_account, comm);
    auto norm_of = [&](AccountIndex a) {
      return static_cast<double>(norms[static_cast<std::size_t>(
          std::lower_bound(ask.begin(), ask.end(), a) - ask.begin())]);
    };
    for (auto& e : edges) {
      const double denominator = std::sqrt(norm_of(e.src) * norm_of(e.dst));
      e.weight = denominator > 0 ? static_cast<double>(e.tfidf_dot) / denominator : 0.0;
    }
  } else {
    for (auto& e : edges) {
      e.weight = static_cast<double>(config.weighting == Weighting::keys ? e.n_keys : e.count);
    }
  }
  std::erase_if(edges, [&](const CoactionEdge& e) { return e.weight < config.min_weight; });
  metrics.add_count("actions", static_cast<std::uint64_t>(
                                   std::count_if(by_key.begin(), by_key.end(), [](const Action& a) {
                                     return (a.flags & kActionIsHalo) == 0;
                                   })));
  metrics.add_count("hot_keys", comm.is_root() ? shuffled.hot_keys.size() : 0);
  metrics.add_count("candidate_pairs", candidates);
  metrics.add_count("edges", edges.size());
  metrics.finish(comm);
  return edges;
}

}  // namespace coordnet
