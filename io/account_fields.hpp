// The account profile fields of the readers (docs/inputs.md "Account profile"): creation time,
// language of the post and reported location or time zone. Every reader that has them reads them
// with these functions, so the same cell means the same thing in every format.
//
// A missing value (empty cell, `nan`, `NaN`, `None`; for the language also `und`, Twitter's
// "undetermined") is unknown, never zero or empty-but-known.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/ids.hpp"
#include "io/action_sink.hpp"
#include "io/record_parser.hpp"

namespace coordnet {

// Longest language and location kept (longer locations are cut at a UTF-8 boundary).
inline constexpr std::size_t kMaxLanguageBytes = 32;
inline constexpr std::size_t kMaxLocationBytes = 64;

// An account's creation time: what parse_timestamp accepts (unix seconds, ISO-8601, a date
// `2016-05-01`), or missing (kUnknownTime). Anything else is `bad_creation_time`.
std::optional<Rejection> read_creation_time(std::string_view text, std::string_view column,
                                            TimeMs& created_ms);

// A post's language as given (`en`, `zh-cn`, `English`, `Farsi (Persian)`), trimmed; empty when
// missing or `und`. Longer than kMaxLanguageBytes or holding a control character:
// `bad_language`.
std::optional<Rejection> read_language(std::string_view text, std::string_view column,
                                       std::string_view& language);

// A reported location or time zone, free text, trimmed and cut to kMaxLocationBytes; empty when
// missing. Never rejected.
std::string_view read_location(std::string_view text);

// A profile column of a CSV reader: its position in the record and its name (for details).
struct ProfileColumn {
  std::size_t position;
  std::string name;
};

// Where a CSV reader finds the profile fields; an absent column leaves the field unknown.
struct ProfileColumns {
  std::optional<ProfileColumn> created, language, location;
};

// Reads the profile fields of one record into `action` (views into `fields`).
std::optional<Rejection> read_profile(std::span<const std::string_view> fields,
                                      const ProfileColumns& columns, ParsedAction& action);

}  // namespace coordnet
