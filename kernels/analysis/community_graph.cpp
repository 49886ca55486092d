#include "kernels/analysis/community_graph.hpp"

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/betweenness_centrality.hpp>
#include <boost/graph/connected_components.hpp>
#include <boost/graph/core_numbers.hpp>
#include <limits>

namespace coordnet {

SubgraphStructure analyse_subgraph(std::uint32_t n_vertices, const std::vector<LocalEdge>& edges,
                                   std::uint64_t max_betweenness_work) {
  SubgraphStructure s;
  if (edges.empty()) {
    // What the graph algorithms give without edges, without building the graph: most
    // communities of a run are single accounts (13M-row input: 650,936 communities, 685 accounts
    // with an edge), each of which built it.
    s.coreness.assign(n_vertices, 0);
    s.strength.assign(n_vertices, 0.0);
    s.betweenness.assign(n_vertices, 0.0);
    s.n_components = n_vertices;
    return s;
  }
  using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS>;
  Graph graph(n_vertices);
  s.strength.assign(n_vertices, 0.0);
  for (const auto& e : edges) {
    boost::add_edge(e.u, e.v, graph);
    s.strength[e.u] += e.weight;
    s.strength[e.v] += e.weight;
  }
  s.coreness.assign(n_vertices, 0);
  if (n_vertices > 0) {
    boost::core_numbers(graph, boost::make_iterator_property_map(
                                   s.coreness.begin(), boost::get(boost::vertex_index, graph)));
  }
  std::vector<std::uint32_t> component(n_vertices);
  s.n_components =
      n_vertices == 0 ? 0
                      : static_cast<std::uint32_t>(boost::connected_components(
                            graph, boost::make_iterator_property_map(
                                       component.begin(), boost::get(boost::vertex_index, graph))));
  const auto work = static_cast<std::uint64_t>(n_vertices) * edges.size();
  if (work > max_betweenness_work) {
    s.betweenness.assign(n_vertices, std::numeric_limits<double>::quiet_NaN());
    return s;
  }
  s.betweenness.assign(n_vertices, 0.0);
  if (n_vertices > 2) {
    boost::brandes_betweenness_centrality(
        graph, boost::make_iterator_property_map(s.betweenness.begin(),
                                                 boost::get(boost::vertex_index, graph)));
    // Boost counts every unordered pair once on an undirected graph.
    const double pairs = static_cast<double>(n_vertices - 1) * (n_vertices - 2) / 2.0;
    for (auto& b : s.betweenness) b /= pairs;
  }
  return s;
}

}  // namespace coordnet
