#include "kernels/key_slicing.hpp"

#include <absl/container/flat_hash_map.h>

#include <algorithm>

#include "core/exchange.hpp"
#include "core/hash.hpp"

namespace coordnet {

namespace {

struct KeyCount {
  KeyHash key;
  std::uint64_t n;
  TimeMs first_ms, last_ms;
};

// Action counts and time spans of this rank's keys.
std::vector<KeyCount> count_keys(const std::vector<Action>& actions) {
  absl::flat_hash_map<std::uint64_t, KeyCount> counts;
  for (const auto& a : actions) {
    auto [it, inserted] = counts.try_emplace(a.key.value, KeyCount{a.key, 0, a.t_ms, a.t_ms});
    auto& c = it->second;
    ++c.n;
    c.first_ms = std::min(c.first_ms, a.t_ms);
    c.last_ms = std::max(c.last_ms, a.t_ms);
  }
  std::vector<KeyCount> out;
  out.reserve(counts.size());
  for (const auto& [key, c] : counts) out.push_back(c);
  return out;
}

// The hot keys of all ranks: counts summed at the key owners, hot ones planned and gathered.
std::vector<HotKey> find_hot_keys(const std::vector<Action>& actions, const KeySlicing& slicing,
                                  const Comm& comm) {
  auto received =
      exchange_by_owner(
          count_keys(actions),
          [&](const KeyCount& c) { return owner_of_hash(c.key.value, comm.size()); }, comm)
          .data;
  std::sort(received.begin(), received.end(),
            [](const KeyCount& a, const KeyCount& b) { return a.key < b.key; });
  std::vector<HotKey> mine;
  for (std::size_t i = 0; i < received.size();) {
    KeyCount total = received[i];
    std::size_t j = i + 1;
    for (; j < received.size() && received[j].key == total.key; ++j) {
      total.n += received[j].n;
      total.first_ms = std::min(total.first_ms, received[j].first_ms);
      total.last_ms = std::max(total.last_ms, received[j].last_ms);
    }
    if (total.n > slicing.hot_key_actions) {
      mine.push_back(plan_slices(total.key, total.n, total.first_ms, total.last_ms, slicing));
    }
    i = j;
  }
  auto hot = comm.allgatherv<HotKey>(mine);
  std::sort(hot.begin(), hot.end(), [](const HotKey& a, const HotKey& b) { return a.key < b.key; });
  return hot;
}

}  // namespace

std::vector<Action> actions_of_layer(const std::vector<Action>& actions, Layer layer) {
  std::vector<Action> out;
  out.reserve(static_cast<std::size_t>(std::count_if(
      actions.begin(), actions.end(), [&](const Action& a) { return a.layer == layer; })));
  for (const auto& a : actions) {
    if (a.layer == layer) out.push_back(a);
  }
  return out;
}

std::vector<Action> to_key_owners(const std::vector<Action>& actions, const Comm& comm) {
  return exchange_by_owner(
             actions, [&](const Action& a) { return owner_of_hash(a.key.value, comm.size()); },
             comm)
      .data;
}

bool is_hot(const std::vector<HotKey>& hot_keys, KeyHash key) {
  const auto it = std::lower_bound(hot_keys.begin(), hot_keys.end(), key,
                                   [](const HotKey& h, KeyHash k) { return h.key < k; });
  return it != hot_keys.end() && it->key == key;
}

HotKey plan_slices(KeyHash key, std::uint64_t n_actions, TimeMs first_ms, TimeMs last_ms,
                   const KeySlicing& slicing) {
  const auto span = static_cast<std::uint64_t>(last_ms - first_ms) + 1;
  const auto wanted =
      std::max<std::uint64_t>(1, (n_actions + slicing.slice_actions - 1) /
                                     std::max<std::uint64_t>(1, slicing.slice_actions));
  const auto width = std::max<std::uint64_t>(static_cast<std::uint64_t>(slicing.window_ms) + 1,
                                             (span + wanted - 1) / wanted);
  const auto n_slices = static_cast<std::uint32_t>((span + width - 1) / width);
  return {key, first_ms, static_cast<DurationMs>(width), n_slices, n_actions};
}

KeyShuffle shuffle_to_key_slices(std::vector<Action> actions, const KeySlicing& slicing,
                                 const Comm& comm) {
  KeyShuffle result;
  result.hot_keys = find_hot_keys(actions, slicing, comm);
  if (!result.hot_keys.empty()) {
    std::vector<Action> halos;
    for (auto& a : actions) {
      const auto hot = std::lower_bound(result.hot_keys.begin(), result.hot_keys.end(), a.key,
                                        [](const HotKey& h, KeyHash key) { return h.key < key; });
      if (hot == result.hot_keys.end() || hot->key != a.key) continue;
      const auto offset = a.t_ms - hot->first_ms;
      a.slice = static_cast<std::uint32_t>(offset / hot->slice_ms);
      const TimeMs next_start = hot->first_ms + (a.slice + 1) * hot->slice_ms;
      if (a.slice + 1 < hot->n_slices && a.t_ms >= next_start - slicing.window_ms) {
        Action halo = a;
        halo.slice = a.slice + 1;
        halo.flags |= kActionIsHalo;
        halos.push_back(halo);
      }
    }
    actions.insert(actions.end(), halos.begin(), halos.end());
  }
  auto owner = [&](const Action& a) {
    const auto h = a.slice == 0 ? a.key.value : hash_combine(a.key.value, a.slice);
    return owner_of_hash(h, comm.size());
  };
  result.actions = exchange_by_owner(actions, owner, comm).data;
  return result;
}

}  // namespace coordnet
