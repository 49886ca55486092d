// QUT Coordination Network Toolkit-compatible co-retweet network (compute_co_retweet_parallel),
// reproduced exactly (docs/compat.md lists the quirks kept).
//
// What it computes, for one layer: a directed edge u -> v whose weight is the number of distinct
// messages (content ids) of u on a key that v also acted on within |dt| <= window. v may be u
// itself (a self-loop: u acted twice on the key, with different messages, within the window);
// self-loops are kept only with `self_loops`. Duplicate rows are not merged (a message counts
// once per edge anyway). Edges with weight < min_edge_weight are dropped.
//
// How: actions are shuffled to the owner of their key, swept with the window, and every match
// sends (u, v, message of u) to the owner of u, where the triples are deduplicated and counted.
// Collective: every rank calls project_qut once with its actions (any layers).
#pragma once

#include <algorithm>
#include <string>
#include <tuple>
#include <vector>

#include "core/action.hpp"
#include "core/comm.hpp"
#include "core/exchange.hpp"
#include "core/hash.hpp"
#include "core/stage_metrics.hpp"
#include "kernels/key_slicing.hpp"

namespace coordnet {

struct QutConfig {
  Layer layer = Layer::retweet;
  DurationMs window_ms = 60'000;
  bool self_loops = false;
  std::uint64_t min_edge_weight = 1;
};

struct DirectedEdge {
  AccountIndex src, dst;
  std::uint64_t weight;
};

// A match: u's message `content` has a co-action by v (local building block).
struct QutMatch {
  AccountIndex u, v;
  ContentHash content;
};

namespace qut_detail {
// Appends the matches of one key's actions (sorted by time).
void matches_of_key(const Action* begin, const Action* end, const QutConfig& config,
                    std::vector<QutMatch>& out);
// Directed edges from matches: sorted, deduplicated and counted per (u, v).
std::vector<DirectedEdge> edges_of_matches(std::vector<QutMatch>& matches,
                                           std::uint64_t min_edge_weight);
}  // namespace qut_detail

template <class OwnerOf>
std::vector<DirectedEdge> project_qut(const std::vector<Action>& actions, const QutConfig& config,
                                      OwnerOf&& owner_of_account, const Comm& comm,
                                      StageMetrics& metrics) {
  metrics.start(std::string("project_") + std::string(layer_name(config.layer)));
  auto by_key = to_key_owners(actions_of_layer(actions, config.layer), comm);
  std::sort(by_key.begin(), by_key.end(), [](const Action& a, const Action& b) {
    return std::tie(a.key, a.t_ms) < std::tie(b.key, b.t_ms);
  });
  std::vector<QutMatch> matches;
  for (std::size_t b = 0; b < by_key.size();) {
    std::size_t e = b + 1;
    while (e < by_key.size() && by_key[e].key == by_key[b].key) ++e;
    qut_detail::matches_of_key(by_key.data() + b, by_key.data() + e, config, matches);
    b = e;
  }
  std::vector<Action>().swap(by_key);
  auto owned = exchange_by_owner(
                   matches, [&](const QutMatch& m) { return owner_of_account(m.u); }, comm)
                   .data;
  std::vector<QutMatch>().swap(matches);
  auto edges = qut_detail::edges_of_matches(owned, config.min_edge_weight);
  metrics.add_count("edges", edges.size());
  metrics.finish(comm);
  return edges;
}

}  // namespace coordnet
