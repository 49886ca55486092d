// Canonical community ids: communities numbered 0, 1, ... in the order of their smallest
// member id, so that equal partitions get equal labels whatever names the kernel used.
//
// How: each (label, vertex) goes to the owner of the label, which finds the smallest member;
// the block owner of that member marks it as a leader; an exclusive scan over the leaders in
// vertex order numbers them; the number travels back to the label's owner and to every member.
// Collective.
#pragma once

#include <span>
#include <vector>

#include "core/comm.hpp"
#include "kernels/community/cluster_types.hpp"

namespace coordnet {

struct CanonicalLabels {
  std::vector<std::uint64_t> community;  // per vertex of this rank's block
  std::uint64_t n_communities = 0;
};

// labels[i]: any name of the community of vertex first_by_rank[rank] + i.
CanonicalLabels canonical_labels(std::span<const VertexId> labels,
                                 std::span<const std::uint64_t> first_by_rank, const Comm& comm);

}  // namespace coordnet
