#include "kernels/edge_fusion.hpp"

#include <algorithm>
#include <tuple>

namespace coordnet {

namespace {

// A layer edge tagged with the position of its layer in the input.
template <class Edge>
struct Tagged {
  const Edge* edge;
  std::uint32_t layer;
};

template <class Edge>
std::vector<Tagged<Edge>> tag_and_sort(const std::vector<const std::vector<Edge>*>& layers) {
  std::vector<Tagged<Edge>> all;
  for (std::uint32_t l = 0; l < layers.size(); ++l) {
    for (const auto& e : *layers[l]) all.push_back({&e, l});
  }
  std::sort(all.begin(), all.end(), [](const Tagged<Edge>& a, const Tagged<Edge>& b) {
    return std::tie(a.edge->src, a.edge->dst, a.layer) <
           std::tie(b.edge->src, b.edge->dst, b.layer);
  });
  return all;
}

template <class Edge>
double weight_of(const Edge& e) {
  return static_cast<double>(e.weight);
}

}  // namespace

FusedEdges fuse_layers(const std::vector<LayerToFuse>& layers) {
  FusedEdges fused;
  fused.layer_weights.resize(layers.size());
  std::vector<const std::vector<CoactionEdge>*> lists;
  for (const auto& l : layers) lists.push_back(l.edges);
  const auto all = tag_and_sort(lists);
  for (std::size_t i = 0; i < all.size(); ++i) {
    const auto& e = *all[i].edge;
    if (i == 0 || all[i - 1].edge->src != e.src || all[i - 1].edge->dst != e.dst) {
      CoactionEdge empty{e.src, e.dst};
      empty.min_delay_ms = INT64_MAX;
      empty.first_ms = INT64_MAX;
      empty.last_ms = INT64_MIN;
      fused.edges.push_back(empty);
      fused.n_layers.push_back(0);
      for (auto& column : fused.layer_weights) column.push_back(0.0);
    }
    auto& f = fused.edges.back();
    f.weight += e.weight;
    ++fused.n_layers.back();
    fused.layer_weights[all[i].layer].back() = weight_of(e);
    if (!layers[all[i].layer].has_coactions) continue;
    f.count += e.count;
    f.n_keys += e.n_keys;
    f.n_fast += e.n_fast;
    f.sum_delay_ms += e.sum_delay_ms;
    f.min_delay_ms = std::min(f.min_delay_ms, e.min_delay_ms);
    f.first_ms = std::min(f.first_ms, e.first_ms);
    f.last_ms = std::max(f.last_ms, e.last_ms);
    f.n_older += e.n_older;
    f.n_newer += e.n_newer;
  }
  for (auto& f : fused.edges) {
    if (f.count > 0) continue;  // content-free layers only: no delays or times
    f.min_delay_ms = f.first_ms = f.last_ms = 0;
  }
  return fused;
}

FusedDirectedEdges fuse_directed_layers(
    const std::vector<const std::vector<DirectedEdge>*>& layers) {
  FusedDirectedEdges fused;
  fused.layer_weights.resize(layers.size());
  const auto all = tag_and_sort(layers);
  for (std::size_t i = 0; i < all.size(); ++i) {
    const auto& e = *all[i].edge;
    if (i == 0 || all[i - 1].edge->src != e.src || all[i - 1].edge->dst != e.dst) {
      fused.edges.push_back({e.src, e.dst, 0});
      for (auto& column : fused.layer_weights) column.push_back(0.0);
    }
    fused.edges.back().weight += e.weight;
    fused.layer_weights[all[i].layer].back() = weight_of(e);
  }
  return fused;
}

}  // namespace coordnet
