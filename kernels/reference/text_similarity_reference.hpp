// Serial references for near-duplicate text clusters (tests only), no LSH buckets, no MPI:
//   - exact_jaccard: Jaccard similarity of two normalised texts' word-shingle sets, computed on
//     the shingle strings themselves;
//   - lsh_similar: the kernel's link rule for one pair, checked directly on the signatures
//     (identical, or some band's rows all equal and enough matching slots);
//   - near_duplicate_keys_all_pairs: every pair tested with lsh_similar, union-find, key = the
//     smallest content hash of each component. Same semantics as assign_near_duplicate_keys
//     when no bucket exceeds max_bucket_size and label propagation converges.
#pragma once

#include <algorithm>
#include <numeric>
#include <set>
#include <string>
#include <vector>

#include "kernels/text_similarity.hpp"

namespace coordnet::reference {

inline std::set<std::string> shingle_set(const std::string& normalised, std::uint32_t k) {
  std::vector<std::string> words;
  std::string word;
  for (const char c : normalised + ' ') {
    if (c != ' ') {
      word.push_back(c);
    } else if (!word.empty()) {
      words.push_back(word);
      word.clear();
    }
  }
  std::set<std::string> shingles;
  if (words.empty()) return shingles;
  const std::size_t width = std::min<std::size_t>(k, words.size());
  for (std::size_t i = 0; i + width <= words.size(); ++i) {
    std::string shingle = words[i];
    for (std::size_t j = i + 1; j < i + width; ++j) shingle += ' ' + words[j];
    shingles.insert(shingle);
  }
  return shingles;
}

inline double exact_jaccard(const std::set<std::string>& a, const std::set<std::string>& b) {
  if (a.empty() && b.empty()) return 0.0;
  std::size_t common = 0;
  for (const auto& s : a) common += b.count(s);
  return static_cast<double>(common) / static_cast<double>(a.size() + b.size() - common);
}

// `lsh` and `min_slots` are choose_lsh_bands and min_matching_slots of the threshold.
inline bool lsh_similar(const MinHashSignature& a, const MinHashSignature& b, LshBands lsh,
                        std::uint32_t min_slots) {
  if (is_empty_signature(a) || is_empty_signature(b)) return false;
  if (a == b) return true;
  bool share_band = false;
  for (std::uint32_t band = 0; band < lsh.bands && !share_band; ++band) {
    const auto first = band * lsh.rows;
    share_band = std::equal(a.begin() + first, a.begin() + first + lsh.rows, b.begin() + first);
  }
  return share_band && matching_slots(a, b) >= min_slots;
}

inline std::vector<KeyHash> near_duplicate_keys_all_pairs(const std::vector<TextItem>& items,
                                                          const NearDuplicateConfig& config) {
  const auto lsh = choose_lsh_bands(config.threshold);
  const auto min_slots = min_matching_slots(config.threshold);
  std::vector<std::size_t> parent(items.size());
  std::iota(parent.begin(), parent.end(), std::size_t{0});
  auto find = [&](std::size_t x) {
    while (parent[x] != x) x = parent[x] = parent[parent[x]];
    return x;
  };
  for (std::size_t i = 0; i < items.size(); ++i) {
    for (std::size_t j = i + 1; j < items.size(); ++j) {
      if (items[i].content == items[j].content ||
          lsh_similar(items[i].signature, items[j].signature, lsh, min_slots)) {
        parent[find(i)] = find(j);
      }
    }
  }
  std::vector<ContentHash> smallest(items.size(), ContentHash{~std::uint64_t{0}});
  for (std::size_t i = 0; i < items.size(); ++i) {
    auto& s = smallest[find(i)];
    s = std::min(s, items[i].content);
  }
  std::vector<KeyHash> keys;
  for (std::size_t i = 0; i < items.size(); ++i) keys.push_back(KeyHash{smallest[find(i)].value});
  return keys;
}

}  // namespace coordnet::reference
