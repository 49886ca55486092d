// Template part of compat_coortweet.hpp: the collective driver.
#pragma once

#include <algorithm>

#include "core/exchange.hpp"
#include "core/hash.hpp"
#include "kernels/key_slicing.hpp"
#include "kernels/weight_quantile.hpp"

namespace coordnet {

template <class OwnerOf>
CoortweetResult project_coortweet(const std::vector<Action>& actions, const CoortweetConfig& config,
                                  OwnerOf&& owner_of_account, const Comm& comm,
                                  StageMetrics& metrics) {
  using namespace coortweet_detail;
  metrics.start(std::string("project_") + std::string(layer_name(config.layer)));
  const auto layer_actions = actions_of_layer(actions, config.layer);
  auto by_key = to_key_owners(layer_actions, comm);
  std::sort(by_key.begin(), by_key.end(), [](const Action& a, const Action& b) {
    return std::tie(a.key, a.t_ms, a.account, a.content) <
           std::tie(b.key, b.t_ms, b.account, b.content);
  });
  std::vector<CoshareRow> rows;
  std::vector<ContentHash> contents;
  for (std::size_t b = 0; b < by_key.size();) {
    std::size_t e = b + 1;
    while (e < by_key.size() && by_key[e].key == by_key[b].key) ++e;
    rows_of_key(by_key.data() + b, by_key.data() + e, config.window_ms, rows, contents);
    b = e;
  }
  std::vector<Action>().swap(by_key);

  // Contents that appear in a row, deduplicated at their owners; then each account counts its
  // actions whose content is among them, at the account's owner.
  auto owner_of_content = [&](ContentHash c) { return owner_of_hash(c.value, comm.size()); };
  auto row_contents = exchange_by_owner(contents, owner_of_content, comm).data;
  std::sort(row_contents.begin(), row_contents.end());
  row_contents.erase(std::unique(row_contents.begin(), row_contents.end()), row_contents.end());
  std::vector<ContentHash> asked;
  for (const auto& a : layer_actions) asked.push_back(a.content);
  const auto in_rows = ask_owners<std::uint8_t>(
      asked, owner_of_content,
      each_answer<std::uint8_t, ContentHash>([&](ContentHash c) -> std::uint8_t {
        return std::binary_search(row_contents.begin(), row_contents.end(), c) ? 1 : 0;
      }),
      comm);
  std::vector<AccountIndex> participations;
  for (std::size_t i = 0; i < layer_actions.size(); ++i) {
    if (in_rows[i]) participations.push_back(layer_actions[i].account);
  }
  auto counted = exchange_by_owner(participations, owner_of_account, comm).data;
  std::sort(counted.begin(), counted.end());

  auto owned_rows = exchange_by_owner(
                        rows, [&](const CoshareRow& r) { return owner_of_account(r.src); }, comm)
                        .data;
  std::vector<CoshareRow>().swap(rows);
  const auto result_edges = edges_of_rows(owned_rows);
  std::vector<AccountIndex> ends;
  for (const auto& e : result_edges) {
    ends.push_back(e.src);
    ends.push_back(e.dst);
  }
  const auto qualified = ask_owners<std::uint8_t>(
      ends, owner_of_account,
      each_answer<std::uint8_t, AccountIndex>([&](AccountIndex a) -> std::uint8_t {
        const auto range = std::equal_range(counted.begin(), counted.end(), a);
        return static_cast<std::uint64_t>(range.second - range.first) >= config.min_participation
                   ? 1
                   : 0;
      }),
      comm);
  CoortweetResult result;
  for (std::size_t i = 0; i < result_edges.size(); ++i) {
    if (qualified[2 * i] || qualified[2 * i + 1]) result.edges.push_back(result_edges[i]);
  }
  std::vector<double> weights;
  for (const auto& e : result.edges) weights.push_back(e.weight);
  result.weight_threshold = exact_quantile(weights, config.edge_weight_quantile, comm);
  std::uint64_t n_rows = 0;
  for (const auto& e : result.edges) n_rows += e.count;
  metrics.add_count("rows", n_rows);
  metrics.add_count("edges", result.edges.size());
  metrics.finish(comm);
  return result;
}

}  // namespace coordnet
