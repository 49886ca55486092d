// Reader for the long-format events CSV (CooRTweet-compatible):
//   object_id,account_id,content_id,timestamp_share[,layer][,handle][,platform]
// One action per row: key = object_id, layer = the `layer` column (default retweet), time =
// timestamp_share as Unix seconds (integer or fractional) or ISO-8601.
#pragma once

#include <memory>
#include <span>
#include <string_view>

#include "io/record_parser.hpp"

namespace coordnet {

std::unique_ptr<RecordParser> make_events_csv_parser(std::span<const std::string_view> header);
bool looks_like_events_header(std::span<const std::string_view> header);

}  // namespace coordnet
