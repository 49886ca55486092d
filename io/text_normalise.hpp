// Exact co-tweet normalisation: the text two accounts posted counts as the same message when
// normalise_text gives the same string.
//
// Rules, applied to whitespace-separated tokens (whitespace = ASCII space, \t, \n, \v, \f, \r;
// other Unicode spaces such as U+00A0 are not separators):
//   1. ASCII letters are lower-cased; every other byte (UTF-8 sequences included) is kept as is,
//      so "CRÈME" becomes "crÈme" (case folding is ASCII only).
//   2. Retweet prefixes: while no word has been kept yet, a token "rt" followed by a token that
//      starts with '@' is dropped (so "RT @a: RT @b: hi" becomes "hi").
//   3. Leading ASCII punctuation other than '@' is stripped; a token then starting with '@' is a
//      mention and dropped; one starting with "http://", "https://" or "www." is a URL and
//      dropped (URLs are recognised at the start of a token only).
//   4. Trailing ASCII punctuation is stripped, so "#Vote!" becomes "vote" (hashtag marks go, the
//      word stays); punctuation inside a word ("don't", "a@b.com", "stop-gap") is kept.
//   5. Empty tokens are dropped; the rest are joined by single spaces (no leading or trailing
//      space).
#pragma once

#include <string>
#include <string_view>

namespace coordnet {

std::string normalise_text(std::string_view text);

}  // namespace coordnet
