// Template part of null_model.hpp: the collective drivers.
#pragma once

#include <algorithm>

#include "core/exchange.hpp"
#include "core/hash.hpp"
#include "core/radix_sort.hpp"

namespace coordnet {

namespace null_model_detail {

// floor(t_ms / bucket_ms), also for negative times.
inline std::int64_t bucket_of(TimeMs t_ms, DurationMs bucket_ms) {
  return t_ms >= 0 ? t_ms / bucket_ms : -((-t_ms + bucket_ms - 1) / bucket_ms);
}

// The account's (a, x) in a reduced, sorted share; zeros when absent.
AccountExposure exposure_of(const std::vector<AccountExposure>& owned, AccountIndex account);

template <class Keep>
std::vector<Action> bucketed_actions(const std::vector<Action>& actions, Keep&& keep,
                                     DurationMs bucket_ms, DurationMs halo_ms, bool halo_both_sides,
                                     const Comm& comm) {
  // Each kept action under the key of its (key, bucket), and as a halo in a neighbouring bucket
  // when it is near that bucket's edge.
  const auto near_previous = [&](const Action& a, std::int64_t bucket) {
    return halo_both_sides && a.t_ms - bucket * bucket_ms <= halo_ms;
  };
  const auto near_next = [&](const Action& a, std::int64_t bucket) {
    return (bucket + 1) * bucket_ms - a.t_ms <= halo_ms;
  };
  const auto copies_of = [&](const Action& a, auto&& emit) {
    if (!keep(a)) return;
    const auto bucket = bucket_of(a.t_ms, bucket_ms);
    auto in_bucket = [&](std::int64_t b, std::uint8_t flags) {
      Action copy = a;
      copy.key = KeyHash{hash_combine(a.key.value, static_cast<std::uint64_t>(b))};
      copy.slice = 0;
      copy.flags = flags;
      emit(copy);
    };
    in_bucket(bucket, 0);
    if (near_previous(a, bucket)) in_bucket(bucket - 1, kActionIsHalo);
    if (near_next(a, bucket)) in_bucket(bucket + 1, kActionIsHalo);
  };
  // The copies are made grouped for the key sort (core/radix_sort.hpp): on one rank it then does
  // not scatter them again, at more ranks each source's stretch of a group is copied whole, into
  // the memory the copies were sent from.
  auto bucketed = copy_grouped_by_hash<Action>(actions, copies_of, coaction_detail::key_hash_of,
                                               comm.size() > 1 ? kReceiveHeadroom : 0.0);
  auto groups =
      exchange_by_owner_keeping_memory(
          bucketed, [&](const Action& a) { return owner_of_hash(a.key.value, comm.size()); }, comm)
          .data;
  coaction_detail::sort_and_dedupe(groups, bucketed);
  return groups;
}

}  // namespace null_model_detail

namespace null_model_detail {

// Appends the partials of every bucket of `groups` (sorted by key, then time) whose key is not
// skipped; returns the actions counted (those that are not halos).
template <class Skip>
std::uint64_t add_bucket_partials(const std::vector<Action>& groups, DurationMs window_ms,
                                  Skip&& skip, std::vector<AccountExposure>& partials) {
  const auto before = partials.size();
  for (std::size_t begin = 0; begin < groups.size();) {
    std::size_t end = begin + 1;
    while (end < groups.size() && groups[end].key == groups[begin].key) ++end;
    if (!skip(groups[begin].key)) {
      count_bucket(groups.data() + begin, groups.data() + end, window_ms, partials);
    }
    begin = end;
  }
  return partials.size() - before;
}

// The partials summed at the accounts' owners, and A. Collective.
template <class OwnerOf>
LayerExposure reduce_exposure(std::vector<AccountExposure> partials, std::uint64_t local_actions,
                              OwnerOf&& owner_of_account, const Comm& comm) {
  // Added up here only to cut the traffic to the accounts' owners (who sum and order them): not
  // at one rank, where the owner's sum below is cheaper.
  if (comm.size() > 1) add_up(partials);
  LayerExposure result;
  result.accounts = exchange_by_owner(
                        std::move(partials),
                        [&](const AccountExposure& e) { return owner_of_account(e.account); }, comm)
                        .data;
  sum_by_account(result.accounts);
  result.total_actions = comm.allreduce<std::uint64_t>(local_actions, ReduceOp::sum);
  return result;
}

}  // namespace null_model_detail

template <class OwnerOf>
LayerExposure layer_exposure(const std::vector<Action>& actions, Layer layer, DurationMs window_ms,
                             OwnerOf&& owner_of_account, const Comm& comm) {
  using namespace null_model_detail;
  auto groups = bucketed_actions(
      actions, [&](const Action& a) { return a.layer == layer; }, bucket_ms_for(window_ms),
      window_ms, true, comm);
  std::vector<AccountExposure> partials;
  partials.reserve(groups.size());  // one per action that is not a halo
  const auto counted = add_bucket_partials(
      groups, window_ms, [](KeyHash) { return false; }, partials);
  std::vector<Action>().swap(groups);
  return reduce_exposure(std::move(partials), counted, owner_of_account, comm);
}

template <class OwnerOf>
LayerExposure layer_exposure_from_keys(ShuffledKeys keys, const std::vector<Action>& actions,
                                       Layer layer, DurationMs window_ms,
                                       OwnerOf&& owner_of_account, const Comm& comm) {
  using namespace null_model_detail;
  const auto hot = [&](KeyHash key) { return find_hot_key(keys.hot_keys, key) != nullptr; };
  std::vector<AccountExposure> partials;
  partials.reserve(keys.actions.size());
  auto counted = add_bucket_partials(keys.actions, window_ms, hot, partials);
  std::vector<Action>().swap(keys.actions);
  if (!keys.hot_keys.empty()) {
    auto groups = bucketed_actions(
        actions, [&](const Action& a) { return a.layer == layer && hot(a.key); },
        bucket_ms_for(window_ms), window_ms, true, comm);
    counted += add_bucket_partials(
        groups, window_ms, [](KeyHash) { return false; }, partials);
  }
  return reduce_exposure(std::move(partials), counted, owner_of_account, comm);
}

template <class OwnerOf>
std::vector<double> edge_expectations(const std::vector<CoactionEdge>& edges,
                                      const LayerExposure& exposure, OwnerOf&& owner_of_account,
                                      const Comm& comm) {
  using namespace null_model_detail;
  std::vector<AccountIndex> wanted;
  for (const auto& e : edges) {
    wanted.push_back(e.src);
    wanted.push_back(e.dst);
  }
  std::sort(wanted.begin(), wanted.end());
  wanted.erase(std::unique(wanted.begin(), wanted.end()), wanted.end());
  const auto answers = ask_owners<AccountExposure>(
      wanted, owner_of_account,
      each_answer<AccountExposure, AccountIndex>(
          [&](AccountIndex account) { return exposure_of(exposure.accounts, account); }),
      comm);
  auto lookup = [&](AccountIndex account) {
    const auto i = std::lower_bound(wanted.begin(), wanted.end(), account) - wanted.begin();
    return answers[static_cast<std::size_t>(i)];
  };
  std::vector<double> expected;
  expected.reserve(edges.size());
  for (const auto& e : edges) {
    expected.push_back(expected_coactions(lookup(e.src), lookup(e.dst), exposure.total_actions));
  }
  return expected;
}

}  // namespace coordnet
