#include "kernels/text_sketch.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/hash.hpp"

namespace coordnet {
namespace {

// Word start offsets of a normalised text (words separated by single spaces).
std::vector<std::size_t> word_starts(std::string_view text) {
  std::vector<std::size_t> starts;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != ' ' && (i == 0 || text[i - 1] == ' ')) starts.push_back(i);
  }
  return starts;
}

}  // namespace

LshBands choose_lsh_bands(double threshold) {
  LshBands chosen{static_cast<std::uint32_t>(kMinHashSlots), 1};
  for (std::uint32_t rows = 1; rows <= kMinHashSlots; ++rows) {
    const LshBands lsh{static_cast<std::uint32_t>(kMinHashSlots / rows), rows};
    if (candidate_probability(threshold, lsh) >= 0.9) chosen = lsh;
  }
  return chosen;
}

double candidate_probability(double similarity, LshBands lsh) {
  return 1.0 - std::pow(1.0 - std::pow(similarity, lsh.rows), lsh.bands);
}

MinHashSignature minhash_signature(std::string_view normalised, std::uint32_t shingle_words) {
  MinHashSignature signature;
  signature.fill(std::numeric_limits<std::uint64_t>::max());
  const auto starts = word_starts(normalised);
  if (starts.empty()) return signature;
  const std::size_t k = std::max<std::size_t>(1, shingle_words);
  const std::size_t n_shingles = starts.size() >= k ? starts.size() - k + 1 : 1;
  for (std::size_t i = 0; i < n_shingles; ++i) {
    const auto last = i + k < starts.size() ? starts[i + k] - 1 : normalised.size();
    const std::uint64_t shingle = hash_string(normalised.substr(starts[i], last - starts[i]));
    for (std::size_t j = 0; j < kMinHashSlots; ++j) {
      signature[j] = std::min(signature[j], XXH3_64bits_withSeed(&shingle, sizeof(shingle), j + 1));
    }
  }
  return signature;
}

std::vector<std::uint64_t> band_keys(const MinHashSignature& signature, LshBands lsh) {
  std::vector<std::uint64_t> keys;
  if (is_empty_signature(signature)) return keys;
  for (std::uint32_t band = 0; band < lsh.bands; ++band) {
    keys.push_back(XXH3_64bits_withSeed(signature.data() + band * lsh.rows,
                                        lsh.rows * sizeof(std::uint64_t), band + 1));
  }
  return keys;
}

TextSketch sketch_text(std::string_view normalised, const NearDuplicateConfig& config) {
  TextSketch sketch{minhash_signature(normalised, config.shingle_words), {}};
  sketch.band_keys = band_keys(sketch.signature, choose_lsh_bands(config.threshold));
  return sketch;
}

bool is_empty_signature(const MinHashSignature& signature) {
  return std::all_of(signature.begin(), signature.end(), [](std::uint64_t v) {
    return v == std::numeric_limits<std::uint64_t>::max();
  });
}

std::uint32_t matching_slots(const MinHashSignature& a, const MinHashSignature& b) {
  std::uint32_t equal = 0;
  for (std::size_t j = 0; j < kMinHashSlots; ++j) equal += a[j] == b[j];
  return equal;
}

std::uint32_t min_matching_slots(double threshold) {
  return static_cast<std::uint32_t>(std::ceil(threshold * kMinHashSlots - 1e-9));
}

}  // namespace coordnet
