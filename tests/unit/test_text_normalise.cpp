// Exact co-tweet normalisation on hand-written posts.
#include <gtest/gtest.h>

#include "io/text_normalise.hpp"

namespace coordnet {
namespace {

TEST(NormaliseText, RetweetPrefixMentionsUrlsAndHashtagMarksGo) {
  EXPECT_EQ(normalise_text("RT @alice: Check THIS out!!! https://t.co/abc #Vote2024 @bob"),
            "check this out vote2024");
  EXPECT_EQ(normalise_text("RT @a: RT @b: hi"), "hi");
  EXPECT_EQ(normalise_text("rt @a:hello there"), "there");
}

TEST(NormaliseText, WhitespaceCollapsedAndTrimmed) {
  EXPECT_EQ(normalise_text("  Hello,   World!\t\n again  "), "hello world again");
  EXPECT_EQ(normalise_text(""), "");
  EXPECT_EQ(normalise_text(" \t\r\n"), "");
}

TEST(NormaliseText, UrlsAndMentionsBehindLeadingPunctuation) {
  EXPECT_EQ(normalise_text("Don't stop-believing... www.example.com/x (https://x.y) (@someone)"),
            "don't stop-believing");
  EXPECT_EQ(normalise_text("@a @b http://x"), "");
  EXPECT_EQ(normalise_text("-- ... !!"), "");
}

TEST(NormaliseText, PunctuationInsideWordsStays) {
  EXPECT_EQ(normalise_text("Email me at A@B.com, now."), "email me at a@b.com now");
  EXPECT_EQ(normalise_text("\"Quoted\" (words) [here]"), "quoted words here");
}

TEST(NormaliseText, RtWithoutMentionOrAfterAWordIsAWord) {
  EXPECT_EQ(normalise_text("RT this please"), "rt this please");
  EXPECT_EQ(normalise_text("please RT @a now"), "please rt now");
}

TEST(NormaliseText, CaseFoldingIsAsciiOnlyAndUnicodeSpacesAreNotSeparators) {
  EXPECT_EQ(normalise_text("Café CRÈME"), "café crÈme");
  EXPECT_EQ(normalise_text("Hello\u00a0World"), "hello\u00a0world");
}

}  // namespace
}  // namespace coordnet
