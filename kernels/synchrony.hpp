// Temporal-synchrony layer: accounts that act in the same short time bins, across many bins,
// far more often than their activity rates explain (scheduler-driven or group-driven posting).
// Content-free: the layer, key and content of an action are ignored, only (account, time) count.
//
// What it computes: time is cut into bins of bin_ms (bin = floor(t_ms / bin_ms)); an account is
// active in a bin if it has at least one action there (several actions count once). A bin with
// n active accounts is kept if n <= max_bin_occupancy; busier bins are skipped (counted and
// reported, never sketched), so no bin ever materialises more than max_bin_occupancy^2 / 2 pairs.
// Over the kept bins, for every pair of accounts u < v:
//   co_bins      = number of kept bins where both are active
//   weight_fixed = sum over those bins of w(n) = round(2^32 / (n - 1))  (inverse occupancy: a bin
//                  shared by two accounts weighs 1.0, one shared by 101 accounts 0.01; integer, so
//                  the sum does not depend on the order of additions)
//   expected_co_bins = a_u * a_v / B, where a_u is the number of kept bins in which u is active
//                  and B the number of kept (non-empty) bins: the overlap expected if each account
//                  placed its active bins uniformly at random among the B bins.
// Pairs with co_bins < min_co_bins are dropped. Also per account: a_u, at the account's owner.
//
// How: (bin, account) pairs are deduplicated locally and shuffled to the owner of the bin's hash,
// deduplicated again, and each kept bin emits its pairs; pair partials are pre-aggregated locally
// (sort-reduce in bounded blocks), shuffled to the owner of the smaller account and reduced there.
// Active-bin counts are reduced at the account's owner; each edge's owner asks the owner of dst
// for a_dst (one request/reply). On each rank the edges are sorted by (src, dst) and the
// concatenation over ranks is the same list at every rank count.
//
// Collective: every rank calls project_synchrony once with its actions (any layers).
#pragma once

#include <cstdint>
#include <vector>

#include "core/action.hpp"
#include "core/comm.hpp"
#include "core/stage_metrics.hpp"

namespace coordnet {

struct SynchronyConfig {
  DurationMs bin_ms = 10'000;
  // Bins with more distinct active accounts are skipped (reported in SynchronyResult).
  std::uint32_t max_bin_occupancy = 1'000;
  std::uint64_t min_co_bins = 2;  // edges sharing fewer kept bins are dropped
  // Pair partials held before a local sort-reduce (bounds memory per rank).
  std::size_t block_pairs = std::size_t{1} << 22;
};

// Fixed-point scale of SynchronyEdge::weight_fixed (weight 1.0 = 2^32).
inline constexpr std::uint64_t kSynchronyWeightOne = std::uint64_t{1} << 32;

struct SynchronyEdge {
  AccountIndex src;  // src < dst
  AccountIndex dst;
  std::uint64_t co_bins = 0;
  std::uint64_t weight_fixed = 0;  // sum of w(n) over shared kept bins, scaled by 2^32
  double expected_co_bins = 0;     // a_src * a_dst / B

  double weight() const {
    return static_cast<double>(weight_fixed) / static_cast<double>(kSynchronyWeightOne);
  }
};

struct AccountActiveBins {
  AccountIndex account;
  std::uint64_t active_bins = 0;  // kept bins in which the account acted
};

struct SynchronyResult {
  std::vector<SynchronyEdge> edges;            // owned by owner of src, sorted
  std::vector<AccountActiveBins> active_bins;  // owned by owner of account, sorted
  std::uint64_t kept_bins = 0;                 // B, global
  std::uint64_t skipped_bins = 0;              // bins over max_bin_occupancy, global
  std::uint64_t skipped_account_bins = 0;      // (account, bin) pairs in skipped bins
};

// `owner_of_account(AccountIndex) -> rank` decides where an edge (owner of src) and an active-bin
// count (owner of the account) live. Every rank passes the same function.
template <class OwnerOf>
SynchronyResult project_synchrony(const std::vector<Action>& actions, const SynchronyConfig& config,
                                  OwnerOf&& owner_of_account, const Comm& comm,
                                  StageMetrics& metrics);

// Local building blocks, exposed for the serial reference and tests.
namespace synchrony_detail {

struct AccountBin {
  std::int64_t bin;
  AccountIndex account;
  friend constexpr auto operator<=>(const AccountBin&, const AccountBin&) = default;
};

// floor(t_ms / bin_ms), also for negative times.
std::int64_t bin_of(TimeMs t_ms, DurationMs bin_ms);
// The hash that places a bin on its owner rank.
std::uint64_t bin_hash(std::int64_t bin);
// round(2^32 / (n - 1)) for a bin with n >= 2 active accounts.
std::uint64_t bin_weight_fixed(std::uint64_t n_accounts);
// Sorts by (bin, account) and drops repeats.
void sort_and_dedupe(std::vector<AccountBin>& pairs);
// Appends one partial (co_bins 1, weight w(n)) per pair of the n sorted distinct accounts of one
// bin.
void emit_bin_pairs(const AccountBin* begin, const AccountBin* end,
                    std::vector<SynchronyEdge>& out);
// Sorts by (src, dst) and merges equal pairs (co_bins and weight_fixed are added).
void sort_and_reduce(std::vector<SynchronyEdge>& edges);
// Sorts by account and merges equal accounts (active_bins added).
void sort_and_reduce(std::vector<AccountActiveBins>& counts);
// a_u * a_v / B (0 when B is 0).
double expected_co_bins(std::uint64_t a_u, std::uint64_t a_v, std::uint64_t kept_bins);

}  // namespace synchrony_detail

}  // namespace coordnet

#include "kernels/synchrony_impl.hpp"
