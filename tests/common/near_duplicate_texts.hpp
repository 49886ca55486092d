// Generated near-duplicate texts for the text-similarity tests: families of a base message
// (12-30 words from a 5,000-word vocabulary) and variants with 0-6 random word edits
// (substitution, insertion or deletion); some variants are exact copies dressed as retweets
// ("RT @user: ... https://t.co/..."), which normalise to the same text as their source.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace coordnet::testing {

struct GeneratedText {
  std::string text;
  std::uint32_t family;
};

inline std::vector<GeneratedText> near_duplicate_texts(std::uint32_t families,
                                                       std::uint32_t variants, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto word = [&] { return "w" + std::to_string(rng() % 5000); };
  std::vector<GeneratedText> texts;
  for (std::uint32_t f = 0; f < families; ++f) {
    std::vector<std::string> base(12 + rng() % 19);
    for (auto& w : base) w = word();
    for (std::uint32_t v = 0; v < variants; ++v) {
      auto words = base;
      const auto edits = v == 0 ? 0 : rng() % 7;
      for (std::uint64_t e = 0; e < edits; ++e) {
        const auto at = rng() % words.size();
        switch (rng() % 3) {
          case 0:
            words[at] = word();
            break;
          case 1:
            words.insert(words.begin() + static_cast<long>(at), word());
            break;
          default:
            if (words.size() > 2) words.erase(words.begin() + static_cast<long>(at));
        }
      }
      std::string text;
      for (const auto& w : words) text += (text.empty() ? "" : " ") + w;
      if (v > 0 && rng() % 5 == 0) text = texts.back().text;
      if (rng() % 4 == 0) text = "RT @user" + std::to_string(rng() % 100) + ": " + text;
      if (rng() % 4 == 0) text += " https://t.co/" + std::to_string(rng());
      texts.push_back({text, f});
    }
  }
  return texts;
}

}  // namespace coordnet::testing
