#include "kernels/weight_quantile.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>

namespace coordnet {

namespace {

// Monotone map of doubles to unsigned integers (a < b <=> key(a) < key(b), NaN excluded).
std::uint64_t order_key(double x) {
  const auto bits = std::bit_cast<std::uint64_t>(x);
  return (bits >> 63) != 0 ? ~bits : bits | (std::uint64_t{1} << 63);
}

double from_order_key(std::uint64_t key) {
  const auto bits = (key >> 63) != 0 ? key & ~(std::uint64_t{1} << 63) : ~key;
  return std::bit_cast<double>(bits);
}

// The k-th smallest (0-based) of all ranks' sorted keys.
std::uint64_t kth_smallest(const std::vector<std::uint64_t>& sorted, std::uint64_t k,
                           const Comm& comm) {
  std::uint64_t lo = 0, hi = UINT64_MAX;  // answer in [lo, hi]
  while (lo < hi) {
    const std::uint64_t mid = lo + (hi - lo) / 2;
    const auto local = static_cast<std::uint64_t>(
        std::upper_bound(sorted.begin(), sorted.end(), mid) - sorted.begin());
    if (comm.allreduce(local, ReduceOp::sum) > k) {
      hi = mid;
    } else {
      lo = mid + 1;
    }
  }
  return lo;
}

}  // namespace

double exact_quantile(std::vector<double> values, double q, const Comm& comm) {
  std::vector<std::uint64_t> keys;
  keys.reserve(values.size());
  for (const double v : values) keys.push_back(order_key(v));
  std::sort(keys.begin(), keys.end());
  const auto n = comm.allreduce<std::uint64_t>(keys.size(), ReduceOp::sum);
  if (n == 0) return std::numeric_limits<double>::quiet_NaN();
  const double h = static_cast<double>(n - 1) * std::clamp(q, 0.0, 1.0);
  const auto below = static_cast<std::uint64_t>(std::floor(h));
  const double low = from_order_key(kth_smallest(keys, below, comm));
  if (below + 1 >= n || h == std::floor(h)) return low;
  const double high = from_order_key(kth_smallest(keys, below + 1, comm));
  return low + (h - std::floor(h)) * (high - low);
}

}  // namespace coordnet
