// Distributed near-duplicate clustering against the serial all-pairs reference at any rank
// count: drawn messages, and generated families with items duplicated across ranks.
#include <gtest/gtest.h>

#include <set>

#include "core/hash.hpp"
#include "io/text_normalise.hpp"
#include "kernels/reference/text_similarity_reference.hpp"
#include "kernels/text_similarity.hpp"
#include "tests/common/near_duplicate_texts.hpp"
#include "tests/mpi/mpi_test_util.hpp"

namespace coordnet {
namespace {

class NearDuplicateTest : public ::testing::Test {
 protected:
  void TearDown() override { Comm::set_max_message_elements(INT32_MAX); }
};

TextItem item(std::uint64_t content, const std::string& text) {
  return {ContentHash{content}, minhash_signature(normalise_text(text), 3), {}};
}

// Contents 5, 3, 9 are one message (a copy dressed as a retweet, one with a word appended);
// 1 is unrelated, 2 is empty after normalisation; 5 is held twice.
TEST_F(NearDuplicateTest, DrawnMessagesGetTheSmallestContentOfTheirCluster) {
  const Comm comm;
  const std::string message = "Vote for Smith on Tuesday, the only honest choice for our city";
  const std::vector<TextItem> all = {
      item(5, message),
      item(3, "RT @bot1: " + message + "! https://t.co/x"),
      item(9, message + " today"),
      item(1, "The weather in the mountains was lovely this weekend with clear skies"),
      item(2, "@someone https://t.co/y"),
      item(5, message)};
  auto mine = testing::strided_share(all, comm);
  const auto report = assign_near_duplicate_keys(mine, NearDuplicateConfig{}, comm);
  const std::vector<std::uint64_t> expected = {3, 3, 3, 1, 2, 3};
  std::size_t k = 0;
  for (std::size_t i = 0; i < all.size(); ++i) {
    if (static_cast<int>(i % static_cast<std::size_t>(comm.size())) != comm.rank()) continue;
    EXPECT_EQ(mine[k].content, all[i].content);
    EXPECT_EQ(mine[k++].cluster.value, expected[i]) << i;
  }
  EXPECT_EQ(report.distinct_signatures, 3u);  // {5, 3}, {9}, {1}
  EXPECT_TRUE(report.converged);

  // All items on rank 0, none elsewhere: the same keys.
  auto on_root = comm.is_root() ? all : std::vector<TextItem>{};
  assign_near_duplicate_keys(on_root, NearDuplicateConfig{}, comm);
  for (std::size_t i = 0; i < on_root.size(); ++i) EXPECT_EQ(on_root[i].cluster.value, expected[i]);
}

struct Scenario {
  std::uint64_t max_message_elements;
  double threshold;
};

class NearDuplicateScenario : public ::testing::TestWithParam<Scenario> {
 protected:
  void TearDown() override { Comm::set_max_message_elements(INT32_MAX); }
};

TEST_P(NearDuplicateScenario, MatchesSerialReferenceAtAnyRankCount) {
  const Comm comm;
  const auto scenario = GetParam();
  Comm::set_max_message_elements(scenario.max_message_elements);
  NearDuplicateConfig config;
  config.threshold = scenario.threshold;
  std::vector<TextItem> all;
  const auto texts = testing::near_duplicate_texts(60, 8, 99);
  for (std::size_t i = 0; i < texts.size(); ++i) {
    all.push_back(item(hash_string(std::to_string(i)), texts[i].text));
    if (i % 17 == 0) all.push_back(all.back());  // the same post held by two ranks
  }
  all.push_back(item(hash_string("empty"), "@a https://t.co/z"));
  auto mine = testing::strided_share(all, comm);
  const auto report = assign_near_duplicate_keys(mine, config, comm);
  std::vector<std::uint64_t> keys;
  for (const auto& it : mine) keys.push_back(it.cluster.value);
  const auto gathered = comm.allgatherv<std::uint64_t>(keys);
  const auto expected = reference::near_duplicate_keys_all_pairs(all, config);
  // allgatherv concatenates rank shares; rebuild the global order of the strided split.
  const auto p = static_cast<std::size_t>(comm.size());
  std::vector<std::size_t> offset(p, 0);
  for (std::size_t r = 1; r < p; ++r) offset[r] = offset[r - 1] + (all.size() + p - r) / p;
  std::size_t clustered = 0;
  for (std::size_t i = 0; i < all.size(); ++i) {
    const auto got = gathered[offset[i % p] + i / p];
    EXPECT_EQ(got, expected[i].value) << i;
    clustered += expected[i].value != all[i].content.value;
  }
  // Not the trivial answer: many items join a smaller content's cluster (153 of 510 at
  // t = 0.9), and no two of the 60 families (disjoint random words) merge.
  EXPECT_GT(clustered, all.size() / 4);
  std::set<std::uint64_t> distinct(gathered.begin(), gathered.end());
  EXPECT_GE(distinct.size(), 61u);
  EXPECT_TRUE(report.converged);
  EXPECT_EQ(report.truncated_buckets, 0u);
}

INSTANTIATE_TEST_SUITE_P(Scenarios, NearDuplicateScenario,
                         ::testing::Values(Scenario{INT32_MAX, 0.7}, Scenario{64, 0.5},
                                           Scenario{INT32_MAX, 0.9}));

// A chain: text i is words 4i .. 4i+39 of one sequence, so neighbours share 34 of 42 shingles
// (J = 0.81) and texts two apart 30 of 46 (J = 0.65): the smallest content (100) is many hops
// from the other end. Two rounds of label propagation cannot carry it there, and say so; every
// label is still a content of the chain.
std::vector<TextItem> chain_items() {
  std::vector<TextItem> items;
  for (int i = 0; i < 12; ++i) {
    std::string text;
    for (int w = 4 * i; w < 4 * i + 40; ++w) text += "w" + std::to_string(w) + " ";
    items.push_back(item(100 + static_cast<std::uint64_t>(i), text));
  }
  return items;
}

TEST_F(NearDuplicateTest, LabelPropagationConvergesOnAChainOrReportsTheRoundLimit) {
  const Comm comm;
  auto mine = testing::strided_share(chain_items(), comm);
  const auto report = assign_near_duplicate_keys(mine, NearDuplicateConfig{}, comm);
  EXPECT_TRUE(report.converged);
  EXPECT_GT(report.rounds, 3u);
  for (const auto& it : mine) EXPECT_EQ(it.cluster.value, 100u);

  auto limited = testing::strided_share(chain_items(), comm);
  NearDuplicateConfig config;
  config.max_rounds = 2;
  const auto cut = assign_near_duplicate_keys(limited, config, comm);
  EXPECT_FALSE(cut.converged);
  EXPECT_EQ(cut.rounds, 2u);
  std::uint64_t reached = 0;
  for (const auto& it : limited) {
    EXPECT_GE(it.cluster.value, 100u);
    EXPECT_LE(it.cluster.value, it.content.value);
    reached += it.cluster.value == 100u;
  }
  EXPECT_LT(comm.allreduce(reached, ReduceOp::sum), 12u);
}

// A bucket larger than max_bucket_size is verified against its first members only, and says so.
TEST_F(NearDuplicateTest, LargeBucketsAreTruncatedAndReported) {
  const Comm comm;
  std::vector<TextItem> all;
  const std::string base = "one two three four five six seven eight nine ten eleven twelve";
  for (int i = 0; i < 12; ++i) all.push_back(item(100 + i, base + " extra" + std::to_string(i)));
  auto mine = testing::strided_share(all, comm);
  NearDuplicateConfig config;
  config.max_bucket_size = 4;
  const auto report = assign_near_duplicate_keys(mine, config, comm);
  EXPECT_GT(report.truncated_buckets, 0u);
  for (const auto& it : mine) EXPECT_EQ(it.cluster.value, 100u);
}

}  // namespace
}  // namespace coordnet
