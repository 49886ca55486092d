// Serial references for community detection (tests only), on Boost.Graph, written as plainly as
// possible: modularity of a partition, the number of disconnected communities, and the best
// modularity over all partitions of a tiny graph (exhaustive search). No MPI, no fixed point.
#pragma once

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/connected_components.hpp>
#include <boost/graph/filtered_graph.hpp>
#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <vector>

namespace coordnet::reference {

struct Edge {
  std::uint64_t src;
  std::uint64_t dst;
  double weight;
};

using Graph =
    boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS, boost::no_property,
                          boost::property<boost::edge_weight_t, double>>;

inline Graph make_graph(std::size_t n_vertices, const std::vector<Edge>& edges) {
  Graph g(n_vertices);
  for (const auto& e : edges) boost::add_edge(e.src, e.dst, e.weight, g);
  return g;
}

// Q = sum_c [ in_c / 2m - gamma (sigma_c / 2m)^2 ]; a self-loop of weight w adds 2w to its
// vertex's degree and to in_c.
inline double modularity(std::size_t n_vertices, const std::vector<Edge>& edges,
                         const std::vector<std::uint64_t>& labels, double resolution = 1.0) {
  const auto g = make_graph(n_vertices, edges);
  const auto weight = boost::get(boost::edge_weight, g);
  std::map<std::uint64_t, double> sigma, inside;
  double m2 = 0;
  for (auto [e, end] = boost::edges(g); e != end; ++e) {
    const auto u = boost::source(*e, g), v = boost::target(*e, g);
    const double w = weight[*e];
    m2 += 2 * w;
    sigma[labels[u]] += w;
    sigma[labels[v]] += w;
    if (labels[u] == labels[v]) inside[labels[u]] += 2 * w;
  }
  double q = 0;
  for (const auto& [c, s] : sigma) q += inside[c] / m2 - resolution * (s / m2) * (s / m2);
  return q;
}

// Communities whose members do not form one connected subgraph (edges inside the community).
inline std::size_t count_disconnected_communities(std::size_t n_vertices,
                                                  const std::vector<Edge>& edges,
                                                  const std::vector<std::uint64_t>& labels) {
  const auto g = make_graph(n_vertices, edges);
  const auto inside = [&](const Graph::edge_descriptor& e) {
    return labels[boost::source(e, g)] == labels[boost::target(e, g)];
  };
  const boost::filtered_graph<Graph, std::function<bool(Graph::edge_descriptor)>> internal(
      g, std::function<bool(Graph::edge_descriptor)>(inside));
  std::vector<int> component(n_vertices);
  boost::connected_components(internal, component.data());
  std::map<std::uint64_t, std::set<int>> components_of;
  for (std::size_t v = 0; v < n_vertices; ++v) components_of[labels[v]].insert(component[v]);
  std::size_t disconnected = 0;
  for (const auto& [c, parts] : components_of) disconnected += parts.size() > 1;
  return disconnected;
}

// The largest modularity over all partitions (restricted growth strings); n_vertices <= 11.
inline double best_modularity_exhaustive(std::size_t n_vertices, const std::vector<Edge>& edges) {
  std::vector<std::uint64_t> labels(n_vertices, 0);
  double best = modularity(n_vertices, edges, labels);
  std::function<void(std::size_t, std::uint64_t)> assign = [&](std::size_t v, std::uint64_t used) {
    if (v == n_vertices) {
      best = std::max(best, modularity(n_vertices, edges, labels));
      return;
    }
    for (std::uint64_t c = 0; c <= used; ++c) {
      labels[v] = c;
      assign(v + 1, std::max(used, c + 1));
    }
  };
  if (n_vertices > 0) assign(1, 1);
  return best;
}

}  // namespace coordnet::reference
