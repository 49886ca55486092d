// Pair partials and the owner's accumulation: key tags count a key once per pair, and spilled
// sorted runs merge back to what an unlimited accumulation gives.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <random>
#include <tuple>

#include "core/errors.hpp"
#include "kernels/coaction.hpp"
#include "kernels/pair_accumulator.hpp"
#include "kernels/partial_index.hpp"

namespace coordnet {
namespace {

PairPartial partial(std::uint64_t src, std::uint64_t dst, std::uint32_t tag, std::uint32_t count,
                    DurationMs delay, TimeMs t, std::uint64_t dot) {
  PairPartial p;
  p.pair = PairPartial::pack(src, dst);
  p.key_tag = tag;
  p.n_keys = 1;
  p.sums = {count, count / 2, count, 1, delay, delay * count, t, t + delay};
  p.tfidf_dot = dot;
  return p;
}

auto fields(const PairPartial& p) {
  const auto& x = p.sums;
  return std::tie(p.pair, p.key_tag, p.n_keys, x.count, x.n_fast, x.n_older, x.n_newer,
                  x.min_delay_ms, x.sum_delay_ms, x.first_ms, x.last_ms, p.tfidf_dot);
}

// A fresh directory removed at scope exit.
struct SpillDir {
  std::filesystem::path path;
  SpillDir() {
    std::string name = "/tmp/coordnet_spill_test_XXXXXX";
    EXPECT_NE(::mkdtemp(name.data()), nullptr);
    path = name;
  }
  ~SpillDir() { std::filesystem::remove_all(path); }
};

TEST(PairPartial, SameTagCountsItsKeyOnceAcrossPieces) {
  // Pair (1, 2): two pieces of key tag 3, two of tag 4, two untagged keys already counted.
  std::vector<PairPartial> partials = {
      partial(1, 2, 3, 2, 500, 1000, 7), partial(1, 2, 0, 1, 200, 900, 5),
      partial(1, 2, 3, 4, 100, 5000, 7), partial(1, 2, 4, 1, 900, 20, 11),
      partial(1, 2, 0, 3, 50, 3000, 6),  partial(1, 2, 4, 1, 800, 40, 11),
      partial(0, 9, 3, 1, 10, 10, 1)};
  const auto edges = coaction_detail::collapse_to_edges(partials);
  ASSERT_EQ(edges.size(), 2u);
  EXPECT_EQ(edges[0].src.value, 0u);
  const auto& e = edges[1];
  EXPECT_EQ(e.src.value, 1u);
  EXPECT_EQ(e.dst.value, 2u);
  EXPECT_EQ(e.count, 12u);
  EXPECT_EQ(e.n_keys, 4u);        // keys 3 and 4 once each, plus the two untagged
  EXPECT_EQ(e.tfidf_dot, 29u);    // 7 + 11 + 5 + 6
  EXPECT_EQ(e.min_delay_ms, 50);  // over every piece
  EXPECT_EQ(e.first_ms, 20);
  EXPECT_EQ(e.last_ms, 5100);
  EXPECT_EQ(e.sum_delay_ms, 3450);  // 1000 + 200 + 400 + 900 + 150 + 800
}

TEST(PairPartial, CountersSaturateInsteadOfWrapping) {
  std::vector<PairPartial> partials = {partial(1, 2, 0, UINT32_MAX - 1, 1, 0, 0),
                                       partial(1, 2, 0, 5, 1, 0, 0)};
  sort_and_reduce(partials);
  ASSERT_EQ(partials.size(), 1u);
  EXPECT_EQ(partials[0].sums.count, UINT32_MAX);
  EXPECT_TRUE(partials[0].sums.saturated());
}

// Random partials over few pairs and tags, added in random chunks.
std::vector<std::vector<PairPartial>> random_chunks(std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<std::vector<PairPartial>> chunks(40);
  for (auto& chunk : chunks) {
    const auto n = rng() % 60;
    for (std::uint64_t i = 0; i < n; ++i) {
      const auto src = rng() % 30;
      const auto dst = src + 1 + rng() % 30;
      const auto tag = static_cast<std::uint32_t>(rng() % 4 == 0 ? 1 + rng() % 5 : 0);
      // A tag stands for one key: its product is a function of the pair and the tag.
      const auto dot = tag == 0 ? rng() % 100 : (src * 31 + dst * 7 + tag) % 97;
      chunk.push_back(partial(src, dst, tag, 1 + static_cast<std::uint32_t>(rng() % 9),
                              static_cast<DurationMs>(rng() % 60'000),
                              static_cast<TimeMs>(rng() % 1'000'000), dot));
    }
  }
  return chunks;
}

std::vector<PairPartial> accumulate(PairAccumulator& acc,
                                    const std::vector<std::vector<PairPartial>>& chunks) {
  for (const auto& c : chunks) acc.add(c);
  std::vector<PairPartial> out;
  acc.for_each([&](const PairPartial& p) { out.push_back(p); });
  return out;
}

TEST(PairAccumulator, SpilledRunsMergeToTheUnlimitedResult) {
  for (std::uint64_t seed = 1; seed <= 5; ++seed) {
    const auto chunks = random_chunks(seed);
    std::vector<PairPartial> all;
    for (const auto& c : chunks) all.insert(all.end(), c.begin(), c.end());
    sort_and_reduce(all);

    SpillDir dir;
    PairAccumulator unlimited(0, dir.path);
    const auto expected = accumulate(unlimited, chunks);
    ASSERT_EQ(expected.size(), all.size());
    {
      PairAccumulator limited(37, dir.path);
      const auto got = accumulate(limited, chunks);
      EXPECT_GT(limited.runs(), 2u);
      ASSERT_EQ(got.size(), expected.size());
      for (std::size_t i = 0; i < got.size(); ++i) {
        EXPECT_EQ(fields(got[i]), fields(expected[i])) << "seed " << seed << " at " << i;
        EXPECT_EQ(fields(got[i]), fields(all[i]));
      }
      std::vector<PairPartial> again;
      limited.for_each([&](const PairPartial& p) { again.push_back(p); });
      ASSERT_EQ(again.size(), got.size());
      for (std::size_t i = 0; i < got.size(); ++i) EXPECT_EQ(fields(again[i]), fields(got[i]));
    }
    EXPECT_TRUE(std::filesystem::is_empty(dir.path));  // the runs are removed
  }
}

TEST(PartialIndex, AbsorbedTailsEqualASortReduce) {
  for (std::uint64_t seed = 1; seed <= 5; ++seed) {
    const auto chunks = random_chunks(seed);
    std::vector<PairPartial> all;
    std::vector<PairPartial> held;
    PartialIndex index(seed == 1 ? 0 : 8);  // also from too small an index, which must grow
    for (const auto& c : chunks) {
      all.insert(all.end(), c.begin(), c.end());
      const auto from = held.size();
      held.insert(held.end(), c.begin(), c.end());
      index.absorb_tail(held, from);
      if (seed == 3 && held.size() > 100) {  // a cleared index starts over
        sort_and_reduce(held);
        index.clear();
        index.absorb_tail(held, 0);
      }
    }
    sort_and_reduce(all);
    for (std::size_t i = 0; i < held.size(); ++i) {
      EXPECT_EQ(index.find(held, held[i].pair, held[i].key_tag), i) << "each (pair, tag) once";
    }
    EXPECT_EQ(index.find(held, PairPartial::pack(100, 101), 0), PartialIndex::npos);
    sort_and_reduce(held);
    ASSERT_EQ(held.size(), all.size());
    for (std::size_t i = 0; i < held.size(); ++i) EXPECT_EQ(fields(held[i]), fields(all[i]));
  }
}

std::vector<std::uint64_t> pairs_of(PairAccumulator& acc) {
  std::vector<std::uint64_t> pairs;
  acc.for_each([&](const PairPartial& p) { pairs.push_back(p.pair * 8 + p.key_tag); });
  return pairs;
}

TEST(PairAccumulator, FinishDropsThePairsWhoseTotalsFailTheTest) {
  // Counts per (pair, tag); n_keys is 1 per partial. (1, 2): 5 untagged, kept. (1, 3): 1
  // untagged, dropped. (2, 3): 1 untagged + 1 under tag 4 = 2, dropped whole. (2, 4): 1 untagged +
  // 1 under tag 4 + 1 under tag 5 = 3, kept whole. (3, 4): only tagged, 2 + 1 = 3, kept. (3, 5):
  // only tagged, 2, dropped.
  const std::vector<PairPartial> received = {
      partial(1, 2, 0, 5, 10, 0, 0), partial(1, 3, 0, 1, 10, 0, 0), partial(2, 3, 0, 1, 10, 0, 0),
      partial(2, 3, 4, 1, 10, 0, 0), partial(2, 4, 4, 1, 10, 0, 0), partial(2, 4, 0, 1, 10, 0, 0),
      partial(2, 4, 5, 1, 10, 0, 0), partial(3, 4, 4, 2, 10, 0, 0), partial(3, 4, 6, 1, 10, 0, 0),
      partial(3, 5, 4, 2, 10, 0, 0)};
  auto at_least_3 = [](std::uint64_t count, std::uint64_t) { return count >= 3; };
  SpillDir dir;
  PairAccumulator unlimited(0, dir.path);
  unlimited.add(received);
  unlimited.finish(0, at_least_3);
  const auto tagged = [](std::uint64_t src, std::uint64_t dst, std::uint64_t tag) {
    return PairPartial::pack(src, dst) * 8 + tag;
  };
  EXPECT_EQ(pairs_of(unlimited),
            (std::vector<std::uint64_t>{tagged(1, 2, 0), tagged(2, 4, 0), tagged(2, 4, 4),
                                        tagged(2, 4, 5), tagged(3, 4, 4), tagged(3, 4, 6)}));

  // The keys counted over all of a pair's partials: (2, 4) and (3, 4) have 3 and 2 keys.
  PairAccumulator by_keys(0, dir.path);
  by_keys.add(received);
  by_keys.finish(0, [](std::uint64_t, std::uint64_t n_keys) { return n_keys >= 2; });
  EXPECT_EQ(pairs_of(by_keys),
            (std::vector<std::uint64_t>{tagged(2, 3, 0), tagged(2, 3, 4), tagged(2, 4, 0),
                                        tagged(2, 4, 4), tagged(2, 4, 5), tagged(3, 4, 4),
                                        tagged(3, 4, 6)}));

  // A total past the 32-bit counters reads as the largest count, which any threshold keeps.
  PairAccumulator saturating(0, dir.path);
  saturating.add({partial(1, 2, 0, 5, 10, 0, 0), partial(5, 6, 4, UINT32_MAX - 1, 10, 0, 0),
                  partial(5, 6, 5, 5, 10, 0, 0)});
  saturating.finish(0, [](std::uint64_t count, std::uint64_t) { return count >= 5'000'000'000; });
  EXPECT_EQ(pairs_of(saturating), (std::vector<std::uint64_t>{tagged(5, 6, 4), tagged(5, 6, 5)}));

  // With spilled runs a held pair may have more in a run: nothing is dropped.
  PairAccumulator limited(2, dir.path);
  limited.add(received);
  ASSERT_GT(limited.runs(), 0u);
  limited.finish(0, at_least_3);
  EXPECT_EQ(pairs_of(limited).size(), received.size());
}

TEST(PairAccumulator, UnwritableSpillDirNamesThePath) {
  PairAccumulator acc(4, "/nonexistent/spill");
  std::vector<PairPartial> chunk;
  for (std::uint64_t i = 0; i < 10; ++i) chunk.push_back(partial(i, i + 1, 0, 1, 1, 0, 0));
  try {
    acc.add(chunk);
    FAIL() << "no error";
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/spill/coordnet-spill-"), std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace coordnet
