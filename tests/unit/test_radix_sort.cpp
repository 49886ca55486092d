// sort_by_key, sort_by_hash and copy_grouped_by_hash (core/radix_sort.hpp) against
// std::stable_sort and std::sort on records with even, clustered and repeated keys.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <random>
#include <tuple>
#include <vector>

#include "core/radix_sort.hpp"

namespace coordnet {
namespace {

struct Record {
  std::uint64_t key;
  std::uint32_t payload;
  bool operator==(const Record&) const = default;
};

bool by_key_then_payload(const Record& a, const Record& b) {
  return std::tie(a.key, a.payload) < std::tie(b.key, b.payload);
}

// n records; keys drawn from `distinct` values spread over the 64-bit range (distinct == 0: any
// 64-bit value), or below 2^20 when `clustered` (so every key has the same top bits).
std::vector<Record> records(std::size_t n, std::uint64_t distinct, bool clustered,
                            std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<std::uint64_t> keys(distinct);
  for (auto& k : keys) k = clustered ? rng() >> 44 : rng();
  std::vector<Record> out(n);
  for (auto& r : out) {
    r.key = distinct == 0 ? (clustered ? rng() >> 44 : rng()) : keys[rng() % distinct];
    r.payload = static_cast<std::uint32_t>(rng());
  }
  return out;
}

void expect_sorted_by_hash(std::vector<Record> input) {
  auto expected = input;
  std::sort(expected.begin(), expected.end(), by_key_then_payload);
  sort_by_hash(
      input, [](const Record& r) { return r.key; }, by_key_then_payload);
  EXPECT_EQ(input, expected);
}

TEST(RadixSort, SortByHashEqualsStdSort) {
  for (const std::size_t n : {0, 1, 63, 64, 65, 129, 5000, 300000}) {
    SCOPED_TRACE(n);
    expect_sorted_by_hash(records(n, 0, false, n));
  }
}

TEST(RadixSort, SortByHashWithRepeatedKeys) {
  expect_sorted_by_hash(records(200000, 37, false, 1));  // few keys: many records per bucket
  expect_sorted_by_hash(records(200000, 1, false, 2));   // one viral key: a single bucket
}

TEST(RadixSort, SortByHashWithClusteredKeys) {
  expect_sorted_by_hash(records(100000, 0, true, 3));  // all in bucket 0, partitioned in place
  expect_sorted_by_hash(records(20000, 0, true, 4));   // partitioned through the scratch copy
}

// copy_grouped_by_hash equals the records emitted in source order, stably sorted by the key's
// top 12 bits, for a filter (records with an odd payload) and for an emitter of two records from
// some (a copy under another key for every third payload); sort_by_hash then sorts such grouped
// records as std::sort does.
template <class CopiesOf>
void expect_grouped_copies(const std::vector<Record>& input, CopiesOf copies_of) {
  const auto key_of = [](const Record& r) { return r.key; };
  auto grouped = copy_grouped_by_hash<Record>(input, copies_of, key_of);
  std::vector<Record> expected;
  for (const auto& r : input) copies_of(r, [&](const Record& c) { expected.push_back(c); });
  std::stable_sort(expected.begin(), expected.end(),
                   [](const Record& a, const Record& b) { return a.key >> 52 < b.key >> 52; });
  EXPECT_EQ(grouped, expected);
  std::sort(expected.begin(), expected.end(), by_key_then_payload);
  sort_by_hash(grouped, key_of, by_key_then_payload);
  EXPECT_EQ(grouped, expected);
}

TEST(RadixSort, CopyGroupedByHashIsAStableGroupingOfTheCopies) {
  for (const std::size_t n : {0, 100, 300000}) {
    SCOPED_TRACE(n);
    const auto input = records(n, 0, false, 7 + n);
    expect_grouped_copies(input, [](const Record& r, auto&& emit) {
      if (r.payload % 2 == 1) emit(r);
    });
    expect_grouped_copies(input, [](const Record& r, auto&& emit) {
      emit(r);
      if (r.payload % 3 == 0) emit(Record{r.key * 3 + 1, r.payload + 1});
    });
  }
}

// copy_grouped by explicit places (as the shuffle groups by (rank, hash group)): the copies in
// ascending place order, stable within a place, and starts[k] where place k begins.
TEST(RadixSort, CopyGroupedByPlaceIsAStableGroupingWithStarts) {
  constexpr std::size_t kPlaces = 5;
  const auto input = records(1000, 0, false, 13);
  const auto place_of = [](const Record& r) {
    return static_cast<std::size_t>(r.payload % kPlaces);
  };
  std::vector<std::size_t> starts;
  const auto grouped = copy_grouped<Record>(
      input,
      [&](const Record& r, auto&& emit) {
        emit(r, place_of(r));
        if (r.payload % 4 == 0) emit(Record{r.key, r.payload + 1}, kPlaces - 1);
      },
      kPlaces, starts);
  std::vector<std::pair<std::size_t, Record>> expected;
  for (const auto& r : input) {
    expected.emplace_back(place_of(r), r);
    if (r.payload % 4 == 0) expected.emplace_back(kPlaces - 1, Record{r.key, r.payload + 1});
  }
  std::stable_sort(expected.begin(), expected.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  ASSERT_EQ(grouped.size(), expected.size());
  ASSERT_EQ(starts.size(), kPlaces + 1);
  EXPECT_EQ(starts.front(), 0u);
  EXPECT_EQ(starts.back(), grouped.size());
  for (std::size_t i = 0; i < grouped.size(); ++i) {
    EXPECT_EQ(grouped[i], expected[i].second);
    EXPECT_GE(i, starts[expected[i].first]);
    EXPECT_LT(i, starts[expected[i].first + 1]);
  }
}

// Records as an exchange brings them: several runs, each grouped by the hash's top bits (a
// source's copy_grouped_by_hash), then a few ungrouped records (hot keys' halo copies); and
// records in no order at all. sort_by_hash sorts them as std::sort does whatever memory `spare`
// lends (none, less than needed, more), and leaves `spare` empty.
TEST(RadixSort, SortByHashOfGroupedRunsWithSpareMemory) {
  const auto key_of = [](const Record& r) { return r.key; };
  const auto copy_all = [](const Record& r, auto&& emit) { emit(r); };
  for (const std::size_t runs : {1, 2, 3, 5}) {
    for (const std::size_t tail : {0, 50}) {
      for (const double spare_share : {0.0, 0.5, 1.5}) {
        SCOPED_TRACE(testing::Message()
                     << runs << " runs, " << tail << " ungrouped, spare " << spare_share);
        std::vector<Record> input;
        for (std::size_t r = 0; r < runs; ++r) {
          // Keys in the lowest 64 of the 4,096 groups: long stretches, which are copied whole.
          auto run = records(40000 + 1000 * r, r == 1 ? 300 : 0, false, 11 + r);
          for (auto& record : run) record.key >>= 6;
          run = copy_grouped_by_hash<Record>(run, copy_all, key_of);
          input.insert(input.end(), run.begin(), run.end());
        }
        const auto ungrouped = records(tail, 0, false, 99);
        input.insert(input.end(), ungrouped.begin(), ungrouped.end());
        auto expected = input;
        std::sort(expected.begin(), expected.end(), by_key_then_payload);
        std::vector<Record> spare(
            static_cast<std::size_t>(spare_share * static_cast<double>(input.size())));
        sort_by_hash(input, key_of, by_key_then_payload, spare);
        EXPECT_EQ(input, expected);
        EXPECT_TRUE(spare.empty());
      }
    }
  }
  auto shuffled = records(100000, 0, false, 5);
  auto expected = shuffled;
  std::sort(expected.begin(), expected.end(), by_key_then_payload);
  std::vector<Record> spare(200000);
  sort_by_hash(shuffled, key_of, by_key_then_payload, spare);
  EXPECT_EQ(shuffled, expected);
  EXPECT_TRUE(spare.empty());
}

TEST(RadixSort, SortByKeyIsStable) {
  for (const std::uint64_t distinct : {0, 1, 1000}) {
    SCOPED_TRACE(distinct);
    auto input = records(100000, distinct, false, 4 + distinct);
    auto expected = input;
    std::stable_sort(expected.begin(), expected.end(),
                     [](const Record& a, const Record& b) { return a.key < b.key; });
    sort_by_key(input, [](const Record& r) { return r.key; });
    EXPECT_EQ(input, expected);
  }
}

}  // namespace
}  // namespace coordnet
