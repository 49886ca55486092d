// Tests of the X/Twitter information-operations archive reader, on the hand-written fixture
// tests/data/io_archive_quirks.csv and on single synthetic records.
//
// Fixture data rows (1-based, after the header):
//   1  original tweet by a hashed (64 hex) userid; multi-line tweet_text with commas and doubled
//      quotes; hashtags with '#', case duplicates and UTF-8; `[]` urls; empty mentions; `absent`
//      coordinates; `0.0` counts.
//   2  retweet of row 1 (is_retweet True) by 1234567890 as news_bot_1; `["..."]` hashtags;
//      real coordinates.
//   3  reply to row 1 by a base64-ish hashed userid; empty hashtags; urls with spaces, a comma
//      inside an item and a double-quoted item holding '; a bare mention.
//   4  quote of row 1 by 1234567890, renamed news_bot_one (is_retweet 0); bare url.
//   5  reply to `4567890123.0` (float-exported id below 2^53); `nan` / `None` references;
//      mentions with mixed quotes and a duplicate.
//   6  tweet id 20 (before snowflakes): the time comes from tweet_time; `NaN` / `nan` references.
//   7  retweet (is_retweet 1) of row 3, a reply: no reply action; bare hashtag.
//   8  retweet (is_retweet true) of row 4, a quote: no quote action; no other actions.
//   9  REJECTED "bad_id": tweetid `7.8e17`.
//  10  REJECTED "missing_key": is_retweet True but retweet_tweetid empty.
#include <gtest/gtest.h>

#include <fstream>
#include <initializer_list>
#include <optional>
#include <ostream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "core/errors.hpp"
#include "io/io_archive_parser.hpp"

namespace coordnet {
namespace {

using Fields = std::vector<std::string>;

// RFC 4180: fields split at commas, quoted fields may hold commas, "" and newlines.
std::vector<Fields> split_csv(std::string_view text) {
  std::vector<Fields> records;
  Fields record;
  std::string field;
  bool quoted = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted && c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
      field += '"';
      ++i;
    } else if (c == '"') {
      quoted = !quoted;
    } else if (quoted || (c != ',' && c != '\n' && c != '\r')) {
      field += c;
    } else if (c != '\r') {
      record.push_back(std::exchange(field, {}));
      if (c == '\n') records.push_back(std::exchange(record, {}));
    }
  }
  if (!record.empty() || !field.empty()) {
    record.push_back(field);
    records.push_back(record);
  }
  return records;
}

struct Action {
  Layer layer;
  std::string key;
  std::string account;
  std::string handle;
  std::string content;
  TimeMs t_ms;
  bool operator==(const Action&) const = default;
};

void PrintTo(const Action& a, std::ostream* os) {
  *os << layer_name(a.layer) << " key=" << a.key << " account=" << a.account
      << " handle=" << a.handle << " content=" << a.content << " t_ms=" << a.t_ms;
}

class RecordingSink : public ActionSink {
 public:
  void emit(const ParsedAction& a) override {
    actions.push_back({a.layer, std::string(a.key), std::string(a.account), std::string(a.handle),
                       std::string(a.content), a.t_ms});
  }
  std::vector<Action> actions;
};

struct Outcome {
  std::vector<Action> actions;
  std::optional<Rejection> rejection;
};

std::vector<std::string_view> views_of(const Fields& fields) {
  return {fields.begin(), fields.end()};
}

Outcome parse_with(RecordParser& parser, const Fields& fields) {
  const auto views = views_of(fields);
  RecordingSink sink;
  auto rejection = parser.parse(RecordView{views, {}}, sink);
  return {std::move(sink.actions), std::move(rejection)};
}

const std::vector<Fields>& fixture() {
  static const std::vector<Fields> records = [] {
    std::ifstream in(COORDNET_TEST_DATA_DIR "/io_archive_quirks.csv", std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return split_csv(text.str());
  }();
  return records;
}

const Fields& fixture_header() { return fixture().front(); }

// Every data row of the fixture, parsed in order by one parser (its buffers are reused).
const Outcome& fixture_row(std::size_t row) {
  static const std::vector<Outcome> outcomes = [] {
    const auto header = views_of(fixture_header());
    const auto parser = make_io_archive_parser(header);
    std::vector<Outcome> all;
    for (std::size_t i = 1; i < fixture().size(); ++i)
      all.push_back(parse_with(*parser, fixture()[i]));
    return all;
  }();
  return outcomes.at(row - 1);
}

// An original post (not a retweet) also emits its text, raw, for the text and near_text layers
// (the sink normalises it).
std::vector<Action> with_text(std::vector<Action> actions, std::size_t row) {
  const Action last = actions.back();
  for (const Layer layer : {Layer::text, Layer::near_text}) {
    actions.push_back(
        {layer, fixture()[row][12], last.account, last.handle, last.content, last.t_ms});
  }
  return actions;
}

constexpr const char* kAnna = "c4abf6e8653ac81e57e4d89cd6caa1ec58b8436593122774e212727e3aa42e8a";
constexpr const char* kLisa = "k1Jq+3vXb0/ZyQ2mR9sT4uWc8eA1fH6gL5nP7oD2iE0=";
constexpr const char* kNewsBot = "1234567890";
constexpr const char* kTweet1 = "1212092628029698048";
constexpr const char* kTweet3 = "1212093154413621260";
constexpr const char* kTweet4 = "1212107727522758661";

// Snowflake times, (id >> 22) + 1288834974657:
//   1212092628029698048 >> 22 = 288985402114 -> 1577820376771 (2019-12-31 19:26:16.771 UTC)
//   1212092879686771187 >> 22 = 288985462114 -> 1577820436771
//   1212093154413621260 >> 22 = 288985527614 -> 1577820502271
//   1212107727522758661 >> 22 = 288989002114 -> 1577823976771
//   1212122827533059071 >> 22 = 288992602237 -> 1577827576894
//   1212130376764358663 >> 22 = 288994402114 -> 1577829376771
//   1212130628422598673 >> 22 = 288994462114 -> 1577829436771
constexpr TimeMs kTime1 = 1577820376771;
constexpr TimeMs kTime2 = 1577820436771;
constexpr TimeMs kTime3 = 1577820502271;
constexpr TimeMs kTime4 = 1577823976771;
constexpr TimeMs kTime5 = 1577827576894;
constexpr TimeMs kTime7 = 1577829376771;
constexpr TimeMs kTime8 = 1577829436771;
// 2006-03-21 20:50 UTC: 13228 days * 86400 + 20 * 3600 + 50 * 60 = 1142974200 s.
constexpr TimeMs kTime6 = 1142974200000;

TEST(IoArchiveFixture, HasTenRowsOf31FieldsWithMultilineText) {
  ASSERT_EQ(fixture().size(), 11u);
  for (const Fields& record : fixture()) EXPECT_EQ(record.size(), 31u);
  EXPECT_EQ(fixture()[1][12],
            "Breaking, \"news\": the polls are \"rigged\"!\nRead it, share it #Election2016 #MAGA");
}

TEST(IoArchiveFixture, OriginalTweetEmitsDistinctLowercasedHashtags) {
  const Outcome& out = fixture_row(1);
  ASSERT_FALSE(out.rejection);
  const std::vector<Action> expected = {
      {Layer::hashtag, "election2016", kAnna, "patriot_anna", kTweet1, kTime1},
      {Layer::hashtag, "maga", kAnna, "patriot_anna", kTweet1, kTime1},
      {Layer::hashtag, "\xC3\x89t\xC3\x89", kAnna, "patriot_anna", kTweet1, kTime1},  // "ÉtÉ"
  };
  EXPECT_EQ(out.actions, with_text(expected, 1));
}

TEST(IoArchiveFixture, RetweetEmitsRetweetAndListActions) {
  const Outcome& out = fixture_row(2);
  ASSERT_FALSE(out.rejection);
  const std::vector<Action> expected = {
      {Layer::retweet, kTweet1, kNewsBot, "news_bot_1", "1212092879686771187", kTime2},
      {Layer::hashtag, "election2016", kNewsBot, "news_bot_1", "1212092879686771187", kTime2},
      {Layer::url, "https://t.co/AbC123", kNewsBot, "news_bot_1", "1212092879686771187", kTime2},
      {Layer::mention, kAnna, kNewsBot, "news_bot_1", "1212092879686771187", kTime2},
  };
  EXPECT_EQ(out.actions, expected);
}

TEST(IoArchiveFixture, ReplyWithSpacedUrlListAndBareMention) {
  const Outcome& out = fixture_row(3);
  ASSERT_FALSE(out.rejection);
  const std::vector<Action> expected = {
      {Layer::reply, kTweet1, kLisa, "lisa_m", kTweet3, kTime3},
      {Layer::url, "https://example.org/a?b=1,2", kLisa, "lisa_m", kTweet3, kTime3},
      {Layer::url, "https://example.com/it's", kLisa, "lisa_m", kTweet3, kTime3},
      {Layer::mention, "9876543210", kLisa, "lisa_m", kTweet3, kTime3},
  };
  EXPECT_EQ(out.actions, with_text(expected, 3));
}

TEST(IoArchiveFixture, QuoteWithBareUrlByRenamedAccount) {
  const Outcome& out = fixture_row(4);
  ASSERT_FALSE(out.rejection);
  const std::vector<Action> expected = {
      {Layer::quote, kTweet1, kNewsBot, "news_bot_one", kTweet4, kTime4},
      {Layer::hashtag, "tag", kNewsBot, "news_bot_one", kTweet4, kTime4},
      {Layer::url, "https://example.net/x", kNewsBot, "news_bot_one", kTweet4, kTime4},
  };
  EXPECT_EQ(out.actions, with_text(expected, 4));
}

TEST(IoArchiveFixture, RenamedAccountKeepsItsIdAndCarriesEachHandle) {
  const Action& before = fixture_row(2).actions.at(0);
  const Action& after = fixture_row(4).actions.at(0);
  EXPECT_EQ(before.account, after.account);
  EXPECT_EQ(before.handle, "news_bot_1");
  EXPECT_EQ(after.handle, "news_bot_one");
}

TEST(IoArchiveFixture, FloatExportedReferenceAndDistinctMentions) {
  const Outcome& out = fixture_row(5);
  ASSERT_FALSE(out.rejection);
  const char* tweet = "1212122827533059071";
  const std::vector<Action> expected = {
      {Layer::reply, "4567890123", "2222222222", "old_fan", tweet, kTime5},
      {Layer::mention, "111", "2222222222", "old_fan", tweet, kTime5},
      {Layer::mention, "222", "2222222222", "old_fan", tweet, kTime5},
  };
  EXPECT_EQ(out.actions, with_text(expected, 5));
}

TEST(IoArchiveFixture, PreSnowflakeIdTakesTimeFromTweetTime) {
  const Outcome& out = fixture_row(6);
  ASSERT_FALSE(out.rejection);
  const std::vector<Action> expected = {
      {Layer::url, "http://twttr.com/", "12", "jack", "20", kTime6},
  };
  EXPECT_EQ(out.actions, with_text(expected, 6));
}

TEST(IoArchiveFixture, RetweetOfReplyEmitsNoReply) {
  const Outcome& out = fixture_row(7);
  ASSERT_FALSE(out.rejection);
  const char* tweet = "1212130376764358663";
  const std::vector<Action> expected = {
      {Layer::retweet, kTweet3, kAnna, "patriot_anna", tweet, kTime7},
      {Layer::hashtag, "election2016", kAnna, "patriot_anna", tweet, kTime7},
      {Layer::mention, kLisa, kAnna, "patriot_anna", tweet, kTime7},
  };
  EXPECT_EQ(out.actions, expected);
}

TEST(IoArchiveFixture, RetweetOfQuoteEmitsOnlyTheRetweet) {
  const Outcome& out = fixture_row(8);
  ASSERT_FALSE(out.rejection);
  const std::vector<Action> expected = {
      {Layer::retweet, kTweet4, "3333333333", "amplifier_3", "1212130628422598673", kTime8},
  };
  EXPECT_EQ(out.actions, expected);
}

TEST(IoArchiveFixture, RejectsFloatTweetIdAndRetweetWithoutKey) {
  ASSERT_TRUE(fixture_row(9).rejection);
  EXPECT_EQ(fixture_row(9).rejection->reason, "bad_id");
  EXPECT_TRUE(fixture_row(9).actions.empty());
  ASSERT_TRUE(fixture_row(10).rejection);
  EXPECT_EQ(fixture_row(10).rejection->reason, "missing_key");
  EXPECT_TRUE(fixture_row(10).actions.empty());
}

// A synthetic record over the fixture header: an original tweet by account "1" at kTime1, with
// the given columns overridden.
Fields synthetic_row(std::initializer_list<std::pair<std::string_view, std::string_view>> values) {
  Fields row(fixture_header().size());
  const auto set = [&](std::string_view column, std::string_view value) {
    for (std::size_t i = 0; i < row.size(); ++i) {
      if (fixture_header()[i] == column) row[i] = value;
    }
  };
  set("tweetid", kTweet1);
  set("userid", "1");
  set("tweet_time", "2019-12-31 19:26");
  set("is_retweet", "False");
  for (const auto& [column, value] : values) set(column, value);
  return row;
}

Outcome parse_synthetic(const Fields& row) {
  const auto parser = make_io_archive_parser(views_of(fixture_header()));
  return parse_with(*parser, row);
}

std::string rejection_of(const Fields& row) {
  const Outcome out = parse_synthetic(row);
  if (!out.rejection) return "accepted";
  EXPECT_TRUE(out.actions.empty());
  return out.rejection->reason;
}

std::vector<Action> actions_of(const Fields& row) {
  Outcome out = parse_synthetic(row);
  EXPECT_FALSE(out.rejection) << out.rejection->reason << ": " << out.rejection->detail;
  return std::move(out.actions);
}

Action action(Layer layer, std::string key) {
  return {layer, std::move(key), "1", "", kTweet1, kTime1};
}

TEST(IoArchiveHeader, DetectsTheArchiveHeader) {
  EXPECT_TRUE(looks_like_io_archive_header(views_of(fixture_header())));
  const std::vector<std::string_view> without_flag = {"tweetid", "userid", "tweet_time"};
  EXPECT_FALSE(looks_like_io_archive_header(without_flag));
  const std::vector<std::string_view> events = {"object_id", "account_id", "content_id",
                                                "timestamp_share"};
  EXPECT_FALSE(looks_like_io_archive_header(events));
  const std::vector<std::string_view> with_bom = {"\xEF\xBB\xBFtweetid", "userid", "tweet_time",
                                                  "is_retweet"};
  EXPECT_TRUE(looks_like_io_archive_header(with_bom));
}

TEST(IoArchiveHeader, MissingRequiredColumnsAreNamed) {
  const std::vector<std::string_view> header = {"userid", "is_retweet", "hashtags"};
  try {
    make_io_archive_parser(header);
    FAIL() << "expected DataError";
  } catch (const DataError& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find("tweetid"), std::string::npos) << message;
    EXPECT_NE(message.find("tweet_time"), std::string::npos) << message;
    EXPECT_EQ(message.find("userid"), std::string::npos) << message;
  }
}

TEST(IoArchiveHeader, ColumnsAreFoundByNameInAnyOrder) {
  const std::vector<std::string_view> header = {"extra", "tweet_time", "retweet_tweetid", "userid",
                                                "tweetid"};
  const auto parser = make_io_archive_parser(header);
  // No is_retweet column: a non-empty retweet_tweetid makes the tweet a retweet.
  const Outcome out = parse_with(*parser, {"x", "", "777", "acc", "20"});
  ASSERT_TRUE(out.rejection);
  EXPECT_EQ(out.rejection->reason, "bad_timestamp");
  const Outcome ok = parse_with(*parser, {"x", "2006-03-21 20:50", "777", "acc", "20"});
  ASSERT_FALSE(ok.rejection);
  const std::vector<Action> expected = {{Layer::retweet, "777", "acc", "", "20", kTime6}};
  EXPECT_EQ(ok.actions, expected);
}

TEST(IoArchiveRecord, WrongFieldCountIsRejected) {
  Fields shorter = synthetic_row({});
  shorter.pop_back();
  EXPECT_EQ(rejection_of(shorter), "wrong_field_count");
  Fields longer = synthetic_row({});
  longer.push_back("");
  EXPECT_EQ(rejection_of(longer), "wrong_field_count");
}

TEST(IoArchiveRecord, EmptyUseridIsRejected) {
  EXPECT_EQ(rejection_of(synthetic_row({{"userid", ""}})), "missing_account");
  EXPECT_EQ(rejection_of(synthetic_row({{"userid", "  "}})), "missing_account");
}

TEST(IoArchiveRecord, TweetIdMustBePlainDigits) {
  for (const char* id :
       {"7.8e17", "780000000000000000.0", "", "12a", "-5", "+5", "18446744073709551616"}) {
    EXPECT_EQ(rejection_of(synthetic_row({{"tweetid", id}})), "bad_id") << id;
  }
}

TEST(IoArchiveRecord, SnowflakeTimeIgnoresTweetTime) {
  // 2^32 is the first snowflake: (4294967296 >> 22) + 1288834974657 = 1024 + 1288834974657.
  const auto actions = actions_of(
      synthetic_row({{"tweetid", "4294967296"}, {"tweet_time", ""}, {"hashtags", "['a']"}}));
  ASSERT_EQ(actions.size(), 1u);
  EXPECT_EQ(actions[0].t_ms, 1288834975681);
}

TEST(IoArchiveRecord, PreSnowflakeNeedsAValidTweetTime) {
  EXPECT_EQ(rejection_of(synthetic_row({{"tweetid", "4294967295"}, {"tweet_time", "yesterday"}})),
            "bad_timestamp");
  EXPECT_EQ(rejection_of(synthetic_row({{"tweetid", "20"}, {"tweet_time", ""}})), "bad_timestamp");
}

TEST(IoArchiveRecord, IsRetweetSpellings) {
  for (const char* yes : {"True", "true", "TRUE", "1"}) {
    const auto actions = actions_of(synthetic_row({{"is_retweet", yes}, {"retweet_tweetid", "9"}}));
    EXPECT_EQ(actions, std::vector<Action>{action(Layer::retweet, "9")}) << yes;
  }
  for (const char* no : {"False", "false", "FALSE", "0"}) {
    EXPECT_TRUE(actions_of(synthetic_row({{"is_retweet", no}, {"retweet_tweetid", "9"}})).empty())
        << no;
  }
  EXPECT_EQ(rejection_of(synthetic_row({{"is_retweet", "yes"}})), "bad_bool");
  EXPECT_EQ(rejection_of(synthetic_row({{"is_retweet", "true"}, {"retweet_tweetid", "nan"}})),
            "missing_key");
}

TEST(IoArchiveRecord, RetweetAlsoEmitsReplyAndQuoteWhenPresent) {
  const auto actions = actions_of(synthetic_row({{"is_retweet", "True"},
                                                 {"retweet_tweetid", "9"},
                                                 {"in_reply_to_tweetid", "8"},
                                                 {"quoted_tweet_tweetid", "7"}}));
  const std::vector<Action> expected = {action(Layer::retweet, "9"), action(Layer::reply, "8"),
                                        action(Layer::quote, "7")};
  EXPECT_EQ(actions, expected);
}

TEST(IoArchiveRecord, ReferencedIdsAcceptExactFloatExports) {
  EXPECT_EQ(actions_of(synthetic_row({{"in_reply_to_tweetid", "9007199254740992.0"}})),
            std::vector<Action>{action(Layer::reply, "9007199254740992")});
  EXPECT_EQ(actions_of(synthetic_row({{"quoted_tweet_tweetid", " 4567890123.00 "}})),
            std::vector<Action>{action(Layer::quote, "4567890123")});
  for (const char* missing : {"", "nan", "NaN", "None"}) {
    EXPECT_TRUE(actions_of(synthetic_row({{"in_reply_to_tweetid", missing},
                                          {"quoted_tweet_tweetid", missing},
                                          {"retweet_tweetid", missing}}))
                    .empty())
        << missing;
  }
}

TEST(IoArchiveRecord, ReferencedIdsRejectInexactOrMalformedNumbers) {
  // Above 2^53 a float-formatted id may have been rounded: its digits cannot be trusted.
  for (const char* id :
       {"9007199254740993.0", "1212092628029698048.0", "7.8e17", "123.5", "12x", "123."}) {
    EXPECT_EQ(rejection_of(synthetic_row({{"in_reply_to_tweetid", id}})), "bad_id") << id;
    EXPECT_EQ(rejection_of(synthetic_row({{"quoted_tweet_tweetid", id}})), "bad_id") << id;
    EXPECT_EQ(rejection_of(synthetic_row({{"is_retweet", "True"}, {"retweet_tweetid", id}})),
              "bad_id")
        << id;
  }
}

TEST(IoArchiveRecord, ListShapes) {
  EXPECT_EQ(actions_of(synthetic_row({{"urls", "[  'a' ,\"b\" ]"}})),
            (std::vector<Action>{action(Layer::url, "a"), action(Layer::url, "b")}));
  EXPECT_EQ(actions_of(synthetic_row({{"urls", "[a, b, a]"}})),
            (std::vector<Action>{action(Layer::url, "a"), action(Layer::url, "b")}));
  EXPECT_EQ(actions_of(synthetic_row({{"user_mentions", "'42'"}})),
            std::vector<Action>{action(Layer::mention, "42")});
  EXPECT_EQ(actions_of(synthetic_row({{"urls", R"(['it\'s', "say \"hi\"", 'back\\slash'])"}})),
            (std::vector<Action>{action(Layer::url, "it's"), action(Layer::url, "say \"hi\""),
                                 action(Layer::url, "back\\slash")}));
  for (const char* empty : {"", "[]", "[ ]", "nan", "['']"}) {
    EXPECT_TRUE(actions_of(synthetic_row({{"hashtags", empty}, {"urls", empty}})).empty()) << empty;
  }
}

TEST(IoArchiveRecord, HashtagsAreLowercasedWithoutHash) {
  EXPECT_EQ(actions_of(synthetic_row({{"hashtags", "['#CamelCase', 'camelcase', '#']"}})),
            std::vector<Action>{action(Layer::hashtag, "camelcase")});
  // Escaped and upper-case in one item: unescaped, then lower-cased.
  EXPECT_EQ(actions_of(synthetic_row({{"hashtags", R"(['A\'B', "C'D"])"}})),
            (std::vector<Action>{action(Layer::hashtag, "a'b"), action(Layer::hashtag, "c'd")}));
}

TEST(IoArchiveRecord, MalformedListsAreRejected) {
  for (const char* list : {"['a', 'b'", "['a', 'b]", "['a' 'b']", "['a',, 'b']", "['a',]",
                           "'unclosed", "'a' trailing", "["}) {
    EXPECT_EQ(rejection_of(synthetic_row({{"hashtags", list}})), "bad_list") << list;
    EXPECT_EQ(rejection_of(synthetic_row({{"urls", list}})), "bad_list") << list;
    EXPECT_EQ(rejection_of(synthetic_row({{"user_mentions", list}})), "bad_list") << list;
  }
}

TEST(IoArchiveRecord, CountsAndCoordinatesNeverReject) {
  const auto actions = actions_of(synthetic_row({{"latitude", "absent"},
                                                 {"longitude", "absent"},
                                                 {"quote_count", "0.0"},
                                                 {"like_count", "not a number"},
                                                 {"follower_count", ""}}));
  EXPECT_TRUE(actions.empty());
}

}  // namespace
}  // namespace coordnet
