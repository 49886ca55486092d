// Shuffle of actions to the ranks that own their keys, with hot keys cut into time slices.
//
// What it computes: every action goes to the owner of its key (owner_of_hash), except actions of
// a hot key, which go to the rank of their time slice, and those of a candidate key (below) that
// stays whole, which go to the rank it was placed on. A key with more than
// hot_key_actions / kBusyKeyShare actions over all ranks is a candidate (found by counting per key
// only the actions in buckets of the key hash whose summed histogram passes that): its actions are
// counted in bins of width B >= (window + 1 ms) / kBinsPerWindow over its time span (at most
// kSliceBins bins and one per eight actions; every rank sends its bin counts to the key's owner,
// which sums them and plans the key, and only the plans are gathered), and each bin's co-actions
// are estimated from its own count and those of the bins within a window before it. The key is cut
// into as many slices as it needs so that no slice holds more than about slice_actions *
// kSliceCoactionsPerAction co-actions nor, when the key has more than hot_key_actions actions, more
// than about slice_actions actions; the slices are runs of whole bins of about equal work
// (estimated co-actions plus actions). A candidate is hot when it has more than hot_key_actions
// actions or gets more than one slice. The slices of all hot keys and the candidates that stay
// whole are placed together by their estimated work, heaviest first, each on the rank with the
// least estimated work so far (place_slices, from equal loads: the other keys, each small, spread
// evenly by hash). Placed by hash, a few heavy whole keys put 61% of the co-actions on one of two
// ranks; with a key's slices on the ranks in turn from its owner, the owners of keys cut into a
// few slices got the extra ones. An action whose time lies within one window before the start of
// a later slice is also sent to that slice as a halo copy (flag kActionIsHalo): to every such
// slice, as slices may be narrower than a window (down to one bin), so that a burst of thousands of
// actions inside one window is cut too; an action has at most kBinsPerWindow copies. A sweep of a
// slice pairs its own actions with earlier ones including the halo, so every pair within the window
// is seen exactly once, in the slice of its later action. The slicing depends only on the data and
// the two thresholds, never on the rank count (the bin counts are integer sums), so results are
// identical at any number of ranks; only the placement does.
//
// Each action's copies are made grouped by rank and, within a rank, by the key hash's top bits
// (its own hash range's groups, then those of the keys displaced onto it), so every rank's copies
// leave as one stretch and arrive in a few ascending runs for the key sort, with no partition in
// place.
//
// Collective: every rank calls shuffle_to_key_slices with its actions and the same layer.
#pragma once

#include <cstdint>
#include <vector>

#include "core/action.hpp"
#include "core/comm.hpp"

namespace coordnet {

struct KeySlicing {
  DurationMs window_ms = 60'000;
  std::uint64_t hot_key_actions = std::uint64_t{1} << 20;
  std::uint64_t slice_actions = std::uint64_t{1} << 18;
};

// Histogram bins per key at most; bins per window at most (the narrowest slice); the co-actions
// per action a slice of slice_actions may hold; the share of hot_key_actions above which a key's
// co-actions are estimated.
inline constexpr std::uint64_t kSliceBins = std::uint64_t{1} << 16;
inline constexpr std::uint64_t kBinsPerWindow = 8;
inline constexpr std::uint64_t kSliceCoactionsPerAction = 16;
inline constexpr std::uint64_t kBusyKeyShare = 256;
// A key has at most kSliceBins slices, so Action::slice (16 bits) holds every slice index.
static_assert(kSliceBins <= std::uint64_t{1} << 16);

struct HotKey {
  KeyHash key;
  std::uint64_t n_actions;
  TimeMs first_ms, last_ms;
  std::uint64_t first_slice = 0;  // its slices' starts: slice_starts[first_slice, + n_slices)
  std::uint32_t n_slices = 0;     // at most kSliceBins (a slice is a run of whole bins)
};

// A candidate that stays whole and the rank that sweeps it.
struct PlacedKey {
  KeyHash key;
  int rank;
};

struct SlicePlan {
  std::vector<HotKey> hot_keys;      // the same on every rank, sorted by key
  std::vector<TimeMs> slice_starts;  // each hot key's slice start times, ascending
  std::vector<int> slice_ranks;      // the rank that sweeps each slice (same index)
  std::vector<PlacedKey> placed;     // the same on every rank, sorted by key
  // The buckets of the key hash's top bits that may hold a candidate (empty: none does).
  std::vector<std::uint8_t> busy;
  int busy_shift = 64;

  // The slice of an action of hot key `hot` at time t_ms.
  std::uint16_t slice_of(const HotKey& hot, TimeMs t_ms) const;
  // The rank of the actions of a key that is not hot: where it was placed, else its owner.
  int rank_of_whole(KeyHash key, int n_ranks) const;
};

struct KeyShuffle {
  std::vector<Action> actions;   // this rank's keys and slices, grouped by each source (below)
  std::vector<HotKey> hot_keys;  // the same on every rank, sorted by key
  std::vector<Action> spare;     // empty: the memory the actions were sent from, for their sort
};

// The actions of `layer` among `actions`, shuffled: each source's copies arrive grouped by the
// key hash's top bits (core/radix_sort.hpp copy_grouped), so the key sort copies each source's
// stretch of a group whole (on one rank, the copy is already grouped).
KeyShuffle shuffle_to_key_slices(const std::vector<Action>& actions, Layer layer,
                                 const KeySlicing& slicing, const Comm& comm);

// The actions of one layer (local).
std::vector<Action> actions_of_layer(const std::vector<Action>& actions, Layer layer);

// Every action sent to the owner of its key, no slicing (the peer-compatible kernels). Collective.
std::vector<Action> to_key_owners(const std::vector<Action>& actions, const Comm& comm);

// The entry of `key` among keys sorted by key, or null.
const HotKey* find_hot_key(const std::vector<HotKey>& hot_keys, KeyHash key);

// The slices of one candidate key (exposed for tests) from its action counts per bin of width
// bin_ms from hot.first_ms: their starts (the first is hot.first_ms, each later one begins a
// non-empty bin) and their estimated work (co-actions, see the header, plus actions).
struct KeySlices {
  std::vector<TimeMs> starts;
  std::vector<double> work;
};
KeySlices plan_slices(const HotKey& hot, const std::vector<std::uint64_t>& bin_counts,
                      DurationMs bin_ms, const KeySlicing& slicing);

// The rank of each slice (or whole candidate), from their estimated work and each rank's load
// before them: the heaviest first, each to the rank with the least load so far (the lowest rank on
// a tie). The same on every rank.
std::vector<int> place_slices(const std::vector<double>& slice_work, std::vector<double> loads);

// The width of a candidate key's histogram bins: at least (window + 1 ms) / kBinsPerWindow
// (rounded up), at most kSliceBins bins and one bin per eight actions.
DurationMs slice_bin_ms(const HotKey& hot, DurationMs window_ms);

}  // namespace coordnet
