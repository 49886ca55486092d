// Quoting for the text formats coordnet writes (CSV, XML, JSON). Input strings come from user
// data (handles, keys) and may hold any bytes: every function first replaces bytes that are not
// valid UTF-8 with U+FFFD, so the output always parses.
#pragma once

#include <string>
#include <string_view>

namespace coordnet {

// `text` with every invalid UTF-8 sequence replaced by U+FFFD.
std::string valid_utf8(std::string_view text);

// The longest prefix of `text` of at most `max_bytes` that does not end inside a UTF-8 sequence.
std::string_view utf8_prefix(std::string_view text, std::size_t max_bytes);

// An RFC 4180 field: quoted (with "" for ") when it holds a comma, quote, CR or LF.
std::string csv_field(std::string_view text);

// XML character data or attribute value: & < > " ' escaped, control characters that XML 1.0
// forbids replaced by U+FFFD.
std::string xml_text(std::string_view text);

// A JSON string literal, quotes included.
std::string json_string(std::string_view text);

// A JSON number for a double: null when it is not finite (JSON has no NaN or infinity).
std::string json_number(double value);

}  // namespace coordnet
