// Template part of coaction.hpp: the collective driver.
#pragma once

#include <algorithm>

#include "core/exchange.hpp"
#include "core/hash.hpp"
#include "core/log.hpp"

namespace coordnet {

template <class OwnerOf>
std::vector<CoactionEdge> project_coactions(const std::vector<Action>& actions,
                                            const CoactionConfig& config,
                                            OwnerOf&& owner_of_account, const Comm& comm,
                                            StageMetrics& metrics) {
  using namespace coaction_detail;
  metrics.start("project");
  std::vector<Action> layer_actions;
  for (const auto& a : actions) {
    if (a.layer == config.layer) layer_actions.push_back(a);
  }
  auto by_key = exchange_by_owner(
                    layer_actions,
                    [&](const Action& a) { return owner_of_hash(a.key.value, comm.size()); }, comm)
                    .data;
  std::vector<Action>().swap(layer_actions);
  sort_and_dedupe(by_key);

  auto for_each_key = [&](auto&& visit) {
    for (std::size_t begin = 0; begin < by_key.size();) {
      std::size_t end = begin + 1;
      while (end < by_key.size() && by_key[end].key == by_key[begin].key) ++end;
      visit(by_key.data() + begin, by_key.data() + end);
      begin = end;
    }
  };
  std::uint64_t candidates = 0;
  for_each_key([&](const Action* b, const Action* e) {
    candidates += count_window_pairs(b, e, config.window_ms);
  });
  Log::info("project: {} {} actions, {} candidate pairs within {} ms",
            comm.allreduce<std::uint64_t>(by_key.size(), ReduceOp::sum), layer_name(config.layer),
            comm.allreduce(candidates, ReduceOp::sum), config.window_ms);

  // Local pre-aggregation: sort-reduce whenever the buffer doubles past what the previous
  // reduction left (so the work stays O(pairs log pairs)). When a reduction removes less than a
  // tenth of the partials, pairs barely repeat on this rank and reducing again would only
  // repeat the sort the owner does anyway, so the partials are then sent as they are.
  std::vector<CoactionEdge> partials;
  std::size_t reduce_at = config.block_pairs;
  bool reducing_pays = true;
  for_each_key([&](const Action* b, const Action* e) {
    sweep_key(b, e, config.window_ms, partials);
    if (reducing_pays && partials.size() >= reduce_at) {
      const auto before = partials.size();
      sort_and_reduce(partials);
      reducing_pays = partials.size() * 10 < before * 9;
      reduce_at = std::max(config.block_pairs, 2 * partials.size());
    }
  });
  if (reducing_pays) sort_and_reduce(partials);
  const auto n_keys = by_key.size();
  std::vector<Action>().swap(by_key);

  auto edges = exchange_by_owner(
                   partials, [&](const CoactionEdge& e) { return owner_of_account(e.src); }, comm)
                   .data;
  std::vector<CoactionEdge>().swap(partials);
  sort_and_reduce(edges);
  std::erase_if(edges, [&](const CoactionEdge& e) { return e.count < config.min_weight; });
  metrics.add_count("actions", n_keys);
  metrics.add_count("candidate_pairs", candidates);
  metrics.add_count("edges", edges.size());
  metrics.finish(comm);
  return edges;
}

}  // namespace coordnet
