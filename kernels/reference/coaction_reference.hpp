// Serial all-pairs reference for the windowed co-action projection (tests only): for every key,
// every pair of actions by different accounts within the window, no sliding window, no MPI.
// Same semantics as project_coactions (exact duplicates count once), written as plainly as
// possible so the two can be compared.
#pragma once

#include <algorithm>
#include <map>
#include <set>
#include <tuple>
#include <vector>

#include "kernels/coaction.hpp"

namespace coordnet::reference {

inline std::vector<CoactionEdge> coactions_all_pairs(std::vector<Action> actions, Layer layer,
                                                     DurationMs window_ms) {
  std::erase_if(actions, [&](const Action& a) { return a.layer != layer; });
  std::set<std::tuple<KeyHash, TimeMs, AccountIndex, ContentHash>> seen;
  std::map<KeyHash, std::vector<Action>> by_key;
  for (const auto& a : actions) {
    if (seen.insert({a.key, a.t_ms, a.account, a.content}).second) by_key[a.key].push_back(a);
  }
  std::map<std::pair<AccountIndex, AccountIndex>, CoactionEdge> edges;
  for (const auto& [key, list] : by_key) {
    std::set<std::pair<AccountIndex, AccountIndex>> pairs_of_key;
    for (std::size_t i = 0; i < list.size(); ++i) {
      for (std::size_t j = i + 1; j < list.size(); ++j) {
        const auto& a = list[i];
        const auto& b = list[j];
        const DurationMs dt = a.t_ms > b.t_ms ? a.t_ms - b.t_ms : b.t_ms - a.t_ms;
        if (a.account == b.account || dt > window_ms) continue;
        const auto u = std::min(a.account, b.account), v = std::max(a.account, b.account);
        auto [it, inserted] = edges.try_emplace({u, v}, CoactionEdge{u, v, 0, 0, dt, 0});
        it->second.count += 1;
        it->second.min_delay_ms = std::min(it->second.min_delay_ms, dt);
        it->second.sum_delay_ms += dt;
        if (pairs_of_key.insert({u, v}).second) it->second.n_keys += 1;
      }
    }
  }
  std::vector<CoactionEdge> result;
  for (const auto& [pair, edge] : edges) result.push_back(edge);
  return result;
}

}  // namespace coordnet::reference
