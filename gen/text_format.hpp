// Small formatting helpers shared by the generator's writers: numbers, times, dates and CSV
// fields. write_* put the text into a char buffer the caller made room for (the bound is given
// with each) and return the end of what they wrote; append_* add it to a std::string.
#pragma once

#include <charconv>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "core/ids.hpp"

namespace coordnet::gen {

inline constexpr std::size_t kMaxUintChars = 20;
inline constexpr std::size_t kMaxUnixSecondsMsChars = kMaxUintChars + 4;
inline constexpr std::size_t kMaxDateChars = kMaxUintChars + 6;
inline constexpr std::size_t kMaxMinuteTimeChars = kMaxDateChars + 6;

// Words and names are short: up to 32 chars are copied as two overlapping fixed-size blocks
// (inlined), not by a call to memcpy.
inline char* write_text(std::string_view text, char* out) {
  const char* from = text.data();
  const std::size_t n = text.size();
  if (n >= 16 && n <= 32) {
    std::memcpy(out, from, 16);
    std::memcpy(out + n - 16, from + n - 16, 16);
  } else if (n >= 8 && n < 16) {
    std::memcpy(out, from, 8);
    std::memcpy(out + n - 8, from + n - 8, 8);
  } else if (n >= 4 && n < 8) {
    std::memcpy(out, from, 4);
    std::memcpy(out + n - 4, from + n - 4, 4);
  } else if (n < 4) {
    for (std::size_t i = 0; i < n; ++i) out[i] = from[i];
  } else {
    std::memcpy(out, from, n);
  }
  return out + n;
}

// "00".."99", two chars each.
inline constexpr char kDigitPairs[] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

// Exactly 8 digits (leading zeros) of value < 10^8.
inline char* write_8_digits(std::uint32_t value, char* out) {
  const std::uint32_t high = value / 10'000;
  const std::uint32_t low = value % 10'000;
  std::memcpy(out, kDigitPairs + 2 * (high / 100), 2);
  std::memcpy(out + 2, kDigitPairs + 2 * (high % 100), 2);
  std::memcpy(out + 4, kDigitPairs + 2 * (low / 100), 2);
  std::memcpy(out + 6, kDigitPairs + 2 * (low % 100), 2);
  return out + 8;
}

// Decimal, as std::to_chars writes it. Long numbers (tweet and account ids have 19 digits) are
// cut into blocks of 8 digits that are formatted independently, not digit pair after pair.
inline char* write_uint(std::uint64_t value, char* out) {
  constexpr std::uint64_t k8 = 100'000'000;
  if (value < k8) return std::to_chars(out, out + 8, static_cast<std::uint32_t>(value)).ptr;
  const auto low = static_cast<std::uint32_t>(value % k8);
  const std::uint64_t high = value / k8;
  if (high < k8) {
    out = std::to_chars(out, out + 8, static_cast<std::uint32_t>(high)).ptr;
  } else {
    out = std::to_chars(out, out + 4, static_cast<std::uint32_t>(high / k8)).ptr;
    out = write_8_digits(static_cast<std::uint32_t>(high % k8), out);
  }
  return write_8_digits(low, out);
}

inline char* write_two_digits(unsigned value, char* out) {
  out[0] = static_cast<char>('0' + value / 10);
  out[1] = static_cast<char>('0' + value % 10);
  return out + 2;
}

// Unix seconds with milliseconds: "1699920000.123".
inline char* write_unix_seconds_ms(TimeMs t_ms, char* out) {
  out = write_uint(static_cast<std::uint64_t>(t_ms / 1000), out);
  const auto ms = static_cast<unsigned>(t_ms % 1000);
  out[0] = '.';
  out[1] = static_cast<char>('0' + ms / 100);
  return write_two_digits(ms % 100, out + 2);
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

// "2023-11-14"
inline char* write_date(std::int64_t days, char* out) {
  const auto date = civil_from_days(days);
  out = write_uint(static_cast<std::uint64_t>(date.year), out);
  *out++ = '-';
  out = write_two_digits(date.month, out);
  *out++ = '-';
  return write_two_digits(date.day, out);
}

// "2023-11-14 20:05" (UTC, minute resolution, as the archive's tweet_time)
inline char* write_minute_time(TimeMs t_ms, char* out) {
  constexpr TimeMs kDay = 86'400'000;
  out = write_date(t_ms / kDay, out);
  const auto minute_of_day = static_cast<unsigned>(t_ms % kDay / 60'000);
  *out++ = ' ';
  out = write_two_digits(minute_of_day / 60, out);
  *out++ = ':';
  return write_two_digits(minute_of_day % 60, out);
}

// Writes a CSV field, quoted (with doubled quotes) when it holds a comma, quote or line break:
// at most 2 * text.size() + 2 chars.
inline char* write_csv_field(std::string_view text, char* out) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) return write_text(text, out);
  *out++ = '"';
  for (const char ch : text) {
    if (ch == '"') *out++ = '"';
    *out++ = ch;
  }
  *out++ = '"';
  return out;
}

inline void append_uint(std::uint64_t value, std::string& out) {
  char buffer[kMaxUintChars];
  out.append(buffer, write_uint(value, buffer));
}

inline void append_date(std::int64_t days, std::string& out) {
  char buffer[kMaxDateChars];
  out.append(buffer, write_date(days, buffer));
}

inline void append_minute_time(TimeMs t_ms, std::string& out) {
  char buffer[kMaxMinuteTimeChars];
  out.append(buffer, write_minute_time(t_ms, buffer));
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
