// Quote-aware CSV tokenizer (RFC 4180 plus the dirt found in real exports).
//
// Record boundaries: a record ends at the first '\n' outside quotes, where "outside" means an
// even number of '"' characters since the start of the file. This rule depends only on the
// quote parity at a position, so a rank that starts in the middle of a file finds the same
// boundaries as a serial reader once it knows the parity at its start (an exclusive scan of
// per-range quote counts; see first_record_start). Every record is parsed by exactly one rank:
// the one whose byte range contains the record's first byte.
//
// Within a record: fields separated by ','; a field starting with '"' is quoted and may hold
// commas, newlines and doubled quotes ("" -> "). CRLF endings, a UTF-8 byte-order mark at the
// start of the file, blank lines (skipped, still counted for line numbers) and a last line
// without '\n' are accepted. A quote inside an unquoted field, text after a closing quote, a
// quote left open at the end of the file, or a field longer than max_field_bytes mark the
// record as bad (the record is still delimited by the rule above, so parsing continues).
//
// Line framing (JSONL) uses the same machinery with quotes ignored: every '\n' ends a record.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace coordnet {

enum class Framing { csv, lines };

struct CsvLimits {
  std::size_t max_field_bytes = std::size_t{1} << 20;
};

enum class CsvError { none, unterminated_quote, malformed_quotes, field_too_long };

// Stable reason code for the quarantine: "unterminated_quote", ...
std::string_view csv_error_reason(CsvError error);

struct CsvRecord {
  std::vector<std::string_view> fields;  // quotes removed, "" unescaped
  std::string_view raw;                  // the record's text without its line terminator
  std::size_t begin = 0;                 // byte offset of the record's first byte
  std::int64_t line = 0;                 // 1-based line number of the record's first byte
  CsvError error = CsvError::none;
};

class CsvTokenizer {
 public:
  // `text` is the whole file (mapping or decompressed buffer); parsing starts at `begin`, which
  // must be a record start (0, or as returned by first_record_start) on line `line_at_begin`.
  CsvTokenizer(std::string_view text, std::size_t begin, std::int64_t line_at_begin,
               Framing framing = Framing::csv, CsvLimits limits = {});

  // Reads the next non-blank record whose first byte lies before `limit` (a byte-order mark
  // counts as the first record's first byte). Returns false when there is none; the field
  // views stay valid until the next call.
  bool next(CsvRecord& record, std::size_t limit);
  bool next(CsvRecord& record) { return next(record, text_.size()); }

  // Offset of the next unread byte.
  std::size_t position() const { return pos_; }

 private:
  std::size_t record_end(std::size_t from, bool& unterminated, std::int64_t& inner_newlines,
                         bool& has_quotes) const;
  struct BlockScan {
    std::size_t newline = 0;          // offset of the '\n' that ends the record
    std::uint64_t quotes = 0;         // '"' bytes in the record
    std::int64_t inner_newlines = 0;  // '\n' bytes inside its quotes
  };
  bool scan_record(std::size_t from, BlockScan& scan);
  bool fields_from_commas(CsvRecord& record, std::uint64_t quotes);
  void split_fields(CsvRecord& record);
  void split_plain_fields(CsvRecord& record);

  std::string_view text_;
  std::size_t pos_;
  std::int64_t line_;
  Framing framing_;
  CsvLimits limits_;
  std::string unescaped_;
  struct FieldSpan {
    std::size_t offset, length;
    bool in_scratch;
  };
  std::vector<FieldSpan> spans_;
  std::vector<std::size_t> commas_;
};

// Number of '"' and '\n' bytes in a piece of text (for the exclusive scans of a byte split).
struct QuoteLineCounts {
  std::uint64_t quotes = 0;
  std::uint64_t newlines = 0;
};
QuoteLineCounts count_quotes_and_newlines(std::string_view text);

// The first record start at or after `from`, given the number of '"' in text[0, from) modulo 2
// (ignored for line framing). Returns text.size() when no record starts there.
std::size_t first_record_start(std::string_view text, std::size_t from, bool odd_quotes_before,
                               Framing framing);

// Length of a UTF-8 byte-order mark at the start of text (0 or 3).
std::size_t bom_length(std::string_view text);

}  // namespace coordnet
