// advise_huge_pages, map_huge_pages and HugePageAllocator (core/huge_pages.hpp): the advice never
// changes what the memory holds, whether or not the kernel gives huge pages, and mapped blocks
// start zeroed on a huge-page boundary.
#include <absl/container/flat_hash_map.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <numeric>
#include <utility>
#include <vector>

#include "core/huge_pages.hpp"

namespace coordnet {
namespace {

struct Slot {
  std::uint64_t id = UINT64_MAX;
  std::int64_t first_ms = INT64_MIN;
  bool operator==(const Slot&) const = default;
};

template <class T>
using HugeVector = std::vector<T, HugePageAllocator<T>>;

TEST(HugePages, ArraySpanningSeveralHugePagesStartsZeroedAndKeepsWhatIsWritten) {
  const std::size_t n = (std::size_t{5} << 21) / sizeof(std::uint64_t) + 3;
  HugeVector<std::uint64_t> words(n, 0);
  ASSERT_EQ(words.size(), n);
  EXPECT_TRUE(std::all_of(words.begin(), words.end(), [](std::uint64_t w) { return w == 0; }));
  std::iota(words.begin(), words.end(), std::uint64_t{7});
  for (std::size_t i = 0; i < n; i += 4099) EXPECT_EQ(words[i], i + 7);
  EXPECT_EQ(words.back(), n - 1 + 7);
}

TEST(HugePages, RecordsAreValueInitialisedAndSurviveGrowth) {
  HugeVector<Slot> slots((std::size_t{3} << 21) / sizeof(Slot));
  EXPECT_TRUE(std::all_of(slots.begin(), slots.end(), [](const Slot& s) { return s == Slot{}; }));
  for (std::size_t i = 0; i < slots.size(); ++i) slots[i].id = i;
  const auto before = slots.size();
  slots.resize(4 * before);
  for (std::size_t i = 0; i < before; i += 997) EXPECT_EQ(slots[i].id, i);
  EXPECT_EQ(slots.back(), Slot{});
}

TEST(HugePages, HashTableFindsEveryKeyAfterGrowing) {
  absl::flat_hash_map<std::uint64_t, std::uint32_t, absl::Hash<std::uint64_t>,
                      std::equal_to<std::uint64_t>,
                      HugePageAllocator<std::pair<const std::uint64_t, std::uint32_t>>>
      table;
  constexpr std::uint32_t kKeys = 400000;
  for (std::uint32_t k = 0; k < kKeys; ++k)
    table.try_emplace(std::uint64_t{k} * 0x9E3779B97F4A7C15ULL, k);
  ASSERT_EQ(table.size(), kKeys);
  for (std::uint32_t k = 0; k < kKeys; k += 13) {
    const auto it = table.find(std::uint64_t{k} * 0x9E3779B97F4A7C15ULL);
    ASSERT_NE(it, table.end());
    EXPECT_EQ(it->second, k);
  }
}

TEST(HugePages, MappedBlocksStartAlignedAndZeroedAndHoldWhatIsWritten) {
  for (const std::size_t bytes :
       {std::size_t{1}, kHugePageBytes - 1, kHugePageBytes, 3 * kHugePageBytes + 4096}) {
    auto* block = static_cast<std::uint8_t*>(map_huge_pages(bytes));
    ASSERT_NE(block, nullptr);
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(block) % kHugePageBytes, 0U) << bytes;
    EXPECT_TRUE(std::all_of(block, block + bytes, [](std::uint8_t b) { return b == 0; })) << bytes;
    for (std::size_t i = 0; i < bytes; ++i) block[i] = static_cast<std::uint8_t>(i * 31 + 7);
    for (std::size_t i = 0; i < bytes; i += 4093)
      EXPECT_EQ(block[i], static_cast<std::uint8_t>(i * 31 + 7)) << bytes;
    EXPECT_EQ(block[bytes - 1], static_cast<std::uint8_t>((bytes - 1) * 31 + 7)) << bytes;
    unmap_huge_pages(block, bytes);
  }
}

TEST(HugePages, AdviceOnMemoryInUseOrSmallerThanAPageChangesNothing) {
  std::vector<std::uint32_t> values(3 << 20);
  std::iota(values.begin(), values.end(), 1U);
  advise_huge_pages(values.data(), values.size() * sizeof(std::uint32_t));
  advise_huge_pages(values.data() + 1, 100);
  advise_huge_pages(values.data(), 0);
  for (std::size_t i = 0; i < values.size(); i += 1021) EXPECT_EQ(values[i], i + 1);
}

}  // namespace
}  // namespace coordnet
