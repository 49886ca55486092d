// The flagging stage of `coordnet run` (docs/detection.md): every edge gets the co-actions
// expected by chance (kernels/null_model.hpp) and its evidence of repetition beyond chance;
// every account a ladder test of how many of its edges reach each evidence level against what
// chance gives (a Bonferroni threshold at level alpha over the accounts with edges), once over
// all its edges and once over those inside its community; a community is flagged when at least
// min_size of its accounts pass the test over all their edges, and its accounts that pass the
// test over their edges inside it are flagged. Each community also gets the statistics of its
// internal edges (observed, expected, excess_sum, excess). No ground truth is used.
//
// Collective: every rank calls edge_null_model after the projection (with the actions it
// projected) and flag_communities after the clustering.
#pragma once

#include <cstdint>
#include <vector>

#include "core/action.hpp"
#include "core/comm.hpp"
#include "core/stage_metrics.hpp"
#include "io/account_registry.hpp"
#include "io/hdf5_file.hpp"
#include "kernels/community/leiden.hpp"
#include "pipeline/flag_config.hpp"
#include "pipeline/project_stage.hpp"

namespace coordnet {

// Per fused edge (this rank's, in /edges order) and per layer edge.
struct EdgeNull {
  std::vector<std::vector<double>> layer_expected;  // [layer of the projection][edge]
  std::vector<double> expected;                     // sum over the edge's layers
  std::vector<double> excess;                       // evidence in nats, Bonferroni over layers
};

// The count an edge needed to exist, on which its evidence is conditioned: co-actions
// (--min-weight under pairs weighting, else 1) and shared bins of the synchrony layer
// (--sync-min-bins).
struct EdgeMinCounts {
  std::uint64_t coactions = 1;
  std::uint64_t synchrony_bins = 1;
};

EdgeNull edge_null_model(const std::vector<Action>& actions, const AccountTable& table,
                         const Projection& projection, EdgeMinCounts min_counts, const Comm& comm,
                         StageMetrics& metrics);

struct Flags {
  // Per community of this rank's slice of /communities.
  std::vector<std::uint64_t> internal_edges;
  std::vector<std::uint64_t> observed;     // co-actions over the internal edges
  std::vector<double> expected;            // chance co-actions over the internal edges
  std::vector<double> excess_sum;          // sum of the internal edges' excess, nats
  std::vector<double> excess;              // -ln of the bound on the chance of that evidence
  std::vector<std::uint64_t> significant;  // accounts whose account_excess passes the threshold
  std::vector<std::uint8_t> flagged;       // significant >= min_size
  // Per account of this rank's block.
  std::vector<double> account_excess;           // ladder test over all its edges, nats
  std::vector<double> account_excess_internal;  // the same over its edges inside its community
  std::vector<std::uint8_t> account_flagged;    // in a flagged community, internal over threshold
  double threshold = 0;                         // ln(tested / alpha), nats
  std::uint64_t tested = 0;                     // accounts with at least one edge
};

Flags flag_communities(const FlagConfig& config, const AccountTable& table,
                       const Projection& projection, const EdgeNull& null,
                       const ClusterResult& communities, const Comm& comm, StageMetrics& metrics);

struct FlagResult {
  FlagConfig config;
  EdgeNull null;
  Flags flags;
};

// Writes /edges/expected, /edges/excess, /edges_by_layer/*/expected, /communities/{...} and
// /accounts/{excess,excess_internal,flagged} (docs/schema.md). Collective.
void write_flags(Hdf5Writer& writer, const Projection& projection, const FlagResult& result);

}  // namespace coordnet
