// Rank of every community by suspicion score: 1 for the highest score, ties broken by the
// smaller community id, so the ranks are a permutation of 1..n that does not depend on the rank
// count. A sample sort: each rank sorts its scores, p - 1 regular samples per rank are gathered
// and give p - 1 splitters, every score goes to its bucket's rank, and an exclusive scan of the
// bucket sizes turns positions into ranks, which go back to the asking rank.
// Collective: every rank calls it with its own (any) share of the communities.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "core/comm.hpp"

namespace coordnet {

std::vector<std::uint64_t> rank_by_score(std::span<const double> score,
                                         std::span<const std::uint64_t> community,
                                         const Comm& comm);

}  // namespace coordnet
