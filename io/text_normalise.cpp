#include "io/text_normalise.hpp"

#include <vector>

namespace coordnet {
namespace {

constexpr bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

constexpr bool is_ascii_punct(char c) {
  return (c >= '!' && c <= '/') || (c >= ':' && c <= '@') || (c >= '[' && c <= '`') ||
         (c >= '{' && c <= '~');
}

std::vector<std::string_view> split_on_space(std::string_view text) {
  std::vector<std::string_view> tokens;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && is_space(text[i])) ++i;
    const auto begin = i;
    while (i < text.size() && !is_space(text[i])) ++i;
    if (i > begin) tokens.push_back(text.substr(begin, i - begin));
  }
  return tokens;
}

std::string ascii_lower(std::string_view token) {
  std::string lower(token);
  for (auto& c : lower) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return lower;
}

bool is_url(std::string_view token) {
  return token.starts_with("http://") || token.starts_with("https://") || token.starts_with("www.");
}

// The word a token contributes (lower-cased, trimmed), or "" for mentions, URLs and punctuation.
std::string word_of(std::string_view token) {
  auto word = ascii_lower(token);
  std::size_t begin = 0;
  while (begin < word.size() && is_ascii_punct(word[begin]) && word[begin] != '@') ++begin;
  std::string_view rest = std::string_view(word).substr(begin);
  if (rest.starts_with('@') || is_url(rest)) return {};
  while (!rest.empty() && is_ascii_punct(rest.back())) rest.remove_suffix(1);
  return std::string(rest);
}

}  // namespace

std::string normalise_text(std::string_view text) {
  const auto tokens = split_on_space(text);
  std::string out;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    const bool retweet_prefix = out.empty() && ascii_lower(tokens[i]) == "rt" &&
                                i + 1 < tokens.size() && tokens[i + 1].starts_with('@');
    if (retweet_prefix) continue;
    const auto word = word_of(tokens[i]);
    if (word.empty()) continue;
    if (!out.empty()) out.push_back(' ');
    out += word;
  }
  return out;
}

}  // namespace coordnet
