#include "io/input_format.hpp"

#include "core/errors.hpp"
#include "io/events_csv_parser.hpp"
#include "io/io_archive_parser.hpp"
#include "io/qut_csv_parser.hpp"
#include "io/twarc_parser.hpp"

namespace coordnet {

std::string_view format_name(InputFormat format) {
  switch (format) {
    case InputFormat::auto_detect:
      return "auto";
    case InputFormat::events:
      return "events";
    case InputFormat::qut:
      return "qut";
    case InputFormat::io_archive:
      return "io-archive";
    case InputFormat::twarc:
      return "twarc";
  }
  return "unknown";
}

std::optional<InputFormat> parse_format(std::string_view name) {
  for (auto format : {InputFormat::auto_detect, InputFormat::events, InputFormat::qut,
                      InputFormat::io_archive, InputFormat::twarc}) {
    if (format_name(format) == name) return format;
  }
  return std::nullopt;
}

Framing framing_of(InputFormat format) {
  return format == InputFormat::twarc ? Framing::lines : Framing::csv;
}

bool has_header(InputFormat format) { return format != InputFormat::twarc; }

InputFormat detect_format(const CsvRecord& first_record) {
  if (!first_record.raw.empty() && first_record.raw.front() == '{') return InputFormat::twarc;
  const auto& header = first_record.fields;
  if (looks_like_io_archive_header(header)) return InputFormat::io_archive;
  if (looks_like_qut_header(header)) return InputFormat::qut;
  if (looks_like_events_header(header)) return InputFormat::events;
  throw DataError("unrecognised input format (first line: '" +
                  std::string(first_record.raw.substr(0, 200)) +
                  "'); name it with --format events|qut|io-archive|twarc");
}

std::unique_ptr<RecordParser> make_parser(InputFormat format,
                                          std::span<const std::string_view> header) {
  switch (format) {
    case InputFormat::events:
      return make_events_csv_parser(header);
    case InputFormat::qut:
      return make_qut_csv_parser(header);
    case InputFormat::io_archive:
      return make_io_archive_parser(header);
    case InputFormat::twarc:
      return make_twarc_parser();
    case InputFormat::auto_detect:
      break;
  }
  throw DataError("no parser for format '" + std::string(format_name(format)) + "'");
}

}  // namespace coordnet
