// Field-by-field comparison of co-action edge lists (distributed kernel vs serial reference).
#pragma once

#include <gtest/gtest.h>

#include <vector>

#include "kernels/coaction.hpp"

namespace coordnet::testing {

inline void expect_same_edges(const std::vector<CoactionEdge>& got,
                              const std::vector<CoactionEdge>& expected) {
  ASSERT_EQ(got.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const auto& g = got[i];
    const auto& e = expected[i];
    SCOPED_TRACE(::testing::Message()
                 << "edge " << i << " (" << e.src.value << ", " << e.dst.value << ")");
    EXPECT_EQ(g.src, e.src);
    EXPECT_EQ(g.dst, e.dst);
    EXPECT_EQ(g.count, e.count);
    EXPECT_EQ(g.n_keys, e.n_keys);
    EXPECT_EQ(g.n_fast, e.n_fast);
    EXPECT_EQ(g.min_delay_ms, e.min_delay_ms);
    EXPECT_EQ(g.sum_delay_ms, e.sum_delay_ms);
    EXPECT_EQ(g.first_ms, e.first_ms);
    EXPECT_EQ(g.last_ms, e.last_ms);
    EXPECT_EQ(g.n_older, e.n_older);
    EXPECT_EQ(g.n_newer, e.n_newer);
    EXPECT_EQ(g.tfidf_dot, e.tfidf_dot);
    EXPECT_EQ(g.weight, e.weight);
  }
}

}  // namespace coordnet::testing
