// Serial reference for the temporal-synchrony layer (tests only): the account x bin sets built
// with std::map, every pair of every kept bin enumerated, no MPI. Same semantics as
// project_synchrony, written as plainly as possible so the two can be compared.
#pragma once

#include <map>
#include <set>
#include <vector>

#include "kernels/synchrony.hpp"

namespace coordnet::reference {

inline SynchronyResult synchrony_all_pairs(const std::vector<Action>& actions,
                                           const SynchronyConfig& config) {
  std::map<std::int64_t, std::set<AccountIndex>> accounts_of_bin;
  for (const auto& a : actions) {
    accounts_of_bin[synchrony_detail::bin_of(a.t_ms, config.bin_ms)].insert(a.account);
  }
  SynchronyResult result;
  std::map<AccountIndex, std::uint64_t> active;
  std::map<std::pair<AccountIndex, AccountIndex>, SynchronyEdge> edges;
  for (const auto& [bin, accounts] : accounts_of_bin) {
    if (accounts.size() > config.max_bin_occupancy) {
      result.skipped_bins += 1;
      result.skipped_account_bins += accounts.size();
      continue;
    }
    result.kept_bins += 1;
    for (const auto u : accounts) active[u] += 1;
    if (accounts.size() < 2) continue;
    const std::uint64_t weight = synchrony_detail::bin_weight_fixed(accounts.size());
    for (const auto u : accounts) {
      for (const auto v : accounts) {
        if (!(u < v)) continue;
        auto& e = edges[{u, v}];
        e.src = u;
        e.dst = v;
        e.co_bins += 1;
        e.weight_fixed += weight;
      }
    }
  }
  for (auto [pair, e] : edges) {
    if (e.co_bins < config.min_co_bins) continue;
    e.expected_co_bins =
        synchrony_detail::expected_co_bins(active[e.src], active[e.dst], result.kept_bins);
    result.edges.push_back(e);
  }
  for (const auto& [account, n] : active) result.active_bins.push_back({account, n});
  return result;
}

}  // namespace coordnet::reference
