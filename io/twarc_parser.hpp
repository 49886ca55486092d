// Reader for twarc2 JSONL (Twitter API v2), one JSON document per line, shape detected per line:
//  - page per line (twarc2 search): {"data": [tweet, ...], "includes": {"users": [...],
//    "tweets": [...]}, ...}; only the tweets of "data" are read, the handle comes from
//    includes.users;
//  - flattened, one tweet per line (twarc2 flatten): the tweet with "author" expanded in place.
// Emits per tweet: retweet / reply / quote actions from referenced_tweets (key = referenced id),
// hashtag (lower-cased tag), url (expanded_url when present, else url), mention (mentioned user
// id, else lower-cased username); hashtag, url and mention keys distinct per tweet.
// Account = author_id; handle = the author's username; time = created_at; content = tweet id.
// A line is rejected whole (bad_json, unknown_json_shape, missing_content, missing_account,
// bad_timestamp, missing_key) before anything is emitted. Fields and reasons: docs/inputs.md.
#pragma once

#include <memory>

#include "io/record_parser.hpp"

namespace coordnet {

std::unique_ptr<RecordParser> make_twarc_parser();

}  // namespace coordnet
