// MinHash signatures and LSH band keys of normalised texts (word shingles), for near-duplicate
// detection (kernels/text_similarity.hpp).
//
// Shingles: the normalised text (normalise_text) is split on spaces into words; the shingles are
// the runs of k consecutive words (k = shingle_words, 3 by default), each taken as the substring
// "w_i ... w_{i+k-1}" and hashed with XXH3 (seed 0). A text with fewer than k words has one
// shingle, all its words; an empty text has none.
//
// Signature: kMinHashSlots = 128 slots; slot j holds the minimum over the text's shingles of
// XXH3-64 of the shingle's 8-byte hash with seed j + 1. For two texts, the fraction of equal slots
// estimates the Jaccard similarity of their shingle sets (standard error sqrt(J(1-J)/128), 0.035
// at J = 0.8). An empty text has every slot at 2^64 - 1 and no band keys: it is never a
// near-duplicate of anything.
//
// LSH: the first b * r slots are cut into b bands of r rows; band i's key is XXH3-64 of its r slot
// values with seed i + 1. Two texts with Jaccard s share at least one band key with probability
// 1 - (1 - s^r)^b. choose_lsh_bands picks, for a threshold t, the largest r such that
// b = floor(128 / r) gives a pair at exactly t a chance >= 0.9 (table in docs/algorithms.md).
// Candidates are then verified: near-duplicates have matching_slots >= ceil(t * 128).
#pragma once

#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

namespace coordnet {

inline constexpr std::size_t kMinHashSlots = 128;
using MinHashSignature = std::array<std::uint64_t, kMinHashSlots>;

struct NearDuplicateConfig {
  std::uint32_t shingle_words = 3;
  double threshold = 0.7;  // estimated Jaccard at or above which two texts are near-duplicates
  // LSH buckets with more texts are verified only against their first max_bucket_size texts
  // (in content-hash order) and reported; smaller buckets are verified all pairs.
  std::uint32_t max_bucket_size = 1'000;
  // Rounds of min-label propagation before giving up (reported; labels stay valid sub-clusters).
  std::uint32_t max_rounds = 1'000;
};

struct LshBands {
  std::uint32_t bands = 0;
  std::uint32_t rows = 0;
};

LshBands choose_lsh_bands(double threshold);

// 1 - (1 - s^r)^b: the chance that two texts with Jaccard s share a band key.
double candidate_probability(double similarity, LshBands lsh);

struct TextSketch {
  MinHashSignature signature;
  std::vector<std::uint64_t> band_keys;  // one per band, empty for an empty text
};

TextSketch sketch_text(std::string_view normalised, const NearDuplicateConfig& config);

MinHashSignature minhash_signature(std::string_view normalised, std::uint32_t shingle_words);
std::vector<std::uint64_t> band_keys(const MinHashSignature& signature, LshBands lsh);
bool is_empty_signature(const MinHashSignature& signature);
std::uint32_t matching_slots(const MinHashSignature& a, const MinHashSignature& b);
// ceil(threshold * 128): the matching slots that make two texts near-duplicates.
std::uint32_t min_matching_slots(double threshold);

}  // namespace coordnet
