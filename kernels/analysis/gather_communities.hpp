// Redistribution for the analysis stage: every community becomes whole on one rank, its owner
// owner_of_community(c) = owner_of_hash(mix_vertex(c)), which spreads big communities over
// the ranks independently of their ids. The owner receives the community's members (with
// their rename counts and profiles), its internal edges, the weight of its boundary edges (summed
// per community before sending), its flagging excess and the actions of its members on projected
// layers (only for communities of two or more members: a lone account has no co-action).
//
// Input layout: accounts and their community labels in the block layout of the account table
// (rank r: [first_account_by_rank[r], first_account_by_rank[r+1])), community sizes in the block
// layout of the community ids (rank r: [first_community_by_rank[r], ...)); edges and actions on
// any rank. Boundary weights are summed in fixed point (kWeightScale), so the sums do not depend
// on the order of arrival. Collective: every rank calls gather_communities once.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "core/action.hpp"
#include "core/comm.hpp"
#include "kernels/analysis/analysis_types.hpp"

namespace coordnet {

struct AnalysisInput {
  std::span<const std::uint64_t> first_account_by_rank;    // size p + 1
  std::span<const std::uint64_t> community;                // of this rank's accounts
  std::span<const std::uint32_t> n_renames;                // of this rank's accounts
  std::span<const TimeMs> created_ms;                      // of this rank's accounts
  std::span<const std::string> language;                   // of this rank's accounts
  std::span<const std::string> location;                   // of this rank's accounts
  std::span<const std::uint64_t> first_community_by_rank;  // size p + 1
  std::span<const std::uint64_t> community_size;           // of this rank's communities
  std::span<const AnalysisEdge> edges;                     // each undirected edge once
  std::span<const Action> actions;
  std::array<bool, kLayerCount> projected{};  // layers whose actions are kept
  // The flagging stage's /communities/excess of this rank's communities; with_excess (the same
  // on every rank) false: the run did not flag, and every community's excess is 0.
  std::span<const double> community_excess;
  bool with_excess = false;
};

int owner_of_community(std::uint64_t community, int n_ranks);

// Sum of the weighted degrees of the whole graph, exact (fixed point) at any rank count.
double total_volume(std::span<const AnalysisEdge> edges, const Comm& comm);

// Rank r of a block layout whose blocks start at first_by_rank (size p + 1).
int owner_of_block(std::span<const std::uint64_t> first_by_rank, std::uint64_t index);

// The communities this rank owns, in id order, whole (members, edges and actions unsorted).
std::vector<CommunityInput> gather_communities(const AnalysisInput& input, const Comm& comm);

}  // namespace coordnet
