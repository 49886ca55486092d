// MinHash signatures and LSH bands: drawn cases, the serial clustering reference, and the recall
// and precision of the LSH link rule against exact shingle Jaccard on generated texts.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/hash.hpp"
#include "io/text_normalise.hpp"
#include "kernels/reference/text_similarity_reference.hpp"
#include "kernels/text_sketch.hpp"
#include "tests/common/near_duplicate_texts.hpp"

namespace coordnet {
namespace {

TEST(LshBands, ChoiceTable) {
  const std::pair<double, LshBands> table[] = {
      {0.5, {42, 3}}, {0.6, {32, 4}}, {0.7, {21, 6}}, {0.8, {16, 8}}, {0.9, {9, 14}}};
  for (const auto& [threshold, expected] : table) {
    const auto lsh = choose_lsh_bands(threshold);
    EXPECT_EQ(lsh.bands, expected.bands) << threshold;
    EXPECT_EQ(lsh.rows, expected.rows) << threshold;
    EXPECT_GE(candidate_probability(threshold, lsh), 0.9);
  }
  EXPECT_EQ(min_matching_slots(0.7), 90u);  // 89.6 rounded up
  EXPECT_EQ(min_matching_slots(0.5), 64u);
}

TEST(MinHash, EmptyTextHasNoBandsAndShortTextIsOneShingle) {
  NearDuplicateConfig config;
  const auto empty = sketch_text("", config);
  EXPECT_TRUE(is_empty_signature(empty.signature));
  EXPECT_TRUE(empty.band_keys.empty());
  EXPECT_EQ(minhash_signature("two words", 3), minhash_signature("two words", 2));
  EXPECT_NE(minhash_signature("two words", 3), minhash_signature("two words", 1));
  EXPECT_EQ(sketch_text("two words", config).band_keys.size(), 21u);
}

TEST(MinHash, EstimateFollowsExactJaccard) {
  // 11 shingles against 10, all 10 shared: J = 10/11.
  const std::string a = "vote for smith on tuesday the only honest choice for our city";
  const std::string b = a + " today";
  const auto exact =
      reference::exact_jaccard(reference::shingle_set(a, 3), reference::shingle_set(b, 3));
  EXPECT_DOUBLE_EQ(exact, 10.0 / 11.0);
  const double estimate =
      matching_slots(minhash_signature(a, 3), minhash_signature(b, 3)) / double(kMinHashSlots);
  EXPECT_NEAR(estimate, exact, 4 * std::sqrt(exact * (1 - exact) / kMinHashSlots));
  EXPECT_EQ(minhash_signature(a, 3), minhash_signature(a, 3));
}

// Contents 5, 3, 9 are one message (a copy dressed as a retweet, one with a word appended);
// 1 is unrelated, 2 is empty after normalisation.
std::vector<TextItem> drawn_items() {
  const std::pair<std::uint64_t, const char*> posts[] = {
      {5, "Vote for Smith on Tuesday, the only honest choice for our city"},
      {3,
       "RT @bot1: Vote for Smith on Tuesday, the only honest choice for our city! "
       "https://t.co/x"},
      {9, "vote for smith on tuesday the only honest choice for our city today"},
      {1, "The weather in the mountains was lovely this weekend with clear skies"},
      {2, "@someone https://t.co/y"}};
  std::vector<TextItem> items;
  for (const auto& [content, text] : posts) {
    items.push_back({ContentHash{content}, minhash_signature(normalise_text(text), 3), {}});
  }
  return items;
}

TEST(NearDuplicateReference, DrawnMessages) {
  const auto keys = reference::near_duplicate_keys_all_pairs(drawn_items(), NearDuplicateConfig{});
  const std::vector<std::uint64_t> expected = {3, 3, 3, 1, 2};
  ASSERT_EQ(keys.size(), expected.size());
  for (std::size_t i = 0; i < keys.size(); ++i) EXPECT_EQ(keys[i].value, expected[i]) << i;
}

std::vector<std::uint64_t> hashed_shingles(const std::string& normalised) {
  std::vector<std::uint64_t> hashes;
  for (const auto& s : reference::shingle_set(normalised, 3)) hashes.push_back(hash_string(s));
  std::sort(hashes.begin(), hashes.end());
  return hashes;
}

double jaccard(const std::vector<std::uint64_t>& a, const std::vector<std::uint64_t>& b) {
  std::size_t common = 0;
  for (std::size_t i = 0, j = 0; i < a.size() && j < b.size();) {
    if (a[i] == b[j]) {
      ++common, ++i, ++j;
    } else if (a[i] < b[j]) {
      ++i;
    } else {
      ++j;
    }
  }
  return static_cast<double>(common) / static_cast<double>(a.size() + b.size() - common);
}

// All pairs of 3,000 generated texts (300 families of 10): recall = share of the pairs with exact
// Jaccard >= t + 0.1 that the LSH rule links directly; precision = share of linked pairs with
// exact Jaccard >= t - 0.1. Figures at t = 0.7 are printed and recorded in docs/algorithms.md.
TEST(NearDuplicateLsh, RecallAndPrecisionAgainstExactJaccard) {
  const NearDuplicateConfig config;
  const auto texts = testing::near_duplicate_texts(300, 10, 2026);
  const auto lsh = choose_lsh_bands(config.threshold);
  const auto min_slots = min_matching_slots(config.threshold);
  std::vector<std::vector<std::uint64_t>> shingles;
  std::vector<MinHashSignature> signatures;
  for (const auto& t : texts) {
    const auto normalised = normalise_text(t.text);
    shingles.push_back(hashed_shingles(normalised));
    signatures.push_back(minhash_signature(normalised, config.shingle_words));
  }
  std::uint64_t high = 0, high_linked = 0, at_threshold = 0, at_threshold_linked = 0;
  std::uint64_t linked = 0, linked_near = 0, linked_above = 0;
  for (std::size_t i = 0; i < texts.size(); ++i) {
    for (std::size_t j = i + 1; j < texts.size(); ++j) {
      const double exact = jaccard(shingles[i], shingles[j]);
      const bool link = reference::lsh_similar(signatures[i], signatures[j], lsh, min_slots);
      high += exact >= config.threshold + 0.1;
      high_linked += link && exact >= config.threshold + 0.1;
      at_threshold += exact >= config.threshold;
      at_threshold_linked += link && exact >= config.threshold;
      linked += link;
      linked_near += link && exact >= config.threshold - 0.1;
      linked_above += link && exact >= config.threshold;
    }
  }
  const double recall = double(high_linked) / double(high);
  const double precision = double(linked_near) / double(linked);
  std::printf(
      "pairs J>=%.1f: %lu, linked %lu (recall %.4f); J>=%.1f: %lu, linked %lu (%.4f); "
      "linked %lu, J>=%.1f %lu (precision %.4f), J>=%.1f %lu (%.4f)\n",
      config.threshold + 0.1, high, high_linked, recall, config.threshold, at_threshold,
      at_threshold_linked, double(at_threshold_linked) / double(at_threshold), linked,
      config.threshold - 0.1, linked_near, precision, config.threshold, linked_above,
      double(linked_above) / double(linked));
  EXPECT_GT(high, 1000u);
  EXPECT_GE(recall, 0.95);
  EXPECT_GE(precision, 0.95);
}

}  // namespace
}  // namespace coordnet
