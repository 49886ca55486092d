// Template part of synchrony.hpp: the collective driver.
#pragma once

#include <algorithm>

#include "core/exchange.hpp"
#include "core/hash.hpp"
#include "core/log.hpp"
#include "kernels/doubling_reduce.hpp"

namespace coordnet {

namespace synchrony_detail {

// For each local edge, the active-bin count of its dst, asked from the owner of dst (one
// request per distinct dst). `active_bins` is this rank's reduced, sorted share.
template <class OwnerOf>
std::vector<std::uint64_t> active_bins_of_dst(const std::vector<SynchronyEdge>& edges,
                                              const std::vector<AccountActiveBins>& active_bins,
                                              OwnerOf&& owner_of_account, const Comm& comm) {
  std::vector<AccountIndex> wanted;
  for (const auto& e : edges) wanted.push_back(e.dst);
  std::sort(wanted.begin(), wanted.end());
  wanted.erase(std::unique(wanted.begin(), wanted.end()), wanted.end());

  const auto count_of_wanted = ask_owners<std::uint64_t>(
      wanted, owner_of_account,
      all_answers<std::uint64_t, AccountIndex>([&](const std::vector<AccountIndex>& asked) {
        std::vector<std::uint64_t> counts;
        counts.reserve(asked.size());
        for (const auto account : asked) {
          const auto it = std::lower_bound(
              active_bins.begin(), active_bins.end(), account,
              [](const AccountActiveBins& c, AccountIndex a) { return c.account < a; });
          counts.push_back(it != active_bins.end() && it->account == account ? it->active_bins : 0);
        }
        return counts;
      }),
      comm);
  std::vector<std::uint64_t> result;
  result.reserve(edges.size());
  for (const auto& e : edges) {
    const auto i = std::lower_bound(wanted.begin(), wanted.end(), e.dst) - wanted.begin();
    result.push_back(count_of_wanted[static_cast<std::size_t>(i)]);
  }
  return result;
}

}  // namespace synchrony_detail

template <class OwnerOf>
SynchronyResult project_synchrony(const std::vector<Action>& actions, const SynchronyConfig& config,
                                  OwnerOf&& owner_of_account, const Comm& comm,
                                  StageMetrics& metrics) {
  using namespace synchrony_detail;
  metrics.start("synchrony");
  std::vector<AccountBin> local;
  local.reserve(actions.size());
  for (const auto& a : actions) local.push_back({bin_of(a.t_ms, config.bin_ms), a.account});
  sort_and_dedupe(local);
  auto by_bin =
      exchange_by_owner(
          local, [&](const AccountBin& p) { return owner_of_hash(bin_hash(p.bin), comm.size()); },
          comm)
          .data;
  std::vector<AccountBin>().swap(local);
  sort_and_dedupe(by_bin);

  SynchronyResult result;
  std::vector<AccountActiveBins> activity;
  // Local pre-aggregation (kernels/doubling_reduce.hpp).
  std::vector<SynchronyEdge> partials;
  DoublingReduce local_reduce(config.block_pairs);
  for (std::size_t begin = 0; begin < by_bin.size();) {
    std::size_t end = begin + 1;
    while (end < by_bin.size() && by_bin[end].bin == by_bin[begin].bin) ++end;
    const auto n = static_cast<std::uint64_t>(end - begin);
    if (n > config.max_bin_occupancy) {
      result.skipped_bins += 1;
      result.skipped_account_bins += n;
    } else {
      result.kept_bins += 1;
      for (auto i = begin; i < end; ++i) activity.push_back({by_bin[i].account, 1});
      emit_bin_pairs(by_bin.data() + begin, by_bin.data() + end, partials);
      local_reduce.maybe(partials, [](auto& p) { sort_and_reduce(p); });
    }
    begin = end;
  }
  if (local_reduce.pays()) sort_and_reduce(partials);
  const auto n_account_bins = by_bin.size();
  std::vector<AccountBin>().swap(by_bin);

  sort_and_reduce(activity);
  result.active_bins =
      exchange_by_owner(
          activity, [&](const AccountActiveBins& c) { return owner_of_account(c.account); }, comm)
          .data;
  std::vector<AccountActiveBins>().swap(activity);
  sort_and_reduce(result.active_bins);

  result.edges =
      exchange_by_owner(
          partials, [&](const SynchronyEdge& e) { return owner_of_account(e.src); }, comm)
          .data;
  std::vector<SynchronyEdge>().swap(partials);
  sort_and_reduce(result.edges);
  std::erase_if(result.edges,
                [&](const SynchronyEdge& e) { return e.co_bins < config.min_co_bins; });

  metrics.add_count("kept_bins", result.kept_bins);
  metrics.add_count("skipped_bins", result.skipped_bins);
  result.kept_bins = comm.allreduce(result.kept_bins, ReduceOp::sum);
  result.skipped_bins = comm.allreduce(result.skipped_bins, ReduceOp::sum);
  result.skipped_account_bins = comm.allreduce(result.skipped_account_bins, ReduceOp::sum);
  const auto a_dst = active_bins_of_dst(result.edges, result.active_bins, owner_of_account, comm);
  std::size_t src_slot = 0;
  for (std::size_t i = 0; i < result.edges.size(); ++i) {
    auto& e = result.edges[i];
    while (result.active_bins[src_slot].account < e.src) ++src_slot;
    e.expected_co_bins =
        expected_co_bins(result.active_bins[src_slot].active_bins, a_dst[i], result.kept_bins);
  }
  if (result.skipped_bins > 0) {
    Log::info("synchrony: skipped {} bins with more than {} active accounts ({} account-bins)",
              result.skipped_bins, config.max_bin_occupancy, result.skipped_account_bins);
  }
  metrics.add_count("account_bins", n_account_bins);
  metrics.add_count("edges", result.edges.size());
  metrics.finish(comm);
  return result;
}

}  // namespace coordnet
