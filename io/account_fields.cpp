#include "io/account_fields.hpp"

#include <algorithm>
#include <string>

#include "io/text_escape.hpp"
#include "io/timestamp.hpp"

namespace coordnet {

namespace {

constexpr std::size_t kDetailMaxChars = 80;

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// By comparisons, not find_first_not_of, which calls memchr on the set for every character
// (8% of the ingest of an input with three profile columns).
std::string_view trim(std::string_view text) {
  std::size_t first = 0, last = text.size();
  while (first < last && is_space(text[first])) ++first;
  while (last > first && is_space(text[last - 1])) --last;
  return text.substr(first, last - first);
}

bool is_missing(std::string_view text) {
  return text.empty() || text == "nan" || text == "NaN" || text == "None";
}

Rejection reject(const char* reason, std::string_view column, std::string_view value) {
  return {reason,
          std::string(column) + " '" + std::string(utf8_prefix(value, kDetailMaxChars)) + "'"};
}

}  // namespace

std::optional<Rejection> read_creation_time(std::string_view text, std::string_view column,
                                            TimeMs& created_ms) {
  text = trim(text);
  created_ms = kUnknownTime;
  if (is_missing(text)) return std::nullopt;
  const auto t_ms = parse_timestamp(text);
  if (!t_ms || *t_ms == kUnknownTime) return reject("bad_creation_time", column, text);
  created_ms = *t_ms;
  return std::nullopt;
}

std::optional<Rejection> read_language(std::string_view text, std::string_view column,
                                       std::string_view& language) {
  text = trim(text);
  language = {};
  if (is_missing(text) || text == "und") return std::nullopt;
  const bool control = std::any_of(text.begin(), text.end(),
                                   [](char c) { return static_cast<unsigned char>(c) < 0x20; });
  if (text.size() > kMaxLanguageBytes || control) return reject("bad_language", column, text);
  language = text;
  return std::nullopt;
}

std::string_view read_location(std::string_view text) {
  text = trim(text);
  return is_missing(text) ? std::string_view{} : trim(utf8_prefix(text, kMaxLocationBytes));
}

std::optional<Rejection> read_profile(std::span<const std::string_view> fields,
                                      const ProfileColumns& columns, ParsedAction& action) {
  if (columns.location) action.location = read_location(fields[columns.location->position]);
  if (columns.created) {
    if (auto rejection = read_creation_time(fields[columns.created->position],
                                            columns.created->name, action.created_ms)) {
      return rejection;
    }
  }
  if (!columns.language) return std::nullopt;
  return read_language(fields[columns.language->position], columns.language->name, action.language);
}

}  // namespace coordnet
