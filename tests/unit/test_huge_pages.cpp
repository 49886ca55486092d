// advise_huge_pages and on_huge_pages (core/huge_pages.hpp): the advice never changes what the
// memory holds, whether or not the kernel gives huge pages.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <numeric>
#include <vector>

#include "core/huge_pages.hpp"

namespace coordnet {
namespace {

struct Slot {
  std::uint64_t id = UINT64_MAX;
  std::int64_t first_ms = INT64_MIN;
  bool operator==(const Slot&) const = default;
};

TEST(HugePages, ArraySpanningSeveralHugePagesStartsZeroedAndKeepsWhatIsWritten) {
  const std::size_t n = (std::size_t{5} << 21) / sizeof(std::uint64_t) + 3;
  auto words = on_huge_pages<std::uint64_t>(n);
  ASSERT_EQ(words.size(), n);
  EXPECT_TRUE(std::all_of(words.begin(), words.end(), [](std::uint64_t w) { return w == 0; }));
  std::iota(words.begin(), words.end(), std::uint64_t{7});
  for (std::size_t i = 0; i < n; i += 4099) EXPECT_EQ(words[i], i + 7);
  EXPECT_EQ(words.back(), n - 1 + 7);
}

TEST(HugePages, RecordsAreValueInitialised) {
  const std::size_t n = (std::size_t{3} << 21) / sizeof(Slot);
  const auto slots = on_huge_pages<Slot>(n);
  ASSERT_EQ(slots.size(), n);
  EXPECT_TRUE(std::all_of(slots.begin(), slots.end(), [](const Slot& s) { return s == Slot{}; }));
}

TEST(HugePages, AdviceOnMemoryInUseOrSmallerThanAPageChangesNothing) {
  std::vector<std::uint32_t> values(3 << 20);
  std::iota(values.begin(), values.end(), 1U);
  advise_huge_pages(values.data(), values.size() * sizeof(std::uint32_t));
  advise_huge_pages(values.data() + 1, 100);
  advise_huge_pages(values.data(), 0);
  for (std::size_t i = 0; i < values.size(); i += 1021) EXPECT_EQ(values[i], i + 1);
  EXPECT_EQ(on_huge_pages<std::uint32_t>(0).size(), 0U);
}

}  // namespace
}  // namespace coordnet
