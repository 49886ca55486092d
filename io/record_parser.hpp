// RecordParser: turns one input record into actions, or rejects it with a reason.
//
// A parser is made for one input file from its header (CSV formats) and is then called once per
// record. It emits every action of the record through the sink, or returns a Rejection; on a
// rejection the caller discards whatever the parser emitted for that record, so a record is
// either used whole or quarantined whole.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "io/action_sink.hpp"

namespace coordnet {

struct Rejection {
  std::string reason;  // short stable code, counted per code: "bad_timestamp", "missing_account"
  std::string detail;  // human-readable specifics, e.g. the offending value
};

// One record: its fields (CSV, quotes removed) and its raw text as it appears in the file.
// For line-framed formats (JSONL) `fields` holds one element, the line itself.
struct RecordView {
  std::span<const std::string_view> fields;
  std::string_view raw;
};

// The rejection of a CSV record with the wrong number of fields.
inline Rejection wrong_field_count(std::size_t expected, std::size_t found) {
  return {"wrong_field_count",
          "expected " + std::to_string(expected) + " fields, found " + std::to_string(found)};
}

class RecordParser {
 public:
  virtual ~RecordParser() = default;
  virtual std::optional<Rejection> parse(const RecordView& record, ActionSink& sink) = 0;
};

}  // namespace coordnet
