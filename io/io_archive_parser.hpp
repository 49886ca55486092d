// Reader for the X/Twitter information-operations archive CSV (31 columns, read by header name).
//
// Emits per tweet: retweet (key retweet_tweetid), reply (key in_reply_to_tweetid), quote (key
// quoted_tweet_tweetid), one hashtag action per hashtag (lower-cased), one url action per URL,
// one mention action per mentioned user id. Time: from the tweet id (a snowflake, ms resolution)
// when it carries one, else tweet_time (minute resolution). The handle is user_screen_name.
// Quirks handled and rejection reasons are listed in docs/inputs.md.
#pragma once

#include <memory>
#include <span>
#include <string_view>

#include "io/record_parser.hpp"

namespace coordnet {

// Throws DataError naming the missing columns when the header is not an IO-archive header.
std::unique_ptr<RecordParser> make_io_archive_parser(std::span<const std::string_view> header);

// True when the header names the IO-archive columns (used by --format auto).
bool looks_like_io_archive_header(std::span<const std::string_view> header);

}  // namespace coordnet
