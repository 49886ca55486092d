// Formats posts as rows of the long-format events CSV (docs/inputs.md), one row per action:
//   object_id,account_id,content_id,timestamp_share,layer,handle,account_created,language,location
// content_id is the post's tweet id, timestamp_share unix seconds with milliseconds, handle the
// account's screen name at that time; account_created, language (the post's) and location are
// the archive's account_creation_date, tweet_language and user_reported_location. Keys are what the
// IO-archive reader makes of the same post (hashtags lower-cased, the retweeted tweet id, the URL,
// the mentioned author's id), so both files give the same actions.
#pragma once

#include <string>
#include <string_view>

#include "gen/post.hpp"
#include "gen/world.hpp"

namespace coordnet::gen {

inline constexpr std::string_view kEventsHeader =
    "object_id,account_id,content_id,timestamp_share,layer,handle,account_created,language,"
    "location\n";

// Appends the rows of one post.
void append_events_rows(const World& world, const Post& post, std::string& out);

}  // namespace coordnet::gen
