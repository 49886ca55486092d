// Fuzz target of one reader: the input is the whole text of an input file in the format named
// by COORDNET_FUZZ_FORMAT (events, qut, io_archive or twarc; the build compiles this file once
// per format), parsed through make_parser as ingest does, with parse_chunk's invariants.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "io/input_format.hpp"
#include "tests/fuzz/parse_chunk.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace coordnet;
  constexpr auto format = InputFormat::COORDNET_FUZZ_FORMAT;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  fuzz::parse_chunk(
      text, framing_of(format), has_header(format),
      [](std::span<const std::string_view> header) { return make_parser(format, header); });
  return 0;
}
