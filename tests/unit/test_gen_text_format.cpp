// The generator's formatting helpers (gen/text_format.hpp): decimal numbers as std::to_chars
// writes them, short texts copied exactly (nothing written past their end), dates, times and
// CSV fields.
#include <gtest/gtest.h>

#include <charconv>
#include <cstdint>
#include <limits>
#include <string>

#include "gen/text_format.hpp"

namespace coordnet::gen {
namespace {

std::string uint_text(std::uint64_t value) {
  char text[kMaxUintChars];
  return {text, write_uint(value, text)};
}

std::string to_chars_text(std::uint64_t value) {
  char text[kMaxUintChars];
  return {text, std::to_chars(text, text + sizeof(text), value).ptr};
}

TEST(GenTextFormat, UintAtBlockBoundaries) {
  EXPECT_EQ(uint_text(0), "0");
  EXPECT_EQ(uint_text(99'999'999), "99999999");
  EXPECT_EQ(uint_text(100'000'000), "100000000");
  EXPECT_EQ(uint_text(100'000'007), "100000007");
  EXPECT_EQ(uint_text(9'999'999'999'999'999), "9999999999999999");
  EXPECT_EQ(uint_text(10'000'000'000'000'000), "10000000000000000");
  EXPECT_EQ(uint_text(1'234'567'890'123'456'789), "1234567890123456789");
  EXPECT_EQ(uint_text(std::numeric_limits<std::uint64_t>::max()), "18446744073709551615");
}

TEST(GenTextFormat, UintMatchesToChars) {
  for (std::uint64_t power = 1; power <= 10'000'000'000'000'000'000ULL; power *= 10) {
    for (const std::uint64_t value : {power - 1, power, power + 1, 3 * power + 70'000'001}) {
      EXPECT_EQ(uint_text(value), to_chars_text(value)) << value;
    }
    if (power > std::numeric_limits<std::uint64_t>::max() / 10) break;
  }
  std::uint64_t x = 1;
  for (int i = 0; i < 100'000; ++i) {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    const std::uint64_t value = x >> (x % 64);  // every length
    ASSERT_EQ(uint_text(value), to_chars_text(value)) << value;
  }
}

TEST(GenTextFormat, TextOfEveryShortLengthIsCopiedExactly) {
  const std::string source = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJ";
  for (std::size_t n = 0; n <= 40; ++n) {
    std::string buffer(64, '#');
    char* end = write_text(std::string_view(source).substr(0, n), buffer.data());
    EXPECT_EQ(end - buffer.data(), static_cast<std::ptrdiff_t>(n));
    EXPECT_EQ(buffer, source.substr(0, n) + std::string(64 - n, '#')) << n;
  }
}

TEST(GenTextFormat, TimesAndDates) {
  char text[kMaxMinuteTimeChars];
  EXPECT_EQ(std::string(text, write_date(0, text)), "1970-01-01");
  EXPECT_EQ(std::string(text, write_date(19'675, text)), "2023-11-14");
  EXPECT_EQ(std::string(text, write_unix_seconds_ms(1'699'920'000'123, text)), "1699920000.123");
  EXPECT_EQ(std::string(text, write_unix_seconds_ms(5, text)), "0.005");
  EXPECT_EQ(std::string(text, write_minute_time(1'699'920'000'000 + 72'300'000, text)),
            "2023-11-14 20:05");
}

TEST(GenTextFormat, CsvFieldQuotesOnlyWhenNeeded) {
  char text[64];
  EXPECT_EQ(std::string(text, write_csv_field("London", text)), "London");
  EXPECT_EQ(std::string(text, write_csv_field("", text)), "");
  EXPECT_EQ(std::string(text, write_csv_field("Houston, TX", text)), "\"Houston, TX\"");
  EXPECT_EQ(std::string(text, write_csv_field("say \"hi\"", text)), "\"say \"\"hi\"\"\"");
  std::string appended = "x";
  append_csv_field("a\nb", appended);
  EXPECT_EQ(appended, "x\"a\nb\"");
}

}  // namespace
}  // namespace coordnet::gen
