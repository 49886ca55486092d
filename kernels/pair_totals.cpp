#include "kernels/pair_totals.hpp"

#include <algorithm>
#include <bit>

#include "core/hash.hpp"

namespace coordnet {

namespace {

// How many partials ahead a pass over the held partials starts loading their home slots.
constexpr std::size_t kAhead = 16;

PairCounts widened(std::uint32_t count, std::uint32_t n_keys) {
  return {count == UINT32_MAX ? UINT64_MAX : count, n_keys == UINT32_MAX ? UINT64_MAX : n_keys};
}

}  // namespace

PairTotals::PairTotals(std::span<const PairPartial> held) {
  const auto tagged = static_cast<std::size_t>(
      std::count_if(held.begin(), held.end(), [](const PairPartial& p) { return p.key_tag != 0; }));
  if (tagged == 0) return;
  slots_.assign(2 * tagged, Slot{0, 0, 0});
  // Tagged partials first (their pairs are the ones stored), then the untagged partials of those
  // pairs.
  for (const bool tagged_pass : {true, false}) {
    const auto in_pass = [&](const PairPartial& p) { return (p.key_tag != 0) == tagged_pass; };
    for (std::size_t i = 0; i < held.size(); ++i) {
      if (i + kAhead < held.size() && in_pass(held[i + kAhead]))
        __builtin_prefetch(&slots_[home(held[i + kAhead].pair)], 1);
      const auto& p = held[i];
      if (!in_pass(p)) continue;
      auto& slot = slots_[probe(p.pair)];
      if (slot.pair == 0) {
        if (!tagged_pass) continue;
        slot.pair = p.pair;
      }
      slot.count = saturating_add(slot.count, p.sums.count);
      slot.n_keys = saturating_add(slot.n_keys, p.n_keys);
    }
  }
}

PairCounts PairTotals::of(const PairPartial& p) const {
  if (!slots_.empty()) {
    const auto& slot = slots_[probe(p.pair)];
    if (slot.pair != 0) return widened(slot.count, slot.n_keys);
  }
  return widened(p.sums.count, p.n_keys);
}

std::size_t PairTotals::home(std::uint64_t pair) const {
  // The hash's high bits chose the pair's owner (owner_of_pair), so at p ranks an owner's pairs
  // share them: the low bits go first.
  __extension__ using Uint128 = unsigned __int128;
  const auto hash = std::rotl(mix_bits(pair), 32);
  return static_cast<std::size_t>((static_cast<Uint128>(hash) * slots_.size()) >> 64);
}

std::size_t PairTotals::probe(std::uint64_t pair) const {
  auto i = home(pair);
  while (slots_[i].pair != 0 && slots_[i].pair != pair) i = i + 1 == slots_.size() ? 0 : i + 1;
  return i;
}

}  // namespace coordnet
