#include "kernels/pair_reach_filter.hpp"

#include <array>
#include <bit>
#include <numeric>
#include <utility>

namespace coordnet {

std::size_t PairReachFilter::words_for(std::size_t reaching) {
  // A word per four reaching counters or less: 16 to 32 bits each.
  return std::bit_ceil(std::max<std::size_t>(1, (reaching + 3) / 4));
}

std::vector<std::uint64_t> PairReachFilter::owner_words(const PairCountBound& bound,
                                                        std::size_t n_words) {
  std::vector<std::uint64_t> words(n_words, 0);
  const auto mask = n_words - 1;
  // The counters come in slot order and land on random words: they are set in batches, each
  // batch's words loaded before the first is written.
  constexpr std::size_t kBatch = 32;
  std::array<std::uint64_t, kBatch> hashes;
  std::size_t batched = 0;
  const auto set_batch = [&] {
    for (std::size_t i = 0; i < batched; ++i) words[hashes[i] & mask] |= bits_of(hashes[i]);
    batched = 0;
  };
  bound.for_each_reaching([&](std::size_t slot) {
    hashes[batched] = counter_hash(slot);
    __builtin_prefetch(&words[hashes[batched] & mask], 1);
    if (++batched == kBatch) set_batch();
  });
  set_batch();
  return words;
}

PairReachFilter::PairReachFilter(std::vector<std::uint64_t, HugePageAllocator<std::uint64_t>> words,
                                 const std::vector<std::uint64_t>& words_per_owner,
                                 std::size_t counters)
    : words_(std::move(words)),
      first_word_(words_per_owner.size(), 0),
      word_mask_(words_per_owner.size()),
      counters_(counters),
      n_owners_(static_cast<int>(words_per_owner.size())) {
  std::exclusive_scan(words_per_owner.begin(), words_per_owner.end(), first_word_.begin(),
                      std::uint64_t{0});
  for (std::size_t r = 0; r < words_per_owner.size(); ++r) word_mask_[r] = words_per_owner[r] - 1;
}

std::optional<PairReachFilter> build_reach_filter(const PairCountBound& bound, std::size_t reaching,
                                                  std::size_t most_bytes, const Comm& comm) {
  const auto mine = PairReachFilter::words_for(reaching);
  const auto words_per_owner = comm.allgather<std::uint64_t>(mine);
  const auto words =
      std::accumulate(words_per_owner.begin(), words_per_owner.end(), std::uint64_t{0});
  if (words * sizeof(std::uint64_t) > most_bytes) return std::nullopt;
  return PairReachFilter(comm.allgatherv<std::uint64_t, HugePageAllocator<std::uint64_t>>(
                             PairReachFilter::owner_words(bound, mine)),
                         words_per_owner, bound.counters());
}

}  // namespace coordnet
