// Shuffle of actions to the ranks that own their keys, with hot keys cut into time slices.
//
// What it computes: every action goes to the owner of its key (owner_of_hash), except actions of
// a hot key (more than hot_key_actions actions over all ranks), which go to the owner of their
// time slice: slices of width S >= window + 1 ms starting at the key's first action time, about
// slice_actions actions each, slice s owned by owner_of_hash(hash(key, s)). An action whose time
// lies within one window of the next slice's start is also sent there as a halo copy (flag
// kActionIsHalo, slice s + 1): a sweep of slice s + 1 pairs its own actions with earlier ones
// including the halo, so every pair within the window is seen exactly once, in the slice of its
// later action. The slicing depends only on the data and the two thresholds, never on the rank
// count, so results are identical at any number of ranks.
//
// Collective: every rank calls shuffle_to_key_slices with its actions of one layer.
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

struct HotKey {
  KeyHash key;
  TimeMs first_ms;
  DurationMs slice_ms;
  std::uint32_t n_slices;
  std::uint64_t n_actions;
};

struct KeyShuffle {
  std::vector<Action> actions;   // this rank's keys and slices, unsorted
  std::vector<HotKey> hot_keys;  // the same on every rank, sorted by key
};

KeyShuffle shuffle_to_key_slices(std::vector<Action> actions, const KeySlicing& slicing,
                                 const Comm& comm);

// The actions of one layer (local).
std::vector<Action> actions_of_layer(const std::vector<Action>& actions, Layer layer);

// Every action sent to the owner of its key, no slicing (the peer-compatible kernels). Collective.
std::vector<Action> to_key_owners(const std::vector<Action>& actions, const Comm& comm);

// Whether `key` is among the hot keys (sorted by key).
bool is_hot(const std::vector<HotKey>& hot_keys, KeyHash key);

// The slices of one hot key (exposed for tests): width and count for its action count and span.
HotKey plan_slices(KeyHash key, std::uint64_t n_actions, TimeMs first_ms, TimeMs last_ms,
                   const KeySlicing& slicing);

}  // namespace coordnet
