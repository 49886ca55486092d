// Fuzz target of key and text normalisation (io/key_normalise.hpp, io/text_normalise.hpp).
// Input: one byte choosing the layer (modulo the number of layers), then the key as a reader
// would emit it. Checks that the canonical form is a fixed point (normalising it again changes
// nothing, so a key written in canonical form and the same key written otherwise are one key),
// and that normalised text has no ASCII capitals and single spaces between non-empty words.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "io/key_normalise.hpp"
#include "io/text_normalise.hpp"
#include "tests/fuzz/fuzz_check.hpp"

namespace {

bool has_ascii_capital(std::string_view s) {
  return s.find_first_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ") != std::string_view::npos;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace coordnet;
  if (size < 1) return 0;
  const auto layer = static_cast<Layer>(data[0] % kLayerCount);
  const std::string_view key(reinterpret_cast<const char*>(data) + 1, size - 1);

  std::string scratch, scratch_again;
  const std::string canonical(normalise_key(layer, key, scratch));
  FUZZ_CHECK(normalise_key(layer, canonical, scratch_again) == canonical,
             "a canonical key changes when normalised again");

  const std::string text = normalise_text(key);
  FUZZ_CHECK(normalise_text(text) == text, "normalised text changes when normalised again");
  FUZZ_CHECK(!has_ascii_capital(text), "normalised text keeps an ASCII capital");
  FUZZ_CHECK(!text.starts_with(' ') && !text.ends_with(' ') && text.find("  ") == std::string::npos,
             "normalised text has a stray space");

  const std::string url = normalise_url(key);
  FUZZ_CHECK(normalise_url(url) == url, "a normalised URL changes when normalised again");
  const std::string domain = domain_of_url(key);
  FUZZ_CHECK(!has_ascii_capital(domain), "a domain keeps an ASCII capital");
  return 0;
}
