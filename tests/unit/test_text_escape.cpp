// Quoting for the export formats (io/text_escape.hpp): output parses whatever bytes come in.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "io/text_escape.hpp"

namespace coordnet {
namespace {

const std::string kReplacement = "\xEF\xBF\xBD";

TEST(TextEscape, ValidUtf8KeepsGoodSequencesAndReplacesBadBytes) {
  EXPECT_EQ(valid_utf8("f\xC3\xB6x \xE2\x82\xAC \xF0\x9F\x98\x80"),
            "f\xC3\xB6x \xE2\x82\xAC \xF0\x9F\x98\x80");
  EXPECT_EQ(valid_utf8("a\xFF"
                       "b"),
            "a" + kReplacement + "b");
  EXPECT_EQ(valid_utf8("\xC3"), kReplacement);                                        // cut short
  EXPECT_EQ(valid_utf8("\xC0\xAF"), kReplacement + kReplacement);                     // overlong
  EXPECT_EQ(valid_utf8("\xED\xA0\x80"), kReplacement + kReplacement + kReplacement);  // surrogate
}

TEST(TextEscape, CsvFieldQuotesOnlyWhenNeeded) {
  EXPECT_EQ(csv_field("plain"), "plain");
  EXPECT_EQ(csv_field("1234567890123456789"), "1234567890123456789");
  EXPECT_EQ(csv_field("odd,\"id\""), "\"odd,\"\"id\"\"\"");
  EXPECT_EQ(csv_field("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(csv_field(""), "");
}

TEST(TextEscape, XmlTextEscapesMarkupAndForbiddenControls) {
  EXPECT_EQ(xml_text("a<b & 'c'>\"d\""), "a&lt;b &amp; &apos;c&apos;&gt;&quot;d&quot;");
  EXPECT_EQ(xml_text(std::string("x\x01y\tz", 5)), "x" + kReplacement + "y\tz");
}

TEST(TextEscape, JsonStringAndNumber) {
  EXPECT_EQ(json_string("say \"hi\"\\\n\t\x02"), "\"say \\\"hi\\\"\\\\\\n\\t\\u0002\"");
  EXPECT_EQ(json_number(0.1), "0.1");
  EXPECT_EQ(json_number(std::numeric_limits<double>::infinity()), "null");
  EXPECT_EQ(json_number(std::nan("")), "null");
}

}  // namespace
}  // namespace coordnet
