// Reader for any wide CSV through a column mapping (`--map account=account_id,time=timestamp,
// content=post_id,url=url_id,hashtag=hashtag_id,...`), as CooRTweet's prep_data does: every
// non-empty mapped layer column of a record emits one action of that layer, so one file feeds
// several layers at once. Roles: `account` and `time` (required), `content` (the post id;
// without it a record's content is its line text), `handle`, and any layer name (retweet,
// hashtag, url, domain, image, ...). A layer column's value is one key; mapped as `COLUMN[]`
// (`hashtag=hashtags[]`) the column is a list, its blank-separated items (spaces or tabs) one
// key each, repeats within a record emitted once.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "io/record_parser.hpp"

namespace coordnet {

using ColumnMap = std::vector<std::pair<std::string, std::string>>;  // (role, column)

// Parses "role=column,role=column"; throws UsageError on an unknown role, a bad item, or a map
// without account, time or any layer.
ColumnMap parse_column_map(std::string_view text);

// Throws DataError when a mapped column is missing from the header.
std::unique_ptr<RecordParser> make_mapped_csv_parser(std::span<const std::string_view> header,
                                                     const ColumnMap& map);

}  // namespace coordnet
