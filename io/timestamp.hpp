// Parsing of the time formats found in social-media exports, to integer milliseconds (UTC).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "core/ids.hpp"

namespace coordnet {

// The parsers give kUnknownTime (which no text gives) for a text they do not accept; the
// std::optional forms below wrap them inline. Out of line, GCC 12 returns a std::optional<TimeMs>
// through the stack, from an 8-byte and a 1-byte store read back by one 16-byte load: a
// store-forwarding stall on every record (parse_timestamp took 15 ns a call on ten digits, 7-8 ns
// returning a plain integer).

// "1623881091" or "1623881091.25" (seconds since the Unix epoch; fractions kept to the ms).
TimeMs unix_seconds_ms(std::string_view text);

// ISO-8601 / RFC 3339 and the space-separated variants: "2021-01-17T10:00:00Z",
// "2021-01-17T10:00:00.123+02:00", "2021-01-17 10:00:00", "2021-01-17 10:00" (minute resolution,
// as in the X/Twitter information-operations archive). No offset means UTC.
TimeMs iso8601_ms(std::string_view text);

// Unix seconds if the text is numeric, otherwise ISO-8601.
TimeMs timestamp_ms(std::string_view text);

inline std::optional<TimeMs> known_time(TimeMs t) {
  return t == kUnknownTime ? std::nullopt : std::optional<TimeMs>(t);
}
inline std::optional<TimeMs> parse_unix_seconds(std::string_view text) {
  return known_time(unix_seconds_ms(text));
}
inline std::optional<TimeMs> parse_iso8601(std::string_view text) {
  return known_time(iso8601_ms(text));
}
inline std::optional<TimeMs> parse_timestamp(std::string_view text) {
  return known_time(timestamp_ms(text));
}

// Creation time encoded in a Twitter snowflake id (ids since November 2010), in ms.
constexpr TimeMs snowflake_time_ms(std::uint64_t tweet_id) {
  return static_cast<TimeMs>(tweet_id >> 22) + 1288834974657LL;
}

// Twitter snowflake ids start in November 2010: smaller ids carry no time.
constexpr bool is_snowflake(std::uint64_t tweet_id) { return tweet_id >= (1ULL << 32); }

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
constexpr std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

}  // namespace coordnet
