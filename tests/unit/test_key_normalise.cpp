// Canonical keys per layer (io/key_normalise.hpp) and the --map reader (io/mapped_csv_parser.hpp).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/errors.hpp"
#include "io/key_normalise.hpp"
#include "io/mapped_csv_parser.hpp"

namespace coordnet {
namespace {

std::string key(Layer layer, std::string_view raw) {
  std::string scratch;
  return std::string(normalise_key(layer, raw, scratch));
}

TEST(KeyNormalise, HashtagsAndMentionsFoldCaseAndDropTheirSigil) {
  EXPECT_EQ(key(Layer::hashtag, "#Viral"), "viral");
  EXPECT_EQ(key(Layer::hashtag, "VIRAL"), "viral");
  EXPECT_EQ(key(Layer::hashtag, " #Ünïcode"), "Ünïcode");  // non-ASCII bytes kept
  EXPECT_EQ(key(Layer::mention, "@SomeOne"), "someone");
  EXPECT_EQ(key(Layer::retweet, "#Viral"), "#Viral");  // other layers untouched
}

// Found by fuzzing (tests/fuzz/fuzz_normalise.cpp): a canonical key must not change when
// normalised again, so every leading mark and blank goes at once.
TEST(KeyNormalise, RepeatedSigilsAndBlanksGoAtOnce) {
  EXPECT_EQ(key(Layer::hashtag, "##Viral"), "viral");
  EXPECT_EQ(key(Layer::hashtag, "# #Viral "), "viral");
  EXPECT_EQ(key(Layer::mention, "@ @SomeOne"), "someone");
  EXPECT_EQ(key(Layer::mention, "a@b"), "a@b");  // only leading marks
}

TEST(KeyNormalise, UrlsLoseTrackingPortsAndFragments) {
  EXPECT_EQ(normalise_url("HTTPS://Example.COM:443/Path?utm_source=x&id=7&fbclid=abc#top"),
            "https://example.com/Path?id=7");
  EXPECT_EQ(normalise_url("http://example.com:80"), "http://example.com/");
  EXPECT_EQ(normalise_url("http://example.com:8080/a"), "http://example.com:8080/a");
  EXPECT_EQ(normalise_url("https://x.org/?gclid=1&UTM_MEDIUM=2"), "https://x.org/");
  EXPECT_EQ(normalise_url("example.com/a?b=1"), "example.com/a?b=1");
}

// Found by fuzzing: each of these changed again when normalised a second time, or lost case
// and a path in a query that holds a URL.
TEST(KeyNormalise, UrlsAreAFixedPointOfNormalisation) {
  EXPECT_EQ(normalise_url("https://x.org/a #frag"), "https://x.org/a");
  EXPECT_EQ(normalise_url("http://x.org:80:80/a"), "http://x.org/a");
  EXPECT_EQ(normalise_url("x.org/go?to=https://Y.org/B"), "x.org/go?to=https://Y.org/B");
  EXPECT_EQ(normalise_url("http://user@ x.org:80/a"), "http://x.org/a");
  EXPECT_EQ(normalise_url("a.org/?x=1 &&si=2"), "a.org/?x=1");
  EXPECT_EQ(normalise_url("a.org/?x=1& y=2 &\t"), "a.org/?x=1&y=2");
  for (const char* url :
       {"https://x.org/a #frag", "http://x.org:80:80/a", "HTTP://[::1]:80/x",
        "x.org/go?to=https://Y.org/B", " ?q=1&utm_a=2 ", "a@\tb: c!", "://a @b c://d",
        "a.org/x ?utm_a=1", "a.org/?x=1 &&si=2", "h: //x", "a?b&\t&\t"}) {
    EXPECT_EQ(normalise_url(normalise_url(url)), normalise_url(url)) << url;
  }
}

TEST(KeyNormalise, DomainIsTheLowerCaseHostWithoutWww) {
  EXPECT_EQ(domain_of_url("https://WWW.Example.com:8443/x?y"), "example.com");
  EXPECT_EQ(domain_of_url("http://user@news.site.org/a"), "news.site.org");
  EXPECT_EQ(key(Layer::domain, "Example.com"), "example.com");
}

// Found by fuzzing: an IPv6 host lost its last group with the "port"; ports, "www." prefixes
// and blanks go until none is left, so a domain is its own domain.
TEST(KeyNormalise, DomainKeepsIpv6HostsAndIsItsOwnDomain) {
  EXPECT_EQ(domain_of_url("http://[2001:db8::1]/a"), "[2001:db8::1]");
  EXPECT_EQ(domain_of_url("http://[2001:db8::1]:8080/a"), "[2001:db8::1]");
  EXPECT_EQ(domain_of_url("http://www.www.x.org:80:80/"), "x.org");
  EXPECT_EQ(domain_of_url("http:// x.org /a"), "x.org");
  EXPECT_EQ(domain_of_url("https://a.org/?u=http://b.org"), "a.org");
  for (const char* url : {"http://[2001:db8::1]/a", "http://www.www.x.org:80:80/", "a:b:c"}) {
    EXPECT_EQ(domain_of_url(domain_of_url(url)), domain_of_url(url)) << url;
  }
}

// Collects what the parser emits.
struct Collector : ActionSink {
  std::vector<std::pair<Layer, std::string>> keys;
  std::vector<std::string> contents;
  void emit(const ParsedAction& a) override {
    keys.emplace_back(a.layer, std::string(a.key));
    contents.emplace_back(a.content);
  }
};

TEST(MappedCsv, EveryNonEmptyLayerColumnEmitsOneAction) {
  const auto map = parse_column_map(
      "account=account_id,content=post_id,time=timestamp,url=url_id,"
      "hashtag=hashtag_id");
  const std::vector<std::string_view> header = {"account_id", "post_id", "url_id", "hashtag_id",
                                                "timestamp"};
  auto parser = make_mapped_csv_parser(header, map);
  Collector sink;
  const std::vector<std::string_view> row = {"fb_1", "p9", "u3", "", "1629589836"};
  EXPECT_FALSE(parser->parse({row, "fb_1,p9,u3,,1629589836"}, sink));
  ASSERT_EQ(sink.keys.size(), 1u);
  EXPECT_EQ(sink.keys[0], std::make_pair(Layer::url, std::string("u3")));
  EXPECT_EQ(sink.contents[0], "p9");
  const std::vector<std::string_view> bad = {"fb_1", "p9", "u3", "h", "yesterday"};
  const auto rejection = parser->parse({bad, "..."}, sink);
  ASSERT_TRUE(rejection);
  EXPECT_EQ(rejection->reason, "bad_timestamp");
}

TEST(MappedCsv, ListColumnsEmitOneActionPerDistinctItem) {
  const auto map = parse_column_map("account=a,time=t,hashtag=tags[],url=links");
  const std::vector<std::string_view> header = {"a", "t", "tags", "links"};
  auto parser = make_mapped_csv_parser(header, map);
  Collector sink;
  const std::vector<std::string_view> row = {"acc", "1629589836", " vote\tScotus  vote rights ",
                                             "https://x.org/a https://x.org/b"};
  EXPECT_FALSE(parser->parse({row, "..."}, sink));
  const std::vector<std::pair<Layer, std::string>> expected = {
      {Layer::hashtag, "vote"},
      {Layer::hashtag, "Scotus"},
      {Layer::hashtag, "rights"},
      {Layer::url, "https://x.org/a https://x.org/b"}};  // not a list: one key, as given
  EXPECT_EQ(sink.keys, expected);
  sink.keys.clear();
  const std::vector<std::string_view> blanks = {"acc", "1629589836", " \t ", ""};
  EXPECT_FALSE(parser->parse({blanks, "..."}, sink));
  EXPECT_TRUE(sink.keys.empty());
}

TEST(MappedCsv, MappingErrorsNameTheProblem) {
  EXPECT_THROW(parse_column_map("account=a,colour=b"), UsageError);
  EXPECT_THROW(parse_column_map("account"), UsageError);
  EXPECT_THROW(parse_column_map("account=a,time=t"), UsageError);          // no layer
  EXPECT_THROW(parse_column_map("account=a,url=u"), UsageError);           // no time
  EXPECT_THROW(parse_column_map("account=a[],time=t,url=u"), UsageError);  // list of accounts
  EXPECT_THROW(parse_column_map("account=a,time=t,url=[]"), UsageError);   // no column
  const std::vector<std::string_view> header = {"a", "t"};
  EXPECT_THROW(make_mapped_csv_parser(header, parse_column_map("account=a,time=t,url=nope")),
               DataError);
}

}  // namespace
}  // namespace coordnet
