// Canonical keys per layer, applied to every reader's output before hashing, so that the same
// object written differently is one key (DESIGN.md §2 "Actions"; rules in docs/inputs.md):
//   hashtag  leading '#'s and blanks dropped, ASCII letters lower-cased (other UTF-8 bytes kept)
//   mention  leading '@'s and blanks dropped, ASCII lower-cased (screen names are case-insensitive)
//   url      scheme and host lower-cased, default port (:80, :443) and fragment dropped, tracking
//            query parameters (utm_*, fbclid, gclid, ...) dropped, an empty path written "/"
//   domain   the host of a URL (or the value itself), lower-cased, ports and leading "www."
//            dropped
// Each canonical form is a fixed point: normalising it again changes nothing (fuzzed by
// tests/fuzz/fuzz_normalise.cpp).
//   text, near_text   normalise_text (io/text_normalise.hpp): case, mentions, URLs, spacing
// Other layers are taken as given.
#pragma once

#include <string>
#include <string_view>

#include "core/ids.hpp"

namespace coordnet {

// The canonical key; may return a view of `scratch`.
std::string_view normalise_key(Layer layer, std::string_view key, std::string& scratch);

std::string normalise_url(std::string_view url);
std::string domain_of_url(std::string_view url);

}  // namespace coordnet
