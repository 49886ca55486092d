// Windowed co-action projection of one layer (DESIGN.md §2, "Windowed co-action").
//
// What it computes: for every key (retweeted tweet, hashtag, ...) and every pair of its actions
// by different accounts u < v with |t_u - t_v| <= window, one co-action (u, v, dt). Per pair of
// accounts: the number of co-actions (count, the edge weight), the number of distinct keys with
// at least one co-action, and the minimum and sum of the delays. Exact duplicate actions (same
// key, account, content and time) count once.
//
// How: actions are shuffled to the owner of their key; each key's actions are sorted by time and
// swept with a sliding window, so the work is the number of pairs inside the window, not all
// pairs of the key. Pair partials are pre-aggregated locally (sort-reduce in bounded blocks),
// shuffled to the owner of the smaller account (the rank holding it in /accounts) and reduced
// there. The result on each rank is sorted by (src, dst), and the concatenation over ranks is
// the same list at every rank count.
//
// Collective: every rank calls project_coactions once with its actions.
#pragma once

#include <cstdint>
#include <vector>

#include "core/action.hpp"
#include "core/comm.hpp"
#include "core/stage_metrics.hpp"

namespace coordnet {

struct CoactionConfig {
  Layer layer = Layer::retweet;
  DurationMs window_ms = 60'000;
  std::uint64_t min_weight = 1;  // edges with a smaller count are dropped
  // Pair partials held before a local sort-reduce (bounds memory per rank).
  std::size_t block_pairs = std::size_t{1} << 22;
};

struct CoactionEdge {
  AccountIndex src;  // src < dst
  AccountIndex dst;
  std::uint64_t count = 0;   // co-actions
  std::uint64_t n_keys = 0;  // distinct keys with a co-action
  DurationMs min_delay_ms = 0;
  DurationMs sum_delay_ms = 0;

  double mean_delay_ms() const {
    return count == 0 ? 0.0 : static_cast<double>(sum_delay_ms) / static_cast<double>(count);
  }
};

// `owner_of_account(AccountIndex) -> rank` decides where an edge lives (the owner of src).
template <class OwnerOf>
std::vector<CoactionEdge> project_coactions(const std::vector<Action>& actions,
                                            const CoactionConfig& config,
                                            OwnerOf&& owner_of_account, const Comm& comm,
                                            StageMetrics& metrics);

// Local building blocks, exposed for the serial reference and tests.
namespace coaction_detail {
// Sorts by (src, dst) and merges equal pairs; partial n_keys are added.
void sort_and_reduce(std::vector<CoactionEdge>& edges);
// Sweeps the actions of one key (sorted by time) and appends its pair partials, one per pair
// with n_keys = 1.
void sweep_key(const Action* begin, const Action* end, DurationMs window_ms,
               std::vector<CoactionEdge>& out);
// Number of ordered action pairs within the window of one key (an upper bound on co-actions).
std::uint64_t count_window_pairs(const Action* begin, const Action* end, DurationMs window_ms);
// Sorts by (key, time, account, content) and drops exact duplicates.
void sort_and_dedupe(std::vector<Action>& actions);
}  // namespace coaction_detail

}  // namespace coordnet

#include "kernels/coaction_impl.hpp"
