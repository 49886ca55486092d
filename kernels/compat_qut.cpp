#include "kernels/compat_qut.hpp"

#include <algorithm>
#include <tuple>

namespace coordnet::qut_detail {

void matches_of_key(const Action* begin, const Action* end, const QutConfig& config,
                    std::vector<QutMatch>& out) {
  const Action* left = begin;
  for (const Action* right = begin; right != end; ++right) {
    while (right->t_ms - left->t_ms > config.window_ms) ++left;
    for (const Action* a = left; a != right; ++a) {
      const bool self = a->account == right->account;
      if (self && (!config.self_loops || a->content == right->content)) continue;
      out.push_back({a->account, right->account, a->content});
      out.push_back({right->account, a->account, right->content});
    }
  }
}

std::vector<DirectedEdge> edges_of_matches(std::vector<QutMatch>& matches,
                                           std::uint64_t min_edge_weight) {
  std::sort(matches.begin(), matches.end(), [](const QutMatch& a, const QutMatch& b) {
    return std::tie(a.u, a.v, a.content) < std::tie(b.u, b.v, b.content);
  });
  std::vector<DirectedEdge> edges;
  for (std::size_t i = 0; i < matches.size(); ++i) {
    const auto& m = matches[i];
    const bool same_pair = i > 0 && matches[i - 1].u == m.u && matches[i - 1].v == m.v;
    if (same_pair && matches[i - 1].content == m.content) continue;
    if (same_pair) {
      ++edges.back().weight;
    } else {
      edges.push_back({m.u, m.v, 1});
    }
  }
  std::erase_if(edges, [&](const DirectedEdge& e) { return e.weight < min_edge_weight; });
  return edges;
}

}  // namespace coordnet::qut_detail
