// Fuzz target of the mapped CSV reader (io/mapped_csv_parser.hpp): the input's first line is
// the --map text, the rest the whole text of a wide CSV file. A map that parse_column_map
// refuses ends the input (the CLI reports it as a usage error); otherwise the file is parsed
// through parse_chunk's invariants.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/errors.hpp"
#include "io/mapped_csv_parser.hpp"
#include "tests/fuzz/parse_chunk.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace coordnet;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto newline = input.find('\n');
  if (newline == std::string_view::npos) return 0;
  ColumnMap map;
  try {
    map = parse_column_map(input.substr(0, newline));
  } catch (const UsageError&) {
    return 0;
  }
  fuzz::parse_chunk(input.substr(newline + 1), Framing::csv, true,
                    [&map](std::span<const std::string_view> header) {
                      return make_mapped_csv_parser(header, map);
                    });
  return 0;
}
