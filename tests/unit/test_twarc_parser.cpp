// twarc2 JSONL reader on hand-written fixtures (tests/data/twarc2_*.jsonl).
//
// The five tweets of the fixtures (twarc2_pages.jsonl holds them as two search pages,
// twarc2_flat.jsonl as five flattened lines):
//
//   page 1:  T1 1498640000000000001  U1 @NewsBot_One   original: #Ukraine #StandWith #ukraine, a
//   url,
//                                                      @CivicWatch
//            T2 1498640000000000002  U2 @CivicWatch    retweet of T1 (RT text repeats T1's
//            entities) T3 1498640000000000003  U3 @Quoter3       quote of T1: one url twice, one
//            url without
//                                                      expanded_url, the quoted tweet's link
//   page 2:  T4 1498940000000000004  U1 @NewsBotOne_v2 (U1 renamed) reply to T3: #КиївStrong
//                                                      #KyivStrong, @Quoter3, @SomeOne_Else (no id)
//            T5 1498940000000000005  U2 @CivicWatch    reply to T4 and quote of T1, U1 mentioned
//            twice
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "io/twarc_parser.hpp"

namespace coordnet {
namespace {

struct RecordedAction {
  Layer layer = Layer::retweet;
  std::string key;
  std::string account;
  std::string handle;
  std::string content;
  TimeMs t_ms = 0;
  friend auto operator<=>(const RecordedAction&, const RecordedAction&) = default;
};

std::ostream& operator<<(std::ostream& out, const RecordedAction& action) {
  return out << "{" << layer_name(action.layer) << " key=" << action.key
             << " account=" << action.account << " handle=" << action.handle
             << " content=" << action.content << " t_ms=" << action.t_ms << "}";
}

class RecordingSink final : public ActionSink {
 public:
  void emit(const ParsedAction& action) override {
    actions.push_back(RecordedAction{action.layer, std::string(action.key),
                                     std::string(action.account), std::string(action.handle),
                                     std::string(action.content), action.t_ms});
  }
  std::vector<RecordedAction> actions;
};

struct LineResult {
  std::optional<Rejection> rejection;
  std::vector<RecordedAction> actions;
};

LineResult parse_line(RecordParser& parser, std::string_view line) {
  const std::string_view fields[] = {line};
  RecordingSink sink;
  LineResult result;
  result.rejection = parser.parse(RecordView{fields, line}, sink);
  result.actions = std::move(sink.actions);
  return result;
}

std::vector<std::string> read_lines(const std::string& fixture) {
  std::ifstream in(std::string(COORDNET_TEST_DATA_DIR) + "/" + fixture);
  EXPECT_TRUE(in) << "cannot open " << fixture;
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// Parses every line of a fixture with one parser; every line must be accepted.
std::vector<RecordedAction> accepted_actions(const std::string& fixture) {
  const auto parser = make_twarc_parser();
  std::vector<RecordedAction> all;
  for (const std::string& line : read_lines(fixture)) {
    LineResult result = parse_line(*parser, line);
    EXPECT_FALSE(result.rejection)
        << fixture << ": " << result.rejection->reason << " " << result.rejection->detail;
    all.insert(all.end(), result.actions.begin(), result.actions.end());
  }
  return all;
}

std::vector<RecordedAction> sorted(std::vector<RecordedAction> actions) {
  std::ranges::sort(actions);
  return actions;
}

constexpr const char* kU1 = "1350000000000000001";
constexpr const char* kU2 = "1350000000000000002";
constexpr const char* kU3 = "1350000000000000003";
constexpr const char* kT1 = "1498640000000000001";
constexpr const char* kT2 = "1498640000000000002";
constexpr const char* kT3 = "1498640000000000003";
constexpr const char* kT4 = "1498940000000000004";
constexpr const char* kT5 = "1498940000000000005";
constexpr const char* kConvoyUrl = "https://example.org/news/convoy?utm=tw";

// 2022-03-01T00:00:00Z = day 19052 since 1970-01-01 (52 years of 365 days + 13 leap days =
// 18993 days to 2022-01-01, + 31 + 28) = 19052 * 86400 s = 1646092800 s.
constexpr TimeMs kT1Ms = 1646138096000;  // 2022-03-01T12:34:56.000Z: 1646092800 + 45296 s
constexpr TimeMs kT2Ms = 1646138110000;  // 2022-03-01T12:35:10.000Z: 1646092800 + 45310 s
constexpr TimeMs kT3Ms = 1646138400250;  // 2022-03-01T12:40:00.250Z: 1646092800 + 45600 s + 250
constexpr TimeMs kT4Ms = 1646208000000;  // 2022-03-02T08:00:00.000Z: 1646092800 + 86400 + 28800
constexpr TimeMs kT5Ms = 1646208330000;  // 2022-03-02T08:05:30.000Z: kT4 + 330 s

std::vector<RecordedAction> expected_fixture_actions() {
  return {
      // T1: #Ukraine and #ukraine are one hashtag.
      {Layer::hashtag, "ukraine", kU1, "NewsBot_One", kT1, kT1Ms},
      {Layer::hashtag, "standwith", kU1, "NewsBot_One", kT1, kT1Ms},
      {Layer::url, kConvoyUrl, kU1, "NewsBot_One", kT1, kT1Ms},
      {Layer::mention, kU2, kU1, "NewsBot_One", kT1, kT1Ms},
      // T2: the retweet, with the entities of its "RT @NewsBot_One: ..." text.
      {Layer::retweet, kT1, kU2, "CivicWatch", kT2, kT2Ms},
      {Layer::hashtag, "ukraine", kU2, "CivicWatch", kT2, kT2Ms},
      {Layer::hashtag, "standwith", kU2, "CivicWatch", kT2, kT2Ms},
      {Layer::url, kConvoyUrl, kU2, "CivicWatch", kT2, kT2Ms},
      {Layer::mention, kU1, kU2, "CivicWatch", kT2, kT2Ms},
      {Layer::mention, kU2, kU2, "CivicWatch", kT2, kT2Ms},
      // T3: the two t.co links to https://example.net/a are one url; t.co/NoExp1 has no expansion.
      {Layer::quote, kT1, kU3, "Quoter3", kT3, kT3Ms},
      {Layer::url, "https://example.net/a", kU3, "Quoter3", kT3, kT3Ms},
      {Layer::url, "https://t.co/NoExp1", kU3, "Quoter3", kT3, kT3Ms},
      {Layer::url, "https://twitter.com/NewsBot_One/status/1498640000000000001", kU3, "Quoter3",
       kT3, kT3Ms},
      // T4: U1 under its new name; only ASCII letters are lower-cased; a mention without id
      // is keyed by its lower-cased username.
      {Layer::reply, kT3, kU1, "NewsBotOne_v2", kT4, kT4Ms},
      {Layer::hashtag, "\u041a\u0438\u0457\u0432strong", kU1, "NewsBotOne_v2", kT4, kT4Ms},
      {Layer::hashtag, "kyivstrong", kU1, "NewsBotOne_v2", kT4, kT4Ms},
      {Layer::mention, kU3, kU1, "NewsBotOne_v2", kT4, kT4Ms},
      {Layer::mention, "someone_else", kU1, "NewsBotOne_v2", kT4, kT4Ms},
      // T5: a reply that also quotes; U1 mentioned twice counts once.
      {Layer::reply, kT4, kU2, "CivicWatch", kT5, kT5Ms},
      {Layer::quote, kT1, kU2, "CivicWatch", kT5, kT5Ms},
      {Layer::url, "https://news.example.com/%D0%BA%D0%B8%D1%97%D0%B2", kU2, "CivicWatch", kT5,
       kT5Ms},
      {Layer::mention, kU1, kU2, "CivicWatch", kT5, kT5Ms},
  };
}

TEST(TwarcParser, PagesEmitExactlyTheActionsOfTheirDataTweets) {
  EXPECT_EQ(sorted(accepted_actions("twarc2_pages.jsonl")), sorted(expected_fixture_actions()));
}

TEST(TwarcParser, FlattenedTweetsEmitTheSameActionsAsPages) {
  EXPECT_EQ(sorted(accepted_actions("twarc2_flat.jsonl")), sorted(expected_fixture_actions()));
}

TEST(TwarcParser, PageEmitsOnlyItsOwnTweetsNotIncludedOnes) {
  const auto parser = make_twarc_parser();
  const std::vector<std::string> pages = read_lines("twarc2_pages.jsonl");
  ASSERT_EQ(pages.size(), 2u);
  const LineResult second = parse_line(*parser, pages[1]);
  ASSERT_FALSE(second.rejection);
  for (const RecordedAction& action : second.actions) {
    EXPECT_TRUE(action.content == kT4 || action.content == kT5) << action;
  }
  EXPECT_EQ(second.actions.size(), 9u);
}

TEST(TwarcParser, RejectsBadLinesWithReasonsAndEmitsNothing) {
  const auto parser = make_twarc_parser();
  const std::vector<std::string> lines = read_lines("twarc2_bad.jsonl");
  const std::vector<std::string> expected_reasons = {
      "bad_json",            // truncated line
      "unknown_json_shape",  // an API error object, no tweets
      "unknown_json_shape",  // an array, not an object
      "missing_account",     // a page whose second tweet has no author_id
      "bad_timestamp",       // API v1.1 created_at format
      "missing_key",         // a retweet whose referenced tweet has no id
      "missing_content",     // a flattened tweet without id
  };
  ASSERT_EQ(lines.size(), expected_reasons.size());
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const LineResult result = parse_line(*parser, lines[i]);
    ASSERT_TRUE(result.rejection) << "line " << i + 1;
    EXPECT_EQ(result.rejection->reason, expected_reasons[i]) << "line " << i + 1;
    EXPECT_FALSE(result.rejection->detail.empty()) << "line " << i + 1;
    EXPECT_TRUE(result.actions.empty()) << "line " << i + 1;
  }
}

TEST(TwarcParser, BadJsonDetailIsSimdjsonsMessage) {
  const auto parser = make_twarc_parser();
  const LineResult result = parse_line(*parser, R"({"data": [)");
  ASSERT_TRUE(result.rejection);
  EXPECT_EQ(result.rejection->reason, "bad_json");
  EXPECT_NE(result.rejection->detail.find("JSON"), std::string::npos) << result.rejection->detail;
}

TEST(TwarcParser, ParsesALineViewedInsideALargerBuffer) {
  const auto parser = make_twarc_parser();
  const std::string line =
      R"({"data": [{"id": "7", "author_id": "8", "created_at": "2022-03-01T00:00:00Z",)"
      R"( "entities": {"hashtags": [{"tag": "ABC"}]}}]})";
  const std::string buffer = line + "\n{\"not\": \"part of the line\"";
  const LineResult result = parse_line(*parser, std::string_view(buffer).substr(0, line.size()));
  ASSERT_FALSE(result.rejection) << result.rejection->detail;
  // No includes.users: the handle is unknown. 2022-03-01T00:00:00Z = 1646092800 s.
  const std::vector<RecordedAction> expected = {
      {Layer::hashtag, "abc", "8", "", "7", 1646092800000}};
  EXPECT_EQ(result.actions, expected);
}

TEST(TwarcParser, EmptyPageIsAcceptedWithoutActions) {
  const auto parser = make_twarc_parser();
  const LineResult result = parse_line(*parser, R"({"data": [], "meta": {"result_count": 0}})");
  EXPECT_FALSE(result.rejection);
  EXPECT_TRUE(result.actions.empty());
}

}  // namespace
}  // namespace coordnet
