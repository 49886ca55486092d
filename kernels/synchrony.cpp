#include "kernels/synchrony.hpp"

#include <algorithm>
#include <tuple>

#include "core/hash.hpp"

namespace coordnet::synchrony_detail {

std::int64_t bin_of(TimeMs t_ms, DurationMs bin_ms) {
  const auto q = t_ms / bin_ms;
  return (t_ms % bin_ms != 0 && t_ms < 0) ? q - 1 : q;
}

std::uint64_t bin_hash(std::int64_t bin) {
  return XXH3_64bits_withSeed(&bin, sizeof(bin), 0x5bd1e995);
}

std::uint64_t bin_weight_fixed(std::uint64_t n_accounts) {
  const auto d = n_accounts - 1;
  return (kSynchronyWeightOne + d / 2) / d;
}

void sort_and_dedupe(std::vector<AccountBin>& pairs) {
  std::sort(pairs.begin(), pairs.end());
  pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());
}

void emit_bin_pairs(const AccountBin* begin, const AccountBin* end,
                    std::vector<SynchronyEdge>& out) {
  const auto n = static_cast<std::uint64_t>(end - begin);
  if (n < 2) return;
  const auto weight = bin_weight_fixed(n);
  for (const AccountBin* a = begin; a != end; ++a) {
    for (const AccountBin* b = a + 1; b != end; ++b) {
      out.push_back({a->account, b->account, 1, weight, 0.0});
    }
  }
}

void sort_and_reduce(std::vector<SynchronyEdge>& edges) {
  std::sort(edges.begin(), edges.end(), [](const SynchronyEdge& a, const SynchronyEdge& b) {
    return std::tie(a.src, a.dst) < std::tie(b.src, b.dst);
  });
  std::size_t out = 0;
  for (std::size_t i = 0; i < edges.size(); ++i) {
    if (out > 0 && edges[out - 1].src == edges[i].src && edges[out - 1].dst == edges[i].dst) {
      edges[out - 1].co_bins += edges[i].co_bins;
      edges[out - 1].weight_fixed += edges[i].weight_fixed;
    } else {
      edges[out++] = edges[i];
    }
  }
  edges.resize(out);
}

void sort_and_reduce(std::vector<AccountActiveBins>& counts) {
  std::sort(
      counts.begin(), counts.end(),
      [](const AccountActiveBins& a, const AccountActiveBins& b) { return a.account < b.account; });
  std::size_t out = 0;
  for (std::size_t i = 0; i < counts.size(); ++i) {
    if (out > 0 && counts[out - 1].account == counts[i].account) {
      counts[out - 1].active_bins += counts[i].active_bins;
    } else {
      counts[out++] = counts[i];
    }
  }
  counts.resize(out);
}

double expected_co_bins(std::uint64_t a_u, std::uint64_t a_v, std::uint64_t kept_bins) {
  if (kept_bins == 0) return 0.0;
  return static_cast<double>(a_u) * static_cast<double>(a_v) / static_cast<double>(kept_bins);
}

}  // namespace coordnet::synchrony_detail
