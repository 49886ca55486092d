// Small formatting helpers shared by the generator's writers: numbers, times, dates and CSV
// fields, appended to a std::string without temporaries.
#pragma once

#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/ids.hpp"

namespace coordnet::gen {

inline void append_uint(std::uint64_t value, std::string& out) {
  char buffer[24];
  const auto end = std::to_chars(buffer, buffer + sizeof(buffer), value).ptr;
  out.append(buffer, end);
}

// Unix seconds with milliseconds: "1699920000.123".
inline void append_unix_seconds_ms(TimeMs t_ms, std::string& out) {
  append_uint(static_cast<std::uint64_t>(t_ms / 1000), out);
  const auto ms = static_cast<int>(t_ms % 1000);
  const char digits[4] = {'.', static_cast<char>('0' + ms / 100),
                          static_cast<char>('0' + ms / 10 % 10), static_cast<char>('0' + ms % 10)};
  out.append(digits, 4);
}

struct CivilDate {
  std::int64_t year;
  unsigned month;
  unsigned day;
};

// The proleptic Gregorian date of a day count since 1970-01-01 (H. Hinnant's civil_from_days).
constexpr CivilDate civil_from_days(std::int64_t z) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2), m, d};
}

inline void append_two_digits(unsigned value, std::string& out) {
  out.push_back(static_cast<char>('0' + value / 10));
  out.push_back(static_cast<char>('0' + value % 10));
}

// "2023-11-14"
inline void append_date(std::int64_t days, std::string& out) {
  const auto date = civil_from_days(days);
  append_uint(static_cast<std::uint64_t>(date.year), out);
  out.push_back('-');
  append_two_digits(date.month, out);
  out.push_back('-');
  append_two_digits(date.day, out);
}

// "2023-11-14 20:05" (UTC, minute resolution, as the archive's tweet_time)
inline void append_minute_time(TimeMs t_ms, std::string& out) {
  constexpr TimeMs kDay = 86'400'000;
  append_date(t_ms / kDay, out);
  const auto minute_of_day = static_cast<unsigned>(t_ms % kDay / 60'000);
  out.push_back(' ');
  append_two_digits(minute_of_day / 60, out);
  out.push_back(':');
  append_two_digits(minute_of_day % 60, out);
}

// Appends a CSV field, quoted (with doubled quotes) when it holds a comma, quote or line break.
inline void append_csv_field(std::string_view text, std::string& out) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) {
    out.append(text);
    return;
  }
  out.push_back('"');
  for (const char ch : text) {
    if (ch == '"') out.push_back('"');
    out.push_back(ch);
  }
  out.push_back('"');
}

}  // namespace coordnet::gen
