// Null model of chance co-action (docs/detection.md §1): how many co-actions a pair of accounts
// would have in one layer if the other account's actions fell at random on the layer's action
// slots, given each account's activity and how crowded the moments it acts at are.
//
// What it computes, per layer with window w:
//   a_u  the account's actions in the layer (exact duplicates, same key, account, content and
//        time, counted once, as the co-action kernel does);
//   x_u  its exposure: summed over its actions i, the actions of *other* accounts on the same key
//        with |t_j - t_i| <= w. x_u is the account's co-action strength before any filter:
//        x_u = sum_v count_uv of kernels/coaction.hpp;
//   A    the layer's actions over all accounts.
// If v's a_v actions were drawn at random from the layer's A actions (so in proportion to key
// popularity and the daily cycle, which the real actions carry), each would land within w of
// u's action i on its key with probability c_i / A, so E[count_uv] = x_u a_v / A. The model is
// symmetric after averaging the two directions:
//   expected_uv = (x_u a_v + x_v a_u) / (2 A).
// Summed over all pairs it gives back the layer's co-actions, sum_uv expected_uv = sum_u x_u / 2.
//
// How: every action goes to the owner of (key, time bucket) with buckets of
// bucket_ms >= window (so an action is within the window of at most its own and the two
// neighbouring buckets); an action within the window of a bucket's edge also goes to the
// neighbour as a halo that only counts as a partner. Each bucket is sorted by time and swept
// with two pointers (all partners) and again by account (the same account's own actions, which
// are not partners). (account, a, x) partials are reduced at the account's owner. Memory per
// rank: the actions of its buckets (a bucket of a viral key is bounded by its time span).
//
// Collective: every rank calls layer_exposure once per layer with its actions (any layers;
// only `layer` is used), then edge_expectations with its edges of that layer.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "core/action.hpp"
#include "core/comm.hpp"
#include "kernels/coaction.hpp"

namespace coordnet {

struct AccountExposure {
  AccountIndex account;
  std::uint64_t actions = 0;   // a_u
  std::uint64_t exposure = 0;  // x_u
};

struct LayerExposure {
  std::vector<AccountExposure> accounts;  // owned by the owner of the account, sorted, no zeros
  std::uint64_t total_actions = 0;        // A, global
};

template <class OwnerOf>
LayerExposure layer_exposure(const std::vector<Action>& actions, Layer layer, DurationMs window_ms,
                             OwnerOf&& owner_of_account, const Comm& comm);

// The same result from what the co-action kernel's shuffle left (project_coactions with every
// action of the layer, at the same window), without bucketing and sorting the actions again: a
// key that was not sliced is whole on one rank, time-sorted and deduplicated, so it is one bucket;
// only the actions of the hot keys are bucketed from `actions` as above. Collective.
template <class OwnerOf>
LayerExposure layer_exposure_from_keys(ShuffledKeys keys, const std::vector<Action>& actions,
                                       Layer layer, DurationMs window_ms,
                                       OwnerOf&& owner_of_account, const Comm& comm);

// For each edge (owned by the owner of src, as the co-action kernel leaves them) the co-actions
// expected by chance in the layer of `exposure`. Collective.
template <class OwnerOf>
std::vector<double> edge_expectations(const std::vector<CoactionEdge>& edges,
                                      const LayerExposure& exposure, OwnerOf&& owner_of_account,
                                      const Comm& comm);

// (x_u a_v + x_v a_u) / (2 A); 0 when A is 0.
double expected_coactions(const AccountExposure& u, const AccountExposure& v,
                          std::uint64_t total_actions);

// Evidence of repetition beyond chance, in nats: -ln P(X >= observed | X >= min_count) for X
// Poisson with mean `expected`, where min_count (>= 1) is the count an edge needs to exist. A
// pair that co-acted once has none (every edge co-acted at least once, so the first co-action is
// what selected it, not evidence); 0 when observed <= min_count. An expectation under 1e-12
// counts as 1e-12.
double repeat_evidence(std::uint64_t observed, double expected, std::uint64_t min_count = 1);

// The co-actions of a layer edge that count as repeats: its count, or 1 when all of them fall
// within two windows of each other (last_ms - first_ms <= 2 window). Co-actions of one moment
// are one event, not a repetition: a retweet of a tweet with two hashtags gives its partner two
// hashtag co-actions at once, and a mention and a URL alike.
std::uint64_t repeated_coactions(const CoactionEdge& edge, DurationMs window_ms);

// -ln P(X >= k) for X binomial(m, p), 0 <= p <= 1; 0 when k is 0, infinity when k > m.
double binomial_tail_evidence(std::uint64_t k, std::uint64_t m, double p);

// The account test's ladder of edge evidence levels, nats (docs/detection.md §2): an edge reaches
// level i when its excess is at least kEvidenceLadder[i]; under the null it does with
// probability at most exp(-kEvidenceLadder[i]).
inline constexpr std::array<double, 8> kEvidenceLadder = {2, 3, 4, 6, 8, 12, 16, 24};

// Levels of kEvidenceLadder an edge excess reaches (0 to kEvidenceLadder.size()).
std::uint8_t evidence_level(double excess);

// Evidence that an account's m edges, of which at_least[i] reach level i, repeat co-action
// beyond chance, nats: the largest binomial_tail_evidence(at_least[i], m, exp(-level i)) over
// the levels, less ln(levels) (Bonferroni over the ladder), at least 0.
double ladder_evidence(const std::array<std::uint64_t, kEvidenceLadder.size()>& at_least,
                       std::uint64_t m);

// Local building blocks, exposed for the serial reference and tests.
namespace null_model_detail {

// Bucket length for a window: at least the window, so partners are in adjacent buckets only.
DurationMs bucket_ms_for(DurationMs window_ms);
// Appends to `out` one partial per non-halo action of one bucket (sorted by time, exact
// duplicates removed): its account, 1 action and the partners within the window.
void count_bucket(const Action* begin, const Action* end, DurationMs window_ms,
                  std::vector<AccountExposure>& out);
// The actions for which keep(action) holds, each under the key of its (key, time bucket), at
// the owner of that key's hash, sorted (coaction_detail::sort_and_dedupe, exact duplicates
// dropped); an action within halo_ms of the next bucket also goes there as a halo, and with
// halo_both_sides one within halo_ms of its bucket's start also to the previous bucket.
// Collective.
template <class Keep>
std::vector<Action> bucketed_actions(const std::vector<Action>& actions, Keep&& keep,
                                     DurationMs bucket_ms, DurationMs halo_ms, bool halo_both_sides,
                                     const Comm& comm);
// Adds up equal accounts through a hash map (in no particular order).
void add_up_by_account(std::vector<AccountExposure>& partials);
// Adds up equal accounts and sorts by account.
void sort_and_reduce(std::vector<AccountExposure>& partials);
// The same result; the partials of one owner's accounts (a dense range of indexes) are summed
// into an array over the accounts they span, no hashing and no sort, when that array is no
// longer than the partials (else sort_and_reduce).
void sum_by_account(std::vector<AccountExposure>& partials);
// Adds up equal accounts in any order: sum_by_account's array when it applies, else
// add_up_by_account (no sort).
void add_up(std::vector<AccountExposure>& partials);

}  // namespace null_model_detail

}  // namespace coordnet

#include "kernels/null_model_impl.hpp"
