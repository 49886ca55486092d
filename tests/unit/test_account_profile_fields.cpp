// The account profile fields of the readers (io/account_fields.hpp) and how the events CSV, IO
// archive and --map readers carry them: values, missing values (unknown, never zero) and
// malformed values (rejected with a reason and a detail naming the column).
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <tuple>
#include <vector>

#include "io/account_fields.hpp"
#include "io/events_csv_parser.hpp"
#include "io/io_archive_parser.hpp"
#include "io/mapped_csv_parser.hpp"
#include "io/profile_tally.hpp"
#include "io/timestamp.hpp"

namespace coordnet {
namespace {

constexpr TimeMs kDayMs = 86'400'000;
const TimeMs kMay1st2016 = days_from_civil(2016, 5, 1) * kDayMs;  // 1462060800000

struct Profile {
  TimeMs created_ms;
  std::string language, location;
  bool operator==(const Profile&) const = default;
};

struct ProfileSink final : ActionSink {
  std::vector<Profile> profiles;
  void emit(const ParsedAction& a) override {
    profiles.push_back({a.created_ms, std::string(a.language), std::string(a.location)});
  }
};

TEST(AccountFields, CreationTime) {
  TimeMs t = 0;
  EXPECT_FALSE(read_creation_time("2016-05-01", "c", t));
  EXPECT_EQ(t, kMay1st2016);
  EXPECT_FALSE(read_creation_time(" 1462060800 ", "c", t));
  EXPECT_EQ(t, kMay1st2016);
  EXPECT_FALSE(read_creation_time("2016-05-01 12:30", "c", t));
  EXPECT_EQ(t, kMay1st2016 + 45'000'000);
  for (const char* missing : {"", "  ", "nan", "NaN", "None"}) {
    t = 0;
    EXPECT_FALSE(read_creation_time(missing, "c", t)) << missing;
    EXPECT_EQ(t, kUnknownTime) << missing;
  }
  for (const char* bad : {"01/05/2016", "yesterday", "2016-13-01", "2016-05"}) {
    const auto rejection = read_creation_time(bad, "account_created", t);
    ASSERT_TRUE(rejection) << bad;
    EXPECT_EQ(rejection->reason, "bad_creation_time");
    EXPECT_EQ(rejection->detail, "account_created '" + std::string(bad) + "'");
  }
}

TEST(AccountFields, Language) {
  std::string_view language;
  EXPECT_FALSE(read_language(" zh-cn ", "l", language));
  EXPECT_EQ(language, "zh-cn");
  EXPECT_FALSE(read_language("Farsi (Persian)", "l", language));
  EXPECT_EQ(language, "Farsi (Persian)");
  for (const char* missing : {"", "und", "nan", "None"}) {
    language = "x";
    EXPECT_FALSE(read_language(missing, "l", language)) << missing;
    EXPECT_TRUE(language.empty()) << missing;
  }
  EXPECT_EQ(read_language(std::string(33, 'a'), "l", language)->reason, "bad_language");
  EXPECT_FALSE(read_language(std::string(32, 'a'), "l", language));
  EXPECT_EQ(read_language("e\x01n", "tweet_language", language)->detail, "tweet_language 'e\x01n'");
}

TEST(AccountFields, LocationIsTrimmedAndCutOnACharacterBoundary) {
  EXPECT_EQ(read_location("  Houston, TX "), "Houston, TX");
  EXPECT_EQ(read_location("\t Houston, TX\r\n"), "Houston, TX");
  EXPECT_EQ(read_location(" \t\r\n"), "");
  EXPECT_EQ(read_location("None"), "");
  std::string long_location = "a";
  for (int i = 0; i < 40; ++i) long_location += "\xC3\xA9";  // é, two bytes each
  // 1 + 2 * 31 = 63 bytes: the 64th byte would split an é.
  EXPECT_EQ(read_location(long_location), long_location.substr(0, 63));
}

TEST(EventsCsvProfile, OptionalColumnsAreCarried) {
  const std::vector<std::string_view> header = {"object_id",       "account_id",      "content_id",
                                                "timestamp_share", "account_created", "language",
                                                "location"};
  auto parser = make_events_csv_parser(header);
  ProfileSink sink;
  std::vector<std::string_view> row = {"o", "a", "c", "1", "2016-05-01", "ru", "Moscow, RU"};
  EXPECT_FALSE(parser->parse({row, ""}, sink));
  row = {"o", "a", "c", "1", "", "und", ""};
  EXPECT_FALSE(parser->parse({row, ""}, sink));
  EXPECT_EQ(sink.profiles,
            (std::vector<Profile>{{kMay1st2016, "ru", "Moscow, RU"}, {kUnknownTime, "", ""}}));
  row = {"o", "a", "c", "1", "last spring", "ru", ""};
  const auto bad_time = parser->parse({row, ""}, sink);
  ASSERT_TRUE(bad_time);
  EXPECT_EQ(bad_time->reason, "bad_creation_time");
  EXPECT_EQ(bad_time->detail, "account_created 'last spring'");
  row = {"o", "a", "c", "1", "2016-05-01", std::string_view("a\nb"), ""};
  EXPECT_EQ(parser->parse({row, ""}, sink)->reason, "bad_language");
}

TEST(EventsCsvProfile, WithoutTheColumnsEverythingIsUnknown) {
  const std::vector<std::string_view> header = {"object_id", "account_id", "content_id",
                                                "timestamp_share"};
  auto parser = make_events_csv_parser(header);
  ProfileSink sink;
  const std::vector<std::string_view> row = {"o", "a", "c", "1"};
  EXPECT_FALSE(parser->parse({row, ""}, sink));
  EXPECT_EQ(sink.profiles, (std::vector<Profile>{{kUnknownTime, "", ""}}));
}

TEST(IoArchiveProfile, EveryActionOfTheRecordCarriesTheProfile) {
  const std::vector<std::string_view> header = {"tweetid",
                                                "userid",
                                                "tweet_time",
                                                "is_retweet",
                                                "account_creation_date",
                                                "tweet_language",
                                                "user_reported_location",
                                                "hashtags"};
  auto parser = make_io_archive_parser(header);
  ProfileSink sink;
  std::vector<std::string_view> row = {"20",         "u1", "2006-03-21 20:50", "False",
                                       "2016-05-01", "fa", " Tehran ",         "['a', 'b']"};
  EXPECT_FALSE(parser->parse({row, ""}, sink));
  EXPECT_EQ(sink.profiles, (std::vector<Profile>(2, {kMay1st2016, "fa", "Tehran"})));
  sink.profiles.clear();
  row = {"20", "u1", "2006-03-21 20:50", "False", "nan", "und", "", "['a']"};
  EXPECT_FALSE(parser->parse({row, ""}, sink));
  EXPECT_EQ(sink.profiles, (std::vector<Profile>{{kUnknownTime, "", ""}}));
  row = {"20", "u1", "2006-03-21 20:50", "False", "2016-5-1", "fa", "", "['a']"};
  const auto rejection = parser->parse({row, ""}, sink);
  ASSERT_TRUE(rejection);
  EXPECT_EQ(rejection->reason, "bad_creation_time");
  EXPECT_EQ(rejection->detail, "account_creation_date '2016-5-1'");
}

TEST(MappedCsvProfile, RolesCreatedLanguageLocation) {
  const auto map = parse_column_map(
      "account=who,time=when,url=link,created=born,language=lang,"
      "location=where");
  const std::vector<std::string_view> header = {"who", "when", "link", "born", "lang", "where"};
  auto parser = make_mapped_csv_parser(header, map);
  ProfileSink sink;
  std::vector<std::string_view> row = {"a", "1", "http://x", "1462060800", "English", "Lagos"};
  EXPECT_FALSE(parser->parse({row, ""}, sink));
  EXPECT_EQ(sink.profiles, (std::vector<Profile>{{kMay1st2016, "English", "Lagos"}}));
  row = {"a", "1", "http://x", "soon", "English", "Lagos"};
  const auto rejection = parser->parse({row, ""}, sink);
  ASSERT_TRUE(rejection);
  EXPECT_EQ(rejection->detail, "born 'soon'");
}

// Runs of one value are counted whole, a value that returns adds to its earlier count.
TEST(ProfileTally, CountsActionsPerAccountAndValue) {
  ProfileTally tally;
  for (const char* value : {"en", "en", "ru", "en"}) tally.add(0, value);
  tally.add(2, "en");
  tally.add(0, "ru");
  auto counts = tally.finish();
  std::sort(counts.begin(), counts.end(), [](const auto& a, const auto& b) {
    return std::tie(a.local_account, a.value) < std::tie(b.local_account, b.value);
  });
  ASSERT_EQ(counts.size(), 3u);
  EXPECT_EQ(std::tie(counts[0].local_account, counts[0].value, counts[0].n_actions),
            std::make_tuple(0u, std::string("en"), 3u));
  EXPECT_EQ(counts[1].value, "ru");
  EXPECT_EQ(counts[1].n_actions, 2u);
  EXPECT_EQ(counts[2].local_account, 2u);
  EXPECT_TRUE(tally.finish().empty());
}

}  // namespace
}  // namespace coordnet
