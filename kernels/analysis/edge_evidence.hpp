// The keys that bind each internal edge of a community (/edge_evidence, docs/analysis.md "Edge
// evidence"): for every internal edge (u, v) and every (layer, key), the co-actions of u and v
// on the key within the layer's window (|dt| <= window, exact duplicate actions counted once: the
// semantics of the co-action engine, docs/algorithms.md §3.1), and the keys_per_edge strongest
// keys of the edge (most co-actions, then earliest first co-action, then layer, then key hash).
//
// How: each key of the community is swept once with a sliding window; a pair in the window is
// looked up among the community's edges (a matrix of the members' pairs for dense communities,
// else a hash map) and counted only when it is an edge. Memory: the edge index (the matrix at
// most 16 cells of 4 bytes per edge), the edges' candidate keys (keys_per_edge each) and one
// key's counts (a slot per edge).
// Work: the pairs inside the window, capped at max_work per community; a key whose pairs would
// pass the cap is skipped whole and counted in skipped_keys (so the kept rows stay exact).
// Serial, on the community's owner rank; the input must be sorted canonically (members by
// account, edges by pair with the two directions merged, actions by layer, key, time, account,
// content), as analyse_community does first.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "kernels/analysis/analysis_types.hpp"

namespace coordnet {

// Pairs inside the window examined per community before keys are skipped (a few seconds).
inline constexpr std::uint64_t kDefaultEdgeEvidenceWork = std::uint64_t{1} << 28;

struct EdgeEvidenceParams {
  std::array<DurationMs, kLayerCount> window_ms{};
  std::array<bool, kLayerCount> projected{};  // keys of other layers are left out
  std::size_t keys_per_edge = 3;              // 0: no edge evidence
  std::uint64_t max_work = kDefaultEdgeEvidenceWork;
};

struct EdgeEvidence {
  std::vector<EdgeEvidenceRow> rows;  // by (src, dst), then strongest first
  std::uint64_t skipped_keys = 0;     // keys left out because of max_work
};

EdgeEvidence edge_evidence(const CommunityInput& sorted, const EdgeEvidenceParams& params);

}  // namespace coordnet
