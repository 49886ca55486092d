// Input formats: names for --format, detection from a file's first record, parser factory.
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "io/csv_tokenizer.hpp"
#include "io/record_parser.hpp"

namespace coordnet {

enum class InputFormat { auto_detect, events, qut, io_archive, twarc };

std::string_view format_name(InputFormat format);
std::optional<InputFormat> parse_format(std::string_view name);

Framing framing_of(InputFormat format);
bool has_header(InputFormat format);

// Format of a file whose first record (a CSV header, or a JSON line) is given.
// Throws DataError when no reader recognises it.
InputFormat detect_format(const CsvRecord& first_record);

// A parser for one file. `header` is the file's CSV header (empty for JSONL).
std::unique_ptr<RecordParser> make_parser(InputFormat format,
                                          std::span<const std::string_view> header);

}  // namespace coordnet
