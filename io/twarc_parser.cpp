// twarc2 JSONL reader: one JSON document per line, parsed with simdjson's DOM API.
//
// A line is validated whole before anything is emitted: every tweet it carries must have an id,
// an author id, a parseable created_at and an id on every referenced tweet, or the line is
// rejected and emits nothing. String views handed to the sink point into the parsed document
// (valid until the next line) or into a key buffer (valid until the next layer is collected).
#include "io/twarc_parser.hpp"

#include <simdjson.h>

#include <algorithm>
#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "io/timestamp.hpp"

namespace coordnet {

namespace {

using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::object;
using ElementResult = simdjson::simdjson_result<element>;

// The string at `result`, or empty when it is absent or not a string.
std::string_view string_or_empty(ElementResult result) {
  std::string_view value;
  if (result.get(value) != simdjson::SUCCESS) return {};
  return value;
}

// Calls visit(object) for every object in the array at `result`; absent or non-array: no calls.
template <class Visit>
void for_each_object(ElementResult result, Visit visit) {
  array items;
  if (result.get(items) != simdjson::SUCCESS) return;
  for (element item : items) {
    object item_object;
    if (item.get(item_object) == simdjson::SUCCESS) visit(item_object);
  }
}

std::optional<Layer> reference_layer(std::string_view type) {
  if (type == "retweeted") return Layer::retweet;
  if (type == "replied_to") return Layer::reply;
  if (type == "quoted") return Layer::quote;
  return std::nullopt;
}

void lower_ascii(std::span<char> text) {
  for (char& c : text) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
}

bool has_member(object json, std::string_view key) {
  return json[key].error() == simdjson::SUCCESS;
}

// A tweet, whichever shape carries it: flattened lines hold an "author" object.
bool looks_like_tweet(object json) {
  return has_member(json, "id") || has_member(json, "author_id") || has_member(json, "author");
}

Rejection tweet_rejection(std::string reason, std::string_view tweet_id, std::string_view what) {
  return Rejection{std::move(reason), "tweet " + std::string(tweet_id) + ": " + std::string(what)};
}

bool every_reference_has_id(object tweet) {
  bool all_have_ids = true;
  for_each_object(tweet["referenced_tweets"], [&](object reference) {
    all_have_ids = all_have_ids && !string_or_empty(reference["id"]).empty();
  });
  return all_have_ids;
}

// The distinct keys of one layer of one tweet, in first-seen order. Keys are copied (lower-cased
// when asked) into one buffer; views from at() stay valid until the next add() or clear().
class DistinctKeys {
 public:
  enum class Case { keep, lower };

  void clear() {
    bytes_.clear();
    spans_.clear();
  }

  void add(std::string_view key, Case key_case) {
    if (key.empty()) return;
    const std::size_t start = bytes_.size();
    bytes_.append(key);
    if (key_case == Case::lower) lower_ascii(std::span(bytes_).subspan(start));
    const std::string_view added = std::string_view(bytes_).substr(start);
    const bool seen = std::ranges::any_of(spans_, [&](Span span) { return at(span) == added; });
    if (seen) {
      bytes_.resize(start);
    } else {
      spans_.push_back(Span{start, key.size()});
    }
  }

  std::size_t size() const { return spans_.size(); }
  std::string_view at(std::size_t index) const { return at(spans_[index]); }

 private:
  struct Span {
    std::size_t offset;
    std::size_t size;
  };

  std::string_view at(Span span) const {
    return std::string_view(bytes_).substr(span.offset, span.size);
  }

  std::string bytes_;
  std::vector<Span> spans_;
};

struct UserName {
  std::string_view id;
  std::string_view username;
};

// A validated tweet of the current line.
struct Tweet {
  object json;
  std::string_view id;
  std::string_view account;
  std::string_view handle;
  TimeMs t_ms = 0;
};

class TwarcParser final : public RecordParser {
 public:
  std::optional<Rejection> parse(const RecordView& record, ActionSink& sink) override {
    object line;
    if (auto rejection = parse_json(record.raw, line)) return rejection;
    if (auto rejection = collect_tweets(line)) return rejection;
    for (const Tweet& tweet : tweets_) emit_tweet(tweet, sink);
    return std::nullopt;
  }

 private:
  std::optional<Rejection> parse_json(std::string_view text, object& line) {
    padded_.resize(text.size() + simdjson::SIMDJSON_PADDING);
    std::memcpy(padded_.data(), text.data(), text.size());
    element document;
    const auto error = parser_.parse(padded_.data(), text.size(), false).get(document);
    if (error != simdjson::SUCCESS) return Rejection{"bad_json", simdjson::error_message(error)};
    if (document.get(line) != simdjson::SUCCESS) {
      return Rejection{"unknown_json_shape", "the line is not a JSON object"};
    }
    return std::nullopt;
  }

  // Fills tweets_ from a page ("data": [tweet, ...]) or a flattened tweet.
  std::optional<Rejection> collect_tweets(object line) {
    tweets_.clear();
    users_.clear();
    const ElementResult data = line["data"];
    if (data.error() == simdjson::SUCCESS) return collect_page_tweets(line, data);
    if (looks_like_tweet(line)) return add_tweet(line);
    return Rejection{"unknown_json_shape",
                     "neither a page (\"data\") nor a tweet (\"id\", \"author_id\")"};
  }

  std::optional<Rejection> collect_page_tweets(object page, ElementResult data) {
    array tweets;
    if (data.get(tweets) != simdjson::SUCCESS) {
      return Rejection{"unknown_json_shape", "\"data\" is not an array"};
    }
    index_users(page);
    for (element item : tweets) {
      object tweet;
      if (item.get(tweet) != simdjson::SUCCESS) {
        return Rejection{"unknown_json_shape", "an element of \"data\" is not an object"};
      }
      if (auto rejection = add_tweet(tweet)) return rejection;
    }
    return std::nullopt;
  }

  void index_users(object page) {
    for_each_object(page["includes"]["users"], [&](object user) {
      users_.push_back(UserName{string_or_empty(user["id"]), string_or_empty(user["username"])});
    });
    std::ranges::sort(users_, {}, &UserName::id);
  }

  std::optional<Rejection> add_tweet(object json) {
    const std::string_view id = string_or_empty(json["id"]);
    if (id.empty()) return Rejection{"missing_content", "a tweet without \"id\""};
    const std::string_view account = author_id(json);
    if (account.empty()) return tweet_rejection("missing_account", id, "no \"author_id\"");
    const std::string_view created_at = string_or_empty(json["created_at"]);
    const std::optional<TimeMs> t_ms = parse_iso8601(created_at);
    if (!t_ms) {
      return tweet_rejection("bad_timestamp", id, "created_at \"" + std::string(created_at) + "\"");
    }
    if (!every_reference_has_id(json)) {
      return tweet_rejection("missing_key", id, "a referenced tweet without \"id\"");
    }
    tweets_.push_back(Tweet{json, id, account, author_username(json, account), *t_ms});
    return std::nullopt;
  }

  static std::string_view author_id(object tweet) {
    const std::string_view id = string_or_empty(tweet["author_id"]);
    return id.empty() ? string_or_empty(tweet["author"]["id"]) : id;
  }

  // The expanded "author" of a flattened tweet, else the page's includes.users entry.
  std::string_view author_username(object tweet, std::string_view account) const {
    const std::string_view expanded = string_or_empty(tweet["author"]["username"]);
    if (!expanded.empty()) return expanded;
    const auto user = std::ranges::lower_bound(users_, account, {}, &UserName::id);
    if (user == users_.end() || user->id != account) return {};
    return user->username;
  }

  void emit_tweet(const Tweet& tweet, ActionSink& sink) {
    ParsedAction action;
    action.account = tweet.account;
    action.handle = tweet.handle;
    action.content = tweet.id;
    action.t_ms = tweet.t_ms;
    emit_references(tweet.json, action, sink);
    const ElementResult entities = tweet.json["entities"];
    emit_hashtags(entities, action, sink);
    emit_urls(entities, action, sink);
    emit_mentions(entities, action, sink);
  }

  static void emit_references(object tweet, ParsedAction& action, ActionSink& sink) {
    for_each_object(tweet["referenced_tweets"], [&](object reference) {
      const std::optional<Layer> layer = reference_layer(string_or_empty(reference["type"]));
      if (!layer) return;
      action.layer = *layer;
      action.key = string_or_empty(reference["id"]);
      sink.emit(action);
    });
  }

  void emit_hashtags(ElementResult entities, ParsedAction& action, ActionSink& sink) {
    keys_.clear();
    for_each_object(entities["hashtags"], [&](object hashtag) {
      keys_.add(string_or_empty(hashtag["tag"]), DistinctKeys::Case::lower);
    });
    emit_keys(Layer::hashtag, action, sink);
  }

  void emit_urls(ElementResult entities, ParsedAction& action, ActionSink& sink) {
    keys_.clear();
    for_each_object(entities["urls"], [&](object url) {
      const std::string_view expanded = string_or_empty(url["expanded_url"]);
      keys_.add(expanded.empty() ? string_or_empty(url["url"]) : expanded,
                DistinctKeys::Case::keep);
    });
    emit_keys(Layer::url, action, sink);
  }

  void emit_mentions(ElementResult entities, ParsedAction& action, ActionSink& sink) {
    keys_.clear();
    for_each_object(entities["mentions"], [&](object mention) {
      const std::string_view id = string_or_empty(mention["id"]);
      if (id.empty()) {
        keys_.add(string_or_empty(mention["username"]), DistinctKeys::Case::lower);
      } else {
        keys_.add(id, DistinctKeys::Case::keep);
      }
    });
    emit_keys(Layer::mention, action, sink);
  }

  void emit_keys(Layer layer, ParsedAction& action, ActionSink& sink) const {
    action.layer = layer;
    for (std::size_t i = 0; i < keys_.size(); ++i) {
      action.key = keys_.at(i);
      sink.emit(action);
    }
  }

  simdjson::dom::parser parser_;
  std::string padded_;           // the current line followed by SIMDJSON_PADDING bytes
  std::vector<UserName> users_;  // includes.users of the current page, sorted by id
  std::vector<Tweet> tweets_;    // the validated tweets of the current line
  DistinctKeys keys_;            // the keys of the layer being emitted
};

}  // namespace

std::unique_ptr<RecordParser> make_twarc_parser() { return std::make_unique<TwarcParser>(); }

}  // namespace coordnet
