// Exact quantile of values spread over ranks (R's default, type 7: with the N values sorted,
// h = (N - 1) q and the quantile is x[floor h] + (h - floor h) (x[floor h + 1] - x[floor h])).
//
// How: each k-th smallest value is found by a binary search over the 64-bit order-preserving
// image of doubles, one allreduce of local counts per step (at most 64 steps); nothing is
// gathered. Collective: every rank calls it with its values (any order); all get the result.
// Returns NaN when there are no values.
#pragma once

#include <vector>

#include "core/comm.hpp"

namespace coordnet {

double exact_quantile(std::vector<double> values, double q, const Comm& comm);

}  // namespace coordnet
