// Formats posts as rows of the X/Twitter information-operations archive CSV: all 31 columns,
// with the quirks the reader must handle (docs/inputs.md): Python-style lists in several
// spellings (`['a', 'b']`, `["a", 'b']`, `[a, b]`, `[]`, empty, `nan`), `#` before some
// hashtags and the original capitals, True/False in several spellings, counts written as `0.0`,
// coordinates `absent`, hashed 64-hex user ids, ids above 2^53, texts with commas, quotes and
// line breaks, minute-resolution tweet_time beside millisecond snowflake ids
// ((t_ms - 1288834974657) << 22). A retweet's user_mentions holds the retweeted author, as the
// archive fills it from the "RT @author:" text.
#pragma once

#include <string>
#include <string_view>

#include "gen/post.hpp"
#include "gen/world.hpp"

namespace coordnet::gen {

extern const std::string_view kIoArchiveHeader;

// Appends the row of one post; `scratch` is reused between calls.
void append_io_archive_row(const World& world, const Post& post, std::string& scratch,
                           std::string& out);

}  // namespace coordnet::gen
