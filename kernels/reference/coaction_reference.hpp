// Serial all-pairs reference for the windowed co-action projection (tests only): for every key,
// every pair of actions by different accounts within the window, no sliding window, no slices,
// no MPI. Same semantics as project_coactions (exact duplicates count once; the earlier action
// of a pair is the one first by (time, account, content)), written as plainly as possible so the
// two can be compared.
#pragma once

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <tuple>
#include <vector>

#include "kernels/coaction.hpp"

namespace coordnet::reference {

inline std::vector<CoactionEdge> coactions_all_pairs(std::vector<Action> actions,
                                                     const CoactionConfig& config) {
  std::erase_if(actions, [&](const Action& a) { return a.layer != config.layer; });
  using Id = std::tuple<TimeMs, AccountIndex, ContentHash>;
  std::map<KeyHash, std::set<Id>> by_key;
  for (const auto& a : actions) by_key[a.key].insert({a.t_ms, a.account, a.content});

  struct Sides {
    std::set<std::pair<KeyHash, Id>> older, newer;
  };
  std::map<std::pair<AccountIndex, AccountIndex>, CoactionEdge> edges;
  std::map<std::pair<AccountIndex, AccountIndex>, Sides> sides;
  std::map<AccountIndex, std::uint64_t> norms;
  for (const auto& [key, set] : by_key) {
    const std::vector<Id> list(set.begin(), set.end());
    std::map<AccountIndex, std::uint64_t> tf;
    for (const auto& id : list) ++tf[std::get<1>(id)];
    const double idf = std::max(
        0.0, std::log(static_cast<double>(config.n_accounts) / static_cast<double>(tf.size())));
    for (const auto& [account, n] : tf) {
      const double w = static_cast<double>(n) * idf;
      norms[account] += static_cast<std::uint64_t>(std::llround(w * w * kTfidfScale));
    }
    std::set<std::pair<AccountIndex, AccountIndex>> pairs_of_key;
    for (std::size_t i = 0; i < list.size(); ++i) {
      for (std::size_t j = i + 1; j < list.size(); ++j) {
        const auto& [ti, ai, ci] = list[i];
        const auto& [tj, aj, cj] = list[j];
        const DurationMs dt = tj - ti;
        if (ai == aj || dt > config.window_ms) continue;
        const auto u = std::min(ai, aj), v = std::max(ai, aj);
        CoactionEdge fresh{u, v};
        fresh.min_delay_ms = dt;
        fresh.first_ms = ti;
        fresh.last_ms = tj;
        auto& e = edges.try_emplace({u, v}, fresh).first->second;
        e.count += 1;
        e.n_fast += dt <= config.fast_window_ms ? 1 : 0;
        e.min_delay_ms = std::min(e.min_delay_ms, dt);
        e.sum_delay_ms += dt;
        e.first_ms = std::min(e.first_ms, ti);
        e.last_ms = std::max(e.last_ms, tj);
        sides[{u, v}].older.insert({key, list[i]});
        sides[{u, v}].newer.insert({key, list[j]});
        if (pairs_of_key.insert({u, v}).second) {
          e.n_keys += 1;
          if (config.weighting != Weighting::tfidf) continue;
          e.tfidf_dot += static_cast<std::uint64_t>(
              std::llround(static_cast<double>(tf[u] * tf[v]) * idf * idf * kTfidfScale));
        }
      }
    }
  }
  std::vector<CoactionEdge> result;
  for (auto& [pair, e] : edges) {
    e.n_older = sides[pair].older.size();
    e.n_newer = sides[pair].newer.size();
    switch (config.weighting) {
      case Weighting::pairs:
        e.weight = static_cast<double>(e.count);
        break;
      case Weighting::keys:
        e.weight = static_cast<double>(e.n_keys);
        break;
      case Weighting::tfidf: {
        const double d =
            std::sqrt(static_cast<double>(norms[e.src]) * static_cast<double>(norms[e.dst]));
        e.weight = d > 0 ? static_cast<double>(e.tfidf_dot) / d : 0.0;
        break;
      }
    }
    if (e.weight >= config.min_weight) result.push_back(e);
  }
  return result;
}

}  // namespace coordnet::reference
