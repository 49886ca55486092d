// parse_chunk: how the reader fuzz targets feed a byte buffer to a reader. The buffer is the
// whole text of one input file, parsed the way ingest() parses a work unit (io/ingest.cpp):
// the first record is the header (CSV formats), every later record goes through the tokenizer
// and then the reader; a record the tokenizer marks bad or the reader rejects goes to the
// BadRecordLog, and the actions of a rejected record are dropped. Every emitted key is put in
// canonical form as ingest's sink does (normalise_key, and the domain of every url).
//
// Invariants checked on every input (FUZZ_CHECK aborts on a failure):
//   - records come in file order and only line terminators (and a leading byte-order mark) lie
//     between them, so every byte of the file belongs to the header, an accepted record or a
//     rejected one;
//   - a record's line number is 1 + the number of '\n' before its first byte;
//   - every action of an accepted record names an account;
//   - every rejection carries a reason code and is logged under the record's line.
// A header that no reader accepts ends the input cleanly (ingest reports it as a DataError).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string_view>

#include "io/csv_tokenizer.hpp"
#include "io/record_parser.hpp"

namespace coordnet::fuzz {

using ParserFactory =
    std::function<std::unique_ptr<RecordParser>(std::span<const std::string_view> header)>;

// Checks that records come in file order with only line terminators between them and that their
// line numbers count the newlines before them; call next() with every record the tokenizer
// returns, then finish().
class RecordLayoutCheck {
 public:
  explicit RecordLayoutCheck(std::string_view text);
  void next(const CsvRecord& record);
  void finish() const;

 private:
  std::string_view text_;
  std::size_t end_of_previous_;
  std::int64_t line_ = 1;
};

void parse_chunk(std::string_view text, Framing framing, bool header_record,
                 const ParserFactory& make_parser);

}  // namespace coordnet::fuzz
