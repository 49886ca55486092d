#include "io/timestamp.hpp"

#include <bit>
#include <charconv>
#include <cstdint>
#include <cstring>

namespace coordnet {

namespace {

bool read_digits(std::string_view text, std::size_t& pos, std::size_t count, int& out) {
  if (pos + count > text.size()) return false;
  int value = 0;
  for (std::size_t i = 0; i < count; ++i) {
    const char c = text[pos + i];
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  out = value;
  pos += count;
  return true;
}

bool expect(std::string_view text, std::size_t& pos, char c) {
  if (pos < text.size() && text[pos] == c) {
    ++pos;
    return true;
  }
  return false;
}

// The value of 8 ASCII digits loaded little-endian (the first digit in the low byte), or -1
// when a byte is not a digit: digits are pairwise, then fourwise, then eightwise combined by
// multiplication (three multiplies instead of eight dependent steps).
std::int64_t eight_digits(std::uint64_t chunk) {
  constexpr std::uint64_t kHighNibbles = 0xF0F0F0F0F0F0F0F0;
  constexpr std::uint64_t kZeros = 0x3030303030303030;
  if ((chunk & kHighNibbles) != kZeros || ((chunk + 0x0606060606060606) & kHighNibbles) != kZeros) {
    return -1;
  }
  chunk -= kZeros;
  chunk = (chunk * 10 + (chunk >> 8)) & 0x00FF00FF00FF00FF;
  chunk = (chunk * 100 + (chunk >> 16)) & 0x0000FFFF0000FFFF;
  chunk = (chunk * 10000 + (chunk >> 32)) & 0xFFFFFFFF;
  return static_cast<std::int64_t>(chunk);
}

// Ten digits and at most three decimals ("1623881091", "1623881091.250": Unix seconds from
// 2001-09-09 to 2286-11-20), most inputs' forms, in ms; -1 for any other text.
TimeMs common_unix_ms(std::string_view text) {
  if (text.size() < 10 || text.size() > 14 || text.size() == 11 ||
      std::endian::native != std::endian::little) {
    return -1;
  }
  std::uint64_t chunk = 0;
  std::memcpy(&chunk, text.data(), sizeof(chunk));
  const auto high = eight_digits(chunk);
  const char d8 = text[8], d9 = text[9];
  if (high < 0 || d8 < '0' || d8 > '9' || d9 < '0' || d9 > '9') return -1;
  TimeMs ms = (high * 100 + (d8 - '0') * 10 + (d9 - '0')) * 1000;
  if (text.size() == 10) return ms;
  if (text[10] != '.') return -1;
  int scale = 100;
  for (std::size_t i = 11; i < text.size(); ++i, scale /= 10) {
    if (text[i] < '0' || text[i] > '9') return -1;
    ms += (text[i] - '0') * scale;
  }
  return ms;
}

}  // namespace

TimeMs unix_seconds_ms(std::string_view text) {
  if (const TimeMs t = common_unix_ms(text); t >= 0) return t;
  if (text.empty()) return kUnknownTime;
  bool negative = false;
  std::size_t pos = 0;
  if (text[0] == '-') {
    negative = true;
    pos = 1;
  }
  std::int64_t seconds = 0;
  const auto [end, ec] = std::from_chars(text.data() + pos, text.data() + text.size(), seconds);
  // seconds < 0: a second sign ("--5").
  if (ec != std::errc() || end == text.data() + pos || seconds < 0) return kUnknownTime;
  std::size_t rest = static_cast<std::size_t>(end - text.data());
  std::int64_t millis = 0;
  if (rest < text.size()) {
    if (text[rest] != '.') return kUnknownTime;
    ++rest;
    if (rest == text.size()) return kUnknownTime;
    int scale = 100;
    for (; rest < text.size(); ++rest) {
      const char c = text[rest];
      if (c < '0' || c > '9') return kUnknownTime;
      millis += (c - '0') * scale;
      scale /= 10;
    }
  }
  TimeMs t = 0;
  if (__builtin_mul_overflow(seconds, 1000, &t) || __builtin_add_overflow(t, millis, &t)) {
    return kUnknownTime;  // past the year 292 million
  }
  return negative ? -t : t;
}

TimeMs iso8601_ms(std::string_view text) {
  std::size_t pos = 0;
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!read_digits(text, pos, 4, year) || !expect(text, pos, '-') ||
      !read_digits(text, pos, 2, month) || !expect(text, pos, '-') ||
      !read_digits(text, pos, 2, day)) {
    return kUnknownTime;
  }
  if (month < 1 || month > 12 || day < 1 || day > 31) return kUnknownTime;
  std::int64_t millis = 0;
  if (pos < text.size()) {
    if (text[pos] != 'T' && text[pos] != ' ') return kUnknownTime;
    ++pos;
    if (!read_digits(text, pos, 2, hour) || !expect(text, pos, ':') ||
        !read_digits(text, pos, 2, minute)) {
      return kUnknownTime;
    }
    if (expect(text, pos, ':') && !read_digits(text, pos, 2, second)) return kUnknownTime;
    if (expect(text, pos, '.')) {
      int scale = 100;
      const std::size_t start = pos;
      while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
        millis += (text[pos] - '0') * scale;
        scale /= 10;
        ++pos;
      }
      if (pos == start) return kUnknownTime;
    }
  }
  if (hour > 23 || minute > 59 || second > 60) return kUnknownTime;
  std::int64_t offset_minutes = 0;
  if (pos < text.size()) {
    const char sign = text[pos];
    if (sign == 'Z' || sign == 'z') {
      ++pos;
    } else if (sign == '+' || sign == '-') {
      ++pos;
      int oh = 0, om = 0;
      if (!read_digits(text, pos, 2, oh)) return kUnknownTime;
      expect(text, pos, ':');
      if (!read_digits(text, pos, 2, om)) return kUnknownTime;
      offset_minutes = (sign == '+' ? 1 : -1) * (oh * 60 + om);
    } else {
      return kUnknownTime;
    }
  }
  if (pos != text.size()) return kUnknownTime;
  const std::int64_t days =
      days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  const std::int64_t seconds =
      days * 86400 + hour * 3600 + minute * 60 + second - offset_minutes * 60;
  return seconds * 1000 + millis;
}

TimeMs timestamp_ms(std::string_view text) {
  // A '-' fifth ("2021-01-17"): no Unix time has one there.
  if (text.size() > 4 && text[4] == '-') return iso8601_ms(text);
  if (const TimeMs t = unix_seconds_ms(text); t != kUnknownTime) return t;
  return iso8601_ms(text);
}

}  // namespace coordnet
