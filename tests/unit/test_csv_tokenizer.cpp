// Adversarial CSV: quoted commas, doubled quotes, newlines in quotes, CRLF, BOM, blank lines,
// truncated last line, bad quoting, field cap; and the byte-split rule checked at every split.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "io/csv_tokenizer.hpp"

namespace coordnet {
namespace {

// A record copied out of the tokenizer (its views are only valid until the next call).
struct Parsed {
  std::vector<std::string> fields;
  std::string raw;
  std::int64_t line;
  CsvError error;
};

std::vector<Parsed> parse_all(std::string_view text, CsvLimits limits = {}) {
  CsvTokenizer tokenizer(text, 0, 1, Framing::csv, limits);
  std::vector<Parsed> records;
  CsvRecord r;
  while (tokenizer.next(r)) {
    records.push_back({{r.fields.begin(), r.fields.end()}, std::string(r.raw), r.line, r.error});
  }
  return records;
}

std::vector<std::string> fields(const Parsed& r) { return r.fields; }

TEST(CsvTokenizer, QuotedCommasDoubledQuotesAndNewlines) {
  const std::string text = "a,b,c\n1,\"x, y\",\"say \"\"hi\"\"\"\n2,\"line1\nline2\",z\n";
  const auto records = parse_all(text);
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(fields(records[1]), (std::vector<std::string>{"1", "x, y", "say \"hi\""}));
  EXPECT_EQ(fields(records[2]), (std::vector<std::string>{"2", "line1\nline2", "z"}));
  EXPECT_EQ(records[2].line, 3);
  EXPECT_EQ(records[2].raw, "2,\"line1\nline2\",z");
}

TEST(CsvTokenizer, CrlfBomBlankLinesAndTruncatedLastLine) {
  const std::string text = "\xEF\xBB\xBFh1,h2\r\n\r\n1,2\r\n\n3,\"4\"";
  const auto records = parse_all(text);
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(fields(records[0]), (std::vector<std::string>{"h1", "h2"}));
  EXPECT_EQ(fields(records[1]), (std::vector<std::string>{"1", "2"}));
  EXPECT_EQ(records[1].line, 3);
  EXPECT_EQ(fields(records[2]), (std::vector<std::string>{"3", "4"}));
  EXPECT_EQ(records[2].line, 5);
  EXPECT_EQ(records[2].error, CsvError::none);
}

TEST(CsvTokenizer, EmptyFieldsAtBothEnds) {
  const auto records = parse_all(",a,\n\"\",\"\"\n");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(fields(records[0]), (std::vector<std::string>{"", "a", ""}));
  EXPECT_EQ(fields(records[1]), (std::vector<std::string>{"", ""}));
}

TEST(CsvTokenizer, BadQuotingIsFlaggedAndParsingContinues) {
  const std::string text = "1,ab\"c\"d,2\n2,\"x\"y,3\n3,ok,4\n4,\"open\n";
  const auto records = parse_all(text);
  ASSERT_EQ(records.size(), 4u);
  EXPECT_EQ(records[0].error, CsvError::malformed_quotes);
  EXPECT_EQ(records[1].error, CsvError::malformed_quotes);
  EXPECT_EQ(records[2].error, CsvError::none);
  EXPECT_EQ(fields(records[2]), (std::vector<std::string>{"3", "ok", "4"}));
  EXPECT_EQ(records[3].error, CsvError::unterminated_quote);
  EXPECT_EQ(records[3].line, 4);
}

TEST(CsvTokenizer, FieldLengthCap) {
  const auto records = parse_all("1,123456789\n2,12\n", CsvLimits{4});
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].error, CsvError::field_too_long);
  EXPECT_EQ(records[1].error, CsvError::none);
}

TEST(CsvTokenizer, LineFramingIgnoresQuotes) {
  const std::string text = "{\"a\":\"x\\\"\"}\n{\"b\":1}\n";
  CsvTokenizer tokenizer(text, 0, 1, Framing::lines);
  CsvRecord record;
  ASSERT_TRUE(tokenizer.next(record));
  EXPECT_EQ(record.raw, "{\"a\":\"x\\\"\"}");
  ASSERT_TRUE(tokenizer.next(record));
  EXPECT_EQ(record.raw, "{\"b\":1}");
  EXPECT_EQ(record.line, 2);
  EXPECT_FALSE(tokenizer.next(record));
}

// Records of every length put commas, quotes, CR and LF at every offset of the 32-byte blocks of
// the block scan; each record must come back field for field, with its line number.
TEST(CsvTokenizer, RandomRecordsAtEveryBlockOffsetRoundTrip) {
  std::mt19937 rng(7);
  std::string text;
  std::vector<std::vector<std::string>> expected;
  std::vector<std::int64_t> expected_lines;
  std::int64_t line = 1;
  for (int r = 0; r < 3000; ++r) {
    std::vector<std::string> record(1 + rng() % 6);
    std::string encoded;
    std::int64_t newlines_inside = 0;
    for (std::size_t f = 0; f < record.size(); ++f) {
      const std::size_t length = rng() % 12;
      const bool quoted = rng() % 8 == 0;
      for (std::size_t i = 0; i < length; ++i) {
        const char pool[] = "abcxyz019 .";
        const char special[] = ",\"\n";
        record[f] += quoted && rng() % 4 == 0 ? special[rng() % 3] : pool[rng() % 11];
      }
      if (f > 0) encoded += ',';
      if (quoted) {
        encoded += '"';
        for (const char c : record[f]) {
          encoded += c == '"' ? std::string("\"\"") : std::string(1, c);
          newlines_inside += c == '\n';
        }
        encoded += '"';
      } else {
        encoded += record[f];
      }
    }
    if (encoded.empty()) continue;  // one empty unquoted field is a blank line
    text += encoded + (rng() % 3 == 0 ? "\r\n" : "\n");
    expected.push_back(record);
    expected_lines.push_back(line);
    line += 1 + newlines_inside;
  }
  const auto records = parse_all(text);
  ASSERT_EQ(records.size(), expected.size());
  for (std::size_t i = 0; i < records.size(); ++i) {
    EXPECT_EQ(records[i].fields, expected[i]) << "record " << i;
    EXPECT_EQ(records[i].line, expected_lines[i]) << "record " << i;
    EXPECT_EQ(records[i].error, CsvError::none) << "record " << i;
  }
}

TEST(CsvTokenizer, LongRecordsFlagQuotesAndLongFieldsPastTheFirstBlock) {
  const std::string text =
      "0123456789,0123456789,01234\"56\"789\n"
      "0123456789,0123456789,0123456789,0123456789\n"
      "0123456789,0123456789,0123456789,0123456789,x\n";
  const auto records = parse_all(text, CsvLimits{10});
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0].error, CsvError::malformed_quotes);
  EXPECT_EQ(records[1].error, CsvError::none);
  EXPECT_EQ(records[1].fields.size(), 4u);
  EXPECT_EQ(parse_all(text, CsvLimits{9})[1].error, CsvError::field_too_long);
  EXPECT_EQ(fields(records[2]).back(), "x");
}

// The block counter against a byte-by-byte count, on texts long enough that its per-byte counters
// are summed several times (255 blocks of 16 bytes), at every offset and tail length.
TEST(CsvTokenizer, QuoteAndNewlineCountsMatchAByteCount) {
  std::mt19937_64 rng(7);
  std::string text(3 * 255 * 16 + 37, 'a');
  for (auto& c : text) c = "\"\n,ab"[rng() % 5];
  for (std::size_t begin : {std::size_t{0}, std::size_t{1}, std::size_t{15}, std::size_t{4081}}) {
    for (std::size_t end = begin; end <= text.size(); end += 1 + rng() % 97) {
      const auto piece = std::string_view(text).substr(begin, end - begin);
      QuoteLineCounts expected;
      for (const char c : piece) {
        expected.quotes += c == '"';
        expected.newlines += c == '\n';
      }
      const auto got = count_quotes_and_newlines(piece);
      ASSERT_EQ(got.quotes, expected.quotes) << begin << ".." << end;
      ASSERT_EQ(got.newlines, expected.newlines) << begin << ".." << end;
    }
  }
  const std::string all_quotes(255 * 16 * 2 + 5, '"');
  EXPECT_EQ(count_quotes_and_newlines(all_quotes).quotes, all_quotes.size());
}

// A byte-at-a-time reading of the documented rules (csv_tokenizer.hpp), to check the tokenizer's
// block scan and its general path against: records end at a '\n' after an even number of quotes
// since the file's start, a field that starts with '"' is quoted, and the first fault of a
// record in field order names its error (a field over the cap only when there is no other).
std::vector<Parsed> reference_parse(std::string_view text, CsvLimits limits) {
  std::vector<Parsed> records;
  std::size_t pos = 0;
  std::int64_t line = 1;
  while (pos < text.size()) {
    std::size_t end = pos;
    bool inside = false;
    std::int64_t inner = 0;
    for (; end < text.size() && (inside || text[end] != '\n'); ++end) {
      if (text[end] == '"') inside = !inside;
      inner += text[end] == '\n';
    }
    std::size_t content_end = end;
    if (content_end > pos && text[content_end - 1] == '\r') --content_end;
    const std::string raw(text.substr(pos, content_end - pos));
    const std::int64_t record_line = line;
    line += inner + 1;
    pos = end + 1;
    if (raw.empty()) continue;
    Parsed record{{}, raw, record_line, inside ? CsvError::unterminated_quote : CsvError::none};
    const auto fail = [&](CsvError error) {
      if (record.error == CsvError::none) record.error = error;
    };
    std::size_t i = 0;
    while (true) {
      std::string field;
      if (i < raw.size() && raw[i] == '"') {
        bool closed = false;
        for (++i; i < raw.size(); ++i) {
          if (raw[i] == '"' && i + 1 < raw.size() && raw[i + 1] == '"') {
            field += '"';
            ++i;
          } else if (raw[i] == '"') {
            closed = true;
            ++i;
            break;
          } else {
            field += raw[i];
          }
        }
        record.fields.push_back(field);
        if (!closed) fail(CsvError::unterminated_quote);
        if (!closed || i == raw.size()) break;
        if (raw[i] != ',') {
          fail(CsvError::malformed_quotes);
          i = raw.find(',', i);
          if (i == std::string::npos) break;
          ++i;
          continue;
        }
      } else {
        const std::size_t comma = std::min(raw.find(',', i), raw.size());
        field = raw.substr(i, comma - i);
        if (field.find('"') != std::string::npos) fail(CsvError::malformed_quotes);
        record.fields.push_back(field);
        i = comma;
        if (i == raw.size()) break;
      }
      if (++i == raw.size()) {
        record.fields.emplace_back();
        break;
      }
    }
    for (const auto& field : record.fields) {
      if (field.size() > limits.max_field_bytes) fail(CsvError::field_too_long);
    }
    records.push_back(record);
  }
  return records;
}

// Random text of commas, quotes, CR, LF and letters, in records of every length, against the
// reference: the same records, lines and errors, and the same fields where there is no error.
TEST(CsvTokenizer, RandomTextMatchesAByteAtATimeReading) {
  std::mt19937 rng(11);
  for (int round = 0; round < 400; ++round) {
    std::string text;
    const std::size_t length = rng() % 600;
    const char* const pool = round % 2 == 0 ? "aaaab,,\"\n\r" : "aaaaaaaaab,,,\"\n";
    const auto pool_size = std::string_view(pool).size();
    for (std::size_t i = 0; i < length; ++i) text += pool[rng() % pool_size];
    const CsvLimits limits{1 + rng() % 40};
    const auto expected = reference_parse(text, limits);
    const auto got = parse_all(text, limits);
    ASSERT_EQ(got.size(), expected.size()) << "round " << round;
    for (std::size_t r = 0; r < got.size(); ++r) {
      EXPECT_EQ(got[r].raw, expected[r].raw) << "round " << round << " record " << r;
      EXPECT_EQ(got[r].line, expected[r].line) << "round " << round << " record " << r;
      EXPECT_EQ(got[r].error, expected[r].error) << "round " << round << " record " << r;
      if (expected[r].error == CsvError::none) {
        EXPECT_EQ(got[r].fields, expected[r].fields) << "round " << round << " record " << r;
      }
    }
  }
}

// Splitting the text at every byte into two ranges must give the serial records exactly once.
TEST(CsvTokenizer, EverySplitPointParsesEachRecordOnce) {
  const std::string text =
      "\xEF\xBB\xBFid,text\r\n1,\"a,\nb\"\"\n\nc\"\n\n2,plain\r\n3,\"\"\"q\"\"\"\n4,\"x\ny\"";
  const auto serial = parse_all(text);
  for (std::size_t split = 0; split <= text.size(); ++split) {
    std::vector<std::pair<std::int64_t, std::string>> got;
    for (const auto& [begin, end] : {std::pair<std::size_t, std::size_t>{0, split},
                                     std::pair<std::size_t, std::size_t>{split, text.size()}}) {
      const auto before = count_quotes_and_newlines(std::string_view(text).substr(0, begin));
      const auto start = first_record_start(text, begin, before.quotes & 1, Framing::csv);
      const auto skipped =
          count_quotes_and_newlines(std::string_view(text).substr(begin, start - begin));
      CsvTokenizer tokenizer(text, start,
                             1 + static_cast<std::int64_t>(before.newlines + skipped.newlines));
      CsvRecord record;
      while (tokenizer.next(record, end)) got.emplace_back(record.line, std::string(record.raw));
    }
    ASSERT_EQ(got.size(), serial.size()) << "split at " << split;
    for (std::size_t i = 0; i < serial.size(); ++i) {
      EXPECT_EQ(got[i].first, serial[i].line) << "split at " << split;
      EXPECT_EQ(got[i].second, serial[i].raw) << "split at " << split;
    }
  }
}

}  // namespace
}  // namespace coordnet
