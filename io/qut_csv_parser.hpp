// Reader for the QUT Coordination Network Toolkit CSV:
//   message_id,user_id,username,repost_id,reply_id,message,timestamp,urls
// Emits per message: retweet (key repost_id) when repost_id is set, reply (key reply_id) when
// reply_id is set, and one url action per distinct URL in `urls` (space separated).
// Time: `timestamp` as Unix seconds or ISO-8601. Handle: username.
#pragma once

#include <memory>
#include <span>
#include <string_view>

#include "io/record_parser.hpp"

namespace coordnet {

std::unique_ptr<RecordParser> make_qut_csv_parser(std::span<const std::string_view> header);
bool looks_like_qut_header(std::span<const std::string_view> header);

}  // namespace coordnet
