// The organic background: posts of unrelated accounts.
//
// * An organic post's account is drawn by activity (Zipf over activity ranks: a few accounts post
//   thousands of times, most a few times).
// * With probability retweet_fraction it retweets an object drawn by popularity (Zipf), after a
//   log-normal delay from the object's own time (median cascade_median_s, a tail of days): a
//   popular object's retweets unfold over hours as a cascade. Objects are posted over the days
//   with a daily cycle (busiest 20:00 UTC). A retweet carries the object's hashtags and URL.
// * Otherwise it is an original post at a daily-cycle time with 0-3 hashtags drawn by hashtag
//   popularity and, with probability 0.3, a URL.
// * Cascades (breaking news, viral keys): one new object retweeted by accounts drawn by activity
//   (so very active accounts join many of them) within minutes (exponential delays, mean
//   burst_delay_mean_s) or, for viral keys, over hours (log-normal, median viral_median_s).
//   An account appears once per cascade chunk (chunk_posts retweets; a cascade of at most
//   chunk_posts posts, every burst at the default sizes, has no account twice).
#pragma once

#include <cstdint>
#include <vector>

#include "gen/post.hpp"
#include "gen/world.hpp"

namespace coordnet::gen {

// An organic retweet by a given account (also the campaigns' cover traffic).
Post organic_retweet(const World& world, std::uint64_t account, Rng& rng);

// Appends `count` organic posts of chunk `chunk` (its own random stream).
void organic_posts(const World& world, std::uint64_t chunk, std::uint64_t count,
                   std::vector<Post>& out);

// Appends posts [first, first + count) of cascade `cascade` (stream keyed by cascade and chunk).
void cascade_posts(const World& world, std::size_t cascade, std::uint64_t chunk,
                   std::uint64_t count, std::vector<Post>& out);

}  // namespace coordnet::gen
