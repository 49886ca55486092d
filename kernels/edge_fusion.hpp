// Fusion of per-layer co-action graphs into one coordination graph (DESIGN.md §2 "fuse").
//
// Rule: an edge (u, v) of the fused graph exists when it exists in at least one layer; its
// weight is the sum of its layer weights (so repeated co-action in several layers adds up), the
// layer weights are kept as columns (0 where the layer has no edge), count, n_keys and n_fast are
// summed, the minimum delay and first time are minima, the last time a maximum, and the mean
// delay is over all co-actions of all layers. A content-free layer (synchrony: no co-actions,
// no delays) adds its weight, its weight column and a layer, nothing else. Directed
// (QUT-compatible) layers fuse alike per ordered pair.
//
// Local: the layer edges of one rank are all owned by the owner of src, so no communication is
// needed; every rank calls it on its own edges. The output is sorted by (src, dst).
#pragma once

#include <vector>

#include "kernels/coaction.hpp"
#include "kernels/compat_qut.hpp"

namespace coordnet {

struct FusedEdges {
  std::vector<CoactionEdge> edges;  // weight = sum of the layer weights
  std::vector<std::uint32_t> n_layers;
  std::vector<std::vector<double>> layer_weights;  // [layer i of the input][edge]
};

struct LayerToFuse {
  const std::vector<CoactionEdge>* edges;
  bool has_coactions;  // false for a content-free layer
};

FusedEdges fuse_layers(const std::vector<LayerToFuse>& layers);

struct FusedDirectedEdges {
  std::vector<DirectedEdge> edges;
  std::vector<std::vector<double>> layer_weights;
};

FusedDirectedEdges fuse_directed_layers(
    const std::vector<const std::vector<DirectedEdge>*>& layers);

}  // namespace coordnet
