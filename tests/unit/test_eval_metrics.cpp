// ARI and NMI (eval/metrics.hpp) on partitions whose values are worked out by hand.
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "eval/metrics.hpp"

namespace coordnet::eval {
namespace {

using Labels = std::vector<std::int64_t>;

// truth {a b | c d}, predicted {a b | c | d}: contingency (0,0)=2 (1,1)=1 (1,2)=1.
// ARI: index C(2,2) = 1, rows C(2,2)+C(2,2) = 2, columns 1, expected 2*1/C(4,2) = 1/3,
// max (2+1)/2 = 3/2: (1 - 1/3) / (3/2 - 1/3) = 4/7.
// NMI: I = ln 2, H(truth) = ln 2, H(pred) = 3/2 ln 2: ln 2 / (5/4 ln 2) = 4/5.
TEST(EvalMetrics, SplitOneClusterOfTwo) {
  const Labels truth = {0, 0, 1, 1};
  const Labels predicted = {7, 7, 8, 9};
  EXPECT_DOUBLE_EQ(adjusted_rand_index(truth, predicted), 4.0 / 7.0);
  EXPECT_DOUBLE_EQ(normalized_mutual_information(truth, predicted), 0.8);
}

TEST(EvalMetrics, LabelNamesDoNotMatter) {
  const Labels truth = {0, 0, 1, 1, 2};
  const Labels renamed = {5, 5, -3, -3, 40};
  EXPECT_DOUBLE_EQ(adjusted_rand_index(truth, renamed), 1.0);
  EXPECT_DOUBLE_EQ(normalized_mutual_information(truth, renamed), 1.0);
}

TEST(EvalMetrics, TrivialPartitions) {
  const Labels one_cluster = {1, 1, 1, 1};
  const Labels singletons = {1, 2, 3, 4};
  EXPECT_DOUBLE_EQ(adjusted_rand_index(one_cluster, one_cluster), 1.0);
  EXPECT_DOUBLE_EQ(normalized_mutual_information(one_cluster, one_cluster), 1.0);
  EXPECT_DOUBLE_EQ(adjusted_rand_index(singletons, singletons), 1.0);
  EXPECT_DOUBLE_EQ(adjusted_rand_index(one_cluster, singletons), 0.0);
  EXPECT_DOUBLE_EQ(normalized_mutual_information(one_cluster, singletons), 0.0);
}

}  // namespace
}  // namespace coordnet::eval
