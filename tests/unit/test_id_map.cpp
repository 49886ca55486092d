// IdMap (kernels/community/id_map.hpp): IdMap::of maps each id to its position, through the flat
// array for dense ids and the table for sparse ones, answers kMissing for every other id (below,
// inside and above the range), and keeps every entry when an insert follows.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <vector>

#include "kernels/community/id_map.hpp"

namespace coordnet {
namespace {

// Every id of `ids` at its position, and kMissing for the ids of `absent`.
void expect_positions(const IdMap& map, const std::vector<VertexId>& ids,
                      const std::vector<VertexId>& absent) {
  for (std::size_t i = 0; i < ids.size(); ++i) EXPECT_EQ(map.find(ids[i]), i) << ids[i];
  for (const auto id : absent) EXPECT_EQ(map.find(id), IdMap::kMissing) << id;
}

TEST(IdMap, OfSortedFindsEveryIdOfDenseAndSparseSets) {
  // Dense: every third id missing from 1000 .. 2499 (range 1.5 times the count).
  std::vector<VertexId> dense, dense_absent{0, 999, 2500, 1u << 31, IdMap::kEmpty - 1};
  for (VertexId id = 1000; id < 2500; ++id) (id % 3 == 0 ? dense_absent : dense).push_back(id);
  // Sparse: multiples of 1000 (range 1000 times the count).
  std::vector<VertexId> sparse, sparse_absent{0, 1, 999, 1001, 500500};
  for (VertexId id = 1000; id <= 1'000'000; id += 1000) sparse.push_back(id);
  // The dense set again in a scattered order (positions follow the given order).
  auto scattered = dense;
  std::shuffle(scattered.begin(), scattered.end(), std::mt19937_64(5));
  for (const auto& [ids, absent] :
       {std::pair{dense, dense_absent}, {scattered, dense_absent}, {sparse, sparse_absent}}) {
    auto map = IdMap::of(ids);
    EXPECT_EQ(map.size(), ids.size());
    expect_positions(map, ids, absent);
    // An insert after the build: the new id and every old one are found.
    EXPECT_EQ(map.insert(5'000'000, 7), 7u);
    EXPECT_EQ(map.insert(ids[3], 99), 3u) << "an id already present keeps its slot";
    EXPECT_EQ(map.find(5'000'000), 7u);
    expect_positions(map, ids, {0, 999});
  }
  EXPECT_EQ(IdMap::of({}).find(0), IdMap::kMissing);
}

TEST(IdMap, ForRangeTakesInsertsInsideAndOutsideItsRange) {
  for (const std::size_t expected : {100u, 1u}) {  // dense (the range 100) and not (100 per id)
    SCOPED_TRACE(expected);
    auto map = IdMap::for_range(1000, 1099, expected);
    EXPECT_EQ(map.find(1000), IdMap::kMissing);
    EXPECT_EQ(map.insert(1050, 4), 4u);
    EXPECT_EQ(map.insert(1050, 9), 4u) << "an id already present keeps its slot";
    EXPECT_EQ(map.insert(1099, 5), 5u);
    EXPECT_EQ(map.insert(7, 6), 6u) << "below the range";
    EXPECT_EQ(map.insert(VertexId{1} << 40, 8), 8u) << "above the range";
    EXPECT_EQ(map.size(), 4u);
    for (const auto& [id, slot] :
         {std::pair<VertexId, std::uint32_t>{1050, 4}, {1099, 5}, {7, 6}, {VertexId{1} << 40, 8}}) {
      EXPECT_EQ(map.find(id), slot) << id;
    }
    EXPECT_EQ(map.find(1051), IdMap::kMissing);
  }
}

}  // namespace
}  // namespace coordnet
