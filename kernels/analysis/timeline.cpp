#include "kernels/analysis/timeline.hpp"

#include <algorithm>
#include <tuple>

#include "core/hash.hpp"

namespace coordnet {

namespace {

// 0: on an evidence key, 1: on another coordinated key, 2: the rest.
int priority(const TimelineAction& a) {
  if (a.evidence_order >= 0) return 0;
  return a.coordinated ? 1 : 2;
}

std::uint64_t sample_hash(const TimelineAction& a) {
  const auto place = hash_combine(a.key.value, a.account.value);
  return hash_combine(
      place, static_cast<std::uint64_t>(a.t_ms) * 16 + static_cast<std::uint64_t>(a.layer));
}

auto row_order(const TimelineAction& a) {
  return std::tie(a.account, a.t_ms, a.layer, a.evidence_order, a.key);
}

}  // namespace

std::vector<TimelineAction> cap_timeline(std::vector<TimelineAction> actions, std::size_t cap) {
  if (actions.size() > cap) {
    struct Ranked {
      int priority;
      std::uint64_t hash;
      std::size_t index;
    };
    std::vector<Ranked> ranked;
    ranked.reserve(actions.size());
    for (std::size_t i = 0; i < actions.size(); ++i) {
      ranked.push_back({priority(actions[i]), sample_hash(actions[i]), i});
    }
    // Ties of (priority, hash) are broken by the row's content, never by its position.
    std::nth_element(ranked.begin(), ranked.begin() + static_cast<long>(cap), ranked.end(),
                     [&](const Ranked& x, const Ranked& y) {
                       return std::tie(x.priority, x.hash) < std::tie(y.priority, y.hash) ||
                              (std::tie(x.priority, x.hash) == std::tie(y.priority, y.hash) &&
                               row_order(actions[x.index]) < row_order(actions[y.index]));
                     });
    std::vector<TimelineAction> kept;
    kept.reserve(cap);
    for (std::size_t i = 0; i < cap; ++i) kept.push_back(actions[ranked[i].index]);
    actions = std::move(kept);
  }
  std::sort(actions.begin(), actions.end(),
            [](const auto& a, const auto& b) { return row_order(a) < row_order(b); });
  return actions;
}

}  // namespace coordnet
