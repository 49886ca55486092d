#include "tests/fuzz/parse_chunk.hpp"

#include <string>
#include <utility>

#include "core/errors.hpp"
#include "io/bad_records.hpp"
#include "io/key_normalise.hpp"
#include "tests/fuzz/fuzz_check.hpp"

namespace coordnet::fuzz {

namespace {

// Puts the keys of the current record's actions in canonical form and notes whether any of
// them lacks an account.
class CheckingSink final : public ActionSink {
 public:
  void emit(const ParsedAction& action) override {
    normalise_key(action.layer, action.key, scratch_);
    if (action.layer == Layer::url) normalise_key(Layer::domain, action.key, scratch_);
    account_missing_ = account_missing_ || action.account.empty();
  }
  // Whether an action of the record lacked an account; starts the next record.
  bool end_record() { return std::exchange(account_missing_, false); }

 private:
  std::string scratch_;
  bool account_missing_ = false;
};

bool only_line_terminators(std::string_view gap) {
  return gap.find_first_not_of("\r\n") == std::string_view::npos;
}

}  // namespace

RecordLayoutCheck::RecordLayoutCheck(std::string_view text)
    : text_(text), end_of_previous_(bom_length(text)) {}

void RecordLayoutCheck::next(const CsvRecord& record) {
  FUZZ_CHECK(record.begin >= end_of_previous_, "records out of order");
  FUZZ_CHECK(record.raw.data() == text_.data() + record.begin, "raw text is not the record's");
  const auto gap = text_.substr(end_of_previous_, record.begin - end_of_previous_);
  FUZZ_CHECK(only_line_terminators(gap), "bytes between two records belong to neither");
  line_ += static_cast<std::int64_t>(count_quotes_and_newlines(gap).newlines);
  FUZZ_CHECK(record.line == line_, "record line number differs from the newlines before it");
  line_ += static_cast<std::int64_t>(count_quotes_and_newlines(record.raw).newlines);
  end_of_previous_ = record.begin + record.raw.size();
}

void RecordLayoutCheck::finish() const {
  FUZZ_CHECK(only_line_terminators(text_.substr(end_of_previous_)), "bytes after the last record");
}

void parse_chunk(std::string_view text, Framing framing, bool header_record,
                 const ParserFactory& make_parser) {
  CsvTokenizer tokenizer(text, 0, 1, framing, {.max_field_bytes = 256});
  CsvRecord record;
  std::unique_ptr<RecordParser> parser;
  BadRecordLog bad(BadRecordPolicy::quarantine);
  CheckingSink sink;
  RecordLayoutCheck layout(text);
  bool first = true;
  while (tokenizer.next(record)) {
    layout.next(record);
    if (first) {
      first = false;
      try {
        parser = make_parser(header_record ? std::span<const std::string_view>(record.fields)
                                           : std::span<const std::string_view>());
      } catch (const Error&) {
        return;
      }
      if (header_record) continue;
    }
    const auto n_bad = bad.n_bad();
    if (record.error != CsvError::none) {
      bad.add(0, record.line, csv_error_reason(record.error), "", record.raw);
    } else if (const auto rejection = parser->parse({record.fields, record.raw}, sink)) {
      FUZZ_CHECK(!rejection->reason.empty(), "a rejection without a reason");
      sink.end_record();
      bad.add(0, record.line, rejection->reason, rejection->detail, record.raw);
    } else {
      FUZZ_CHECK(!sink.end_record(), "an accepted action without an account");
      continue;
    }
    FUZZ_CHECK(bad.n_bad() == n_bad + 1, "a rejected record was not counted");
    FUZZ_CHECK(bad.quarantine().back().line == record.line, "a rejection names the wrong line");
  }
  layout.finish();
}

}  // namespace coordnet::fuzz
