#include <gtest/gtest.h>

#include "io/timestamp.hpp"

namespace coordnet {
namespace {

TEST(Timestamp, UnixSecondsIntegerAndFractional) {
  EXPECT_EQ(parse_unix_seconds("1623881091"), 1623881091000);
  EXPECT_EQ(parse_unix_seconds("1623881091.25"), 1623881091250);
  EXPECT_EQ(parse_unix_seconds("0.5"), 500);
  EXPECT_FALSE(parse_unix_seconds(""));
  EXPECT_FALSE(parse_unix_seconds("12a"));
  EXPECT_FALSE(parse_unix_seconds("12."));
}

// Found by fuzzing (tests/fuzz/corpus/events_csv/overflowing_timestamp): seconds * 1000 overflowed
// (undefined behaviour) instead of rejecting the value; "--5" was read as 5.
TEST(Timestamp, UnixSecondsOutOfRangeOrDoublySignedAreRejected) {
  EXPECT_FALSE(parse_unix_seconds("17000000200000020"));
  EXPECT_FALSE(parse_unix_seconds("-9223372036854776"));
  EXPECT_FALSE(parse_unix_seconds("9223372036854775.808"));
  EXPECT_EQ(parse_unix_seconds("9223372036854775.807"), 9223372036854775807);
  EXPECT_EQ(parse_unix_seconds("-9223372036854775.807"), -9223372036854775807);
  EXPECT_FALSE(parse_unix_seconds("--5"));
  EXPECT_FALSE(parse_unix_seconds("-"));
  EXPECT_EQ(parse_unix_seconds("-0.5"), -500);
}

// Ten-digit seconds take a path of their own: every digit position counts, and a non-digit
// in any position (bytes just below '0' and just above '9' too) is rejected as before.
TEST(Timestamp, TenDigitSecondsAtEveryPosition) {
  EXPECT_EQ(parse_unix_seconds("0000000000"), 0);
  EXPECT_EQ(parse_unix_seconds("9999999999"), 9999999999000);
  for (std::size_t i = 0; i < 10; ++i) {
    std::string text(10, '0');
    text[i] = '7';
    std::int64_t expected = 7;
    for (std::size_t k = i + 1; k < 10; ++k) expected *= 10;
    EXPECT_EQ(parse_unix_seconds(text), expected * 1000) << text;
    for (const char bad : {'/', ':', 'a', ' ', '\xB0', '\x00'}) {
      text[i] = bad;
      EXPECT_FALSE(parse_unix_seconds(text)) << i << " " << static_cast<int>(bad);
    }
  }
  EXPECT_EQ(parse_unix_seconds("1623881091"), 1623881091000);
  EXPECT_EQ(parse_unix_seconds("-623881091"), -623881091000);
}

// Ten digits with one to three decimals take that path too: every decimal position counts, a
// non-digit there is rejected, and a point with no decimal or four decimals are read as before.
TEST(Timestamp, TenDigitSecondsWithDecimals) {
  for (std::size_t decimals = 1; decimals <= 3; ++decimals) {
    for (std::size_t i = 0; i < decimals; ++i) {
      std::string text = "1623881091." + std::string(decimals, '0');
      text[11 + i] = '7';
      std::int64_t expected = 700;
      for (std::size_t k = 0; k < i; ++k) expected /= 10;
      EXPECT_EQ(parse_unix_seconds(text), 1623881091000 + expected) << text;
      EXPECT_EQ(parse_timestamp(text), 1623881091000 + expected) << text;
      for (const char bad : {'/', ':', 'a', '.', '\x00'}) {
        text[11 + i] = bad;
        EXPECT_FALSE(parse_timestamp(text)) << text;
      }
    }
  }
  EXPECT_EQ(parse_timestamp("1700429952.123"), 1700429952123);
  EXPECT_EQ(parse_timestamp("1700429952.1239"), 1700429952123);
  EXPECT_FALSE(parse_timestamp("1700429952."));
  EXPECT_FALSE(parse_timestamp("1700429952,123"));
  EXPECT_FALSE(parse_timestamp("17004299a2.123"));
}

TEST(Timestamp, Iso8601Variants) {
  // 2021-01-17 = day 18644 since 1970-01-01; 18644 * 86400 = 1610841600.
  EXPECT_EQ(parse_iso8601("2021-01-17T00:00:00Z"), 1610841600000);
  EXPECT_EQ(parse_iso8601("2021-01-17T10:00:00.123Z"), 1610841600000 + 36000000 + 123);
  EXPECT_EQ(parse_iso8601("2021-01-17T12:00:00+02:00"), 1610841600000 + 36000000);
  EXPECT_EQ(parse_iso8601("2021-01-17 10:05"), 1610841600000 + 36300000);
  EXPECT_EQ(parse_iso8601("2021-01-17"), 1610841600000);
  EXPECT_FALSE(parse_iso8601("2021-13-01T00:00:00Z"));
  EXPECT_FALSE(parse_iso8601("2021-01-17T00:00:00Q"));
  EXPECT_EQ(parse_timestamp("2021-01-17T00:00:00Z"), parse_timestamp("1610841600"));
  EXPECT_EQ(parse_timestamp("2021-01-17"), 1610841600000);
  EXPECT_EQ(parse_timestamp("2021-01-17 10:05"), 1610841600000 + 36300000);
  EXPECT_FALSE(parse_timestamp("2021-1-17"));
  EXPECT_FALSE(parse_timestamp("-202-01-17"));
}

TEST(Timestamp, Snowflake) {
  // (1212092628029698048 >> 22) + 1288834974657 = 288985402114 + 1288834974657.
  EXPECT_EQ(snowflake_time_ms(1212092628029698048ULL), 1577820376771);
  EXPECT_TRUE(is_snowflake(1212092628029698048ULL));
  EXPECT_FALSE(is_snowflake(12345));
}

}  // namespace
}  // namespace coordnet
