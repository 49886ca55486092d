// Post: one generated tweet. The IO-archive writer turns it into one row; the events writer into
// one row per action it carries: a retweet action and a mention of the retweeted author (the
// archive fills user_mentions from the "RT @author:" text), one per distinct hashtag, one for
// its URL.
#pragma once

#include <cstdint>

#include "core/ids.hpp"
#include "gen/world.hpp"

namespace coordnet::gen {

struct Post {
  std::uint64_t account;
  TimeMs t_ms;
  std::uint64_t tweet_id;  // snowflake: carries t_ms
  bool is_retweet;
  std::uint64_t object;  // the retweeted object (when is_retweet): index, id, author, time
  std::uint64_t object_tweet_id;
  std::uint64_t object_author;
  TimeMs object_t_ms;
  std::uint8_t n_tags;  // distinct hashtags (indices in the hashtag space)
  std::uint32_t tags[kMaxTags];
  bool has_url;
  std::uint64_t url;

  int n_actions() const { return (is_retweet ? 2 : 0) + n_tags + (has_url ? 1 : 0); }
};

// A retweet of `object` by `account` at t_ms: it carries the object's hashtags and URL.
inline Post retweet_post(std::uint64_t account, TimeMs t_ms, std::uint64_t low_bits,
                         std::uint64_t object, const ObjectInfo& info) {
  Post p{};
  p.account = account;
  p.t_ms = t_ms;
  p.tweet_id = snowflake_id(t_ms, low_bits);
  p.is_retweet = true;
  p.object = object;
  p.object_tweet_id = info.tweet_id;
  p.object_author = info.author;
  p.object_t_ms = info.t_ms;
  p.n_tags = info.n_tags;
  for (int i = 0; i < info.n_tags; ++i) p.tags[i] = info.tags[i];
  p.has_url = info.has_url;
  p.url = info.url;
  return p;
}

}  // namespace coordnet::gen
