// ParsedAction: what a reader extracts from one input record, before interning.
// ActionSink: where readers send them. String views are valid only during emit().
#pragma once

#include <string_view>

#include "core/ids.hpp"

namespace coordnet {

struct ParsedAction {
  Layer layer = Layer::retweet;
  std::string_view key;      // the shared object, already normalised by the reader
  std::string_view account;  // the stable account id (never the handle)
  std::string_view handle;   // screen name at the time of the action; empty when unknown
  std::string_view content;  // id of the post that carried the action
  TimeMs t_ms = 0;
  // Profile of the account as this record gives it (io/account_fields.hpp); unknown: empty or
  // kUnknownTime.
  std::string_view language;         // language of the post
  std::string_view location;         // reported location or time zone of the account
  TimeMs created_ms = kUnknownTime;  // creation time of the account
};

class ActionSink {
 public:
  virtual ~ActionSink() = default;
  virtual void emit(const ParsedAction& action) = 0;
};

}  // namespace coordnet
