// The events CSV and QUT CSV readers on hand-made records.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "io/events_csv_parser.hpp"
#include "io/qut_csv_parser.hpp"

namespace coordnet {
namespace {

struct Recorded {
  Layer layer;
  std::string key, account, handle, content;
  TimeMs t_ms;
  bool operator==(const Recorded&) const = default;
};

struct RecordingSink final : ActionSink {
  std::vector<Recorded> actions;
  void emit(const ParsedAction& a) override {
    actions.push_back({a.layer, std::string(a.key), std::string(a.account), std::string(a.handle),
                       std::string(a.content), a.t_ms});
  }
};

std::optional<Rejection> parse(RecordParser& parser, std::vector<std::string_view> fields,
                               RecordingSink& sink) {
  return parser.parse({fields, ""}, sink);
}

TEST(EventsCsvParser, MinimalHeaderDefaultsToRetweet) {
  const std::vector<std::string_view> header = {"object_id", "account_id", "content_id",
                                                "timestamp_share"};
  auto parser = make_events_csv_parser(header);
  RecordingSink sink;
  EXPECT_FALSE(parse(*parser, {"o1", "a1", "c1", "1623881091"}, sink));
  ASSERT_EQ(sink.actions.size(), 1u);
  EXPECT_EQ(sink.actions[0], (Recorded{Layer::retweet, "o1", "a1", "", "c1", 1623881091000}));
}

TEST(EventsCsvParser, LayerHandleAndIsoTimes) {
  const std::vector<std::string_view> header = {"account_id",      "object_id", "content_id",
                                                "timestamp_share", "layer",     "handle"};
  auto parser = make_events_csv_parser(header);
  RecordingSink sink;
  EXPECT_FALSE(
      parse(*parser, {"a1", "#tag", "c1", "2021-01-17T00:00:00Z", "hashtag", "bob"}, sink));
  EXPECT_EQ(sink.actions.at(0),
            (Recorded{Layer::hashtag, "#tag", "a1", "bob", "c1", 1610841600000}));
}

TEST(EventsCsvParser, Rejections) {
  const std::vector<std::string_view> header = {"object_id", "account_id", "content_id",
                                                "timestamp_share", "layer"};
  auto parser = make_events_csv_parser(header);
  RecordingSink sink;
  EXPECT_EQ(parse(*parser, {"o", "", "c", "1", ""}, sink)->reason, "missing_account");
  EXPECT_EQ(parse(*parser, {"", "a", "c", "1", ""}, sink)->reason, "missing_key");
  EXPECT_EQ(parse(*parser, {"o", "a", "c", "yesterday", ""}, sink)->reason, "bad_timestamp");
  EXPECT_EQ(parse(*parser, {"o", "a", "c", "1", "carrier-pigeon"}, sink)->reason, "unknown_layer");
  EXPECT_EQ(parse(*parser, {"o", "a", "c"}, sink)->reason, "wrong_field_count");
  EXPECT_TRUE(sink.actions.empty());
}

TEST(EventsCsvParser, HeaderErrorsNameMissingColumns) {
  const std::vector<std::string_view> header = {"object_id", "account"};
  try {
    make_events_csv_parser(header);
    FAIL() << "expected an error";
  } catch (const std::exception& e) {
    EXPECT_NE(std::string(e.what()).find("account_id, content_id, timestamp_share"),
              std::string::npos);
  }
  EXPECT_FALSE(looks_like_events_header(header));
}

TEST(QutCsvParser, RetweetReplyAndUrls) {
  const std::vector<std::string_view> header = {"message_id", "user_id", "username",  "repost_id",
                                                "reply_id",   "message", "timestamp", "urls"};
  auto parser = make_qut_csv_parser(header);
  RecordingSink sink;
  EXPECT_FALSE(
      parse(*parser,
            {"m1", "u1", "alice", "rt9", "r7", "hello", "60", "http://a http://b http://a"}, sink));
  const std::vector<Recorded> expected = {
      {Layer::retweet, "rt9", "u1", "alice", "m1", 60000},
      {Layer::reply, "r7", "u1", "alice", "m1", 60000},
      {Layer::url, "http://a", "u1", "alice", "m1", 60000},
      {Layer::url, "http://b", "u1", "alice", "m1", 60000},
  };
  EXPECT_EQ(sink.actions, expected);
  EXPECT_EQ(parse(*parser, {"m2", "", "x", "", "", "", "1", ""}, sink)->reason, "missing_account");
}

}  // namespace
}  // namespace coordnet
