// Fuzz target of the CSV tokenizer (io/csv_tokenizer.hpp). Input: one byte of settings (bit 0:
// line framing instead of CSV; the other bits: max_field_bytes - 1), one byte placing a split
// point, then the text of a file. Checks:
//   - the record layout invariants of parse_chunk.hpp (every byte in a record or between
//     records as a line terminator; line numbers);
//   - a byte split parses like the whole file: records starting before the split, read with the
//     split as limit, followed by the records from first_record_start at the split (given the
//     quote parity before it, as ingest computes it), are exactly the records of a serial read,
//     with the same line numbers, fields and errors;
//   - every well-formed CSV record survives a round trip: its fields written back quoted (quotes
//     doubled) read as the same fields;
//   - detect_format on the first record either names a format or throws DataError.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/errors.hpp"
#include "io/input_format.hpp"
#include "tests/fuzz/fuzz_check.hpp"
#include "tests/fuzz/parse_chunk.hpp"

namespace {

using namespace coordnet;

struct Record {
  std::size_t begin;
  std::int64_t line;
  CsvError error;
  std::string raw;
  std::vector<std::string> fields;
  bool operator==(const Record&) const = default;
};

Record copy(const CsvRecord& r) {
  return {r.begin, r.line, r.error, std::string(r.raw), {r.fields.begin(), r.fields.end()}};
}

// The records of `tokenizer` that start before `limit` (a leading byte-order mark counts as the
// first record's first byte).
void read_records(CsvTokenizer& tokenizer, std::string_view text, std::size_t limit,
                  std::vector<Record>& out) {
  CsvRecord record;
  while (tokenizer.next(record, limit)) {
    FUZZ_CHECK(record.begin < limit || record.begin == bom_length(text),
               "a record starting at or after the limit");
    out.push_back(copy(record));
  }
}

std::string quoted(const std::vector<std::string>& fields) {
  std::string text;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) text += ',';
    text += '"';
    for (const char c : fields[i]) text += c == '"' ? std::string("\"\"") : std::string(1, c);
    text += '"';
  }
  return text;
}

void check_round_trip(const Record& record) {
  const std::string text = quoted(record.fields);
  CsvTokenizer tokenizer(text, 0, 1);
  CsvRecord again;
  FUZZ_CHECK(tokenizer.next(again), "a quoted record read as no record");
  FUZZ_CHECK(again.error == CsvError::none, "a quoted record read as bad");
  FUZZ_CHECK(std::vector<std::string>(again.fields.begin(), again.fields.end()) == record.fields,
             "quoted fields read back differently");
  FUZZ_CHECK(!tokenizer.next(again), "a quoted record read as two");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const Framing framing = (data[0] & 1) != 0 ? Framing::lines : Framing::csv;
  const CsvLimits limits{.max_field_bytes = std::size_t{1} + (data[0] >> 1)};
  const std::string_view text(reinterpret_cast<const char*>(data) + 2, size - 2);
  const std::size_t split = text.size() * data[1] / 255;

  std::vector<Record> serial;
  {
    CsvTokenizer tokenizer(text, 0, 1, framing, limits);
    fuzz::RecordLayoutCheck layout(text);
    CsvRecord record;
    bool first = true;
    while (tokenizer.next(record)) {
      layout.next(record);
      if (first) {
        try {
          detect_format(record);
        } catch (const DataError&) {
        }
        first = false;
      }
      serial.push_back(copy(record));
    }
    layout.finish();
  }

  std::vector<Record> split_read;
  CsvTokenizer left(text, 0, 1, framing, limits);
  read_records(left, text, split, split_read);
  const auto before = count_quotes_and_newlines(text.substr(0, split));
  const auto start = first_record_start(text, split, (before.quotes & 1) != 0, framing);
  FUZZ_CHECK(start >= split, "first_record_start before the split");
  const auto skipped = count_quotes_and_newlines(text.substr(split, start - split));
  CsvTokenizer right(text, start, 1 + static_cast<std::int64_t>(before.newlines + skipped.newlines),
                     framing, limits);
  read_records(right, text, text.size(), split_read);
  FUZZ_CHECK(split_read == serial, "a split read differs from the serial read");

  if (framing == Framing::csv) {
    for (const auto& record : serial) {
      if (record.error == CsvError::none) check_round_trip(record);
    }
  }
  return 0;
}
