// The figures of a pair's co-actions that add up over any split of them (kernels/coaction.hpp):
// sums, minima and maxima, in 48 bytes. The sweep's table slots (kernels/pair_table.hpp) and the
// streamed pair partials (kernels/pair_partial.hpp) both hold one.
//
// The 32-bit counters saturate at UINT32_MAX instead of wrapping. Local (no MPI).
#pragma once

#include <algorithm>
#include <cstdint>

#include "core/ids.hpp"

namespace coordnet {

inline std::uint32_t saturating_add(std::uint32_t a, std::uint32_t b) {
  const std::uint64_t sum = std::uint64_t{a} + b;
  return sum > UINT32_MAX ? UINT32_MAX : static_cast<std::uint32_t>(sum);
}

struct CoactionSums {
  std::uint32_t count = 0;    // co-actions
  std::uint32_t n_fast = 0;   // co-actions within the fast window
  std::uint32_t n_older = 0;  // distinct actions on the earlier side
  std::uint32_t n_newer = 0;  // distinct actions on the later side
  DurationMs min_delay_ms = 0;
  DurationMs sum_delay_ms = 0;
  TimeMs first_ms = 0;  // earliest action of a co-action
  TimeMs last_ms = 0;   // latest action of a co-action

  void merge(const CoactionSums& x) {
    count = saturating_add(count, x.count);
    n_fast = saturating_add(n_fast, x.n_fast);
    n_older = saturating_add(n_older, x.n_older);
    n_newer = saturating_add(n_newer, x.n_newer);
    min_delay_ms = std::min(min_delay_ms, x.min_delay_ms);
    sum_delay_ms += x.sum_delay_ms;
    first_ms = std::min(first_ms, x.first_ms);
    last_ms = std::max(last_ms, x.last_ms);
  }
  bool saturated() const {
    return count == UINT32_MAX || n_older == UINT32_MAX || n_newer == UINT32_MAX;
  }
};
static_assert(sizeof(CoactionSums) == 48);

}  // namespace coordnet
