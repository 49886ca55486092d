// Near-duplicate text clusters: people paid per post paste the same message with small edits.
//
// What it computes: every item (a post's content hash and the MinHash signature of its normalised
// text, kernels/text_sketch.hpp) gets a cluster key. Two items are linked when their signatures
// are identical, or when they share an LSH band key and their estimated Jaccard similarity
// (matching_slots / 128) is at least the threshold; a cluster is a connected component of these
// links, and its key is the smallest content hash in it, so the keys do not depend on the number
// of ranks. An item with an empty text (no words) is its own cluster.
//
// How (each step one all-to-all):
//   1. Exact groups: (signature hash, content) go to the owner of the signature hash; the group's
//      representative is its smallest content; each item learns its representative.
//   2. Candidates, one band at a time: each representative sends (band key, content, signature)
//      to the owner of the band key; there the members of a bucket are verified pairwise (only
//      against the bucket's first max_bucket_size members when it is larger, reported), giving
//      the similar pairs. One band per round bounds the memory to one signature per item.
//   3. Components: min-label propagation over the similar pairs; vertices live at the owner of
//      their content hash; each round a vertex whose label dropped sends it to its neighbours, one
//      allreduce tells whether any label changed. It converges in (largest distance from a
//      component's smallest vertex) + 1 rounds; after max_rounds it stops and reports, and every
//      label is still a vertex of the item's component (clusters may then be split, never merged).
//   4. Each item asks the owner of its representative for the final label.
//
// Collective: every rank calls assign_near_duplicate_keys once with its items (any number,
// possibly none; the same content may appear on several ranks).
#pragma once

#include <cstdint>
#include <vector>

#include "core/comm.hpp"
#include "core/ids.hpp"
#include "kernels/text_sketch.hpp"

namespace coordnet {

struct TextItem {
  ContentHash content;
  MinHashSignature signature;
  KeyHash cluster;  // output: the smallest content hash of the item's cluster
};

// Global figures of one call.
struct NearDuplicateReport {
  std::uint64_t distinct_signatures = 0;  // non-empty exact groups
  std::uint64_t candidate_pairs = 0;      // bucket pairs verified
  std::uint64_t similar_pairs = 0;        // verified pairs at or above the threshold (per band)
  std::uint64_t truncated_buckets = 0;    // buckets larger than max_bucket_size
  std::uint32_t rounds = 0;               // label-propagation rounds
  bool converged = true;
};

NearDuplicateReport assign_near_duplicate_keys(std::vector<TextItem>& items,
                                               const NearDuplicateConfig& config, const Comm& comm);

}  // namespace coordnet
