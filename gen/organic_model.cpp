#include "gen/organic_model.hpp"

#include <absl/container/flat_hash_set.h>

#include <algorithm>
#include <cmath>

namespace coordnet::gen {

namespace {

enum StreamTag : std::uint64_t { kOrganicChunk = 101, kCascadeChunk = 102 };

Post original_post(const World& world, Rng& rng) {
  Post p{};
  p.account = world.draw_active_account(rng);
  p.t_ms = world.draw_organic_time(rng);
  p.tweet_id = snowflake_id(p.t_ms, rng.next());
  const int n_tags = static_cast<int>(rng.below(4));
  const auto n_hashtags = static_cast<std::uint32_t>(world.config().hashtags);
  for (int i = 0; i < n_tags && i < static_cast<int>(n_hashtags); ++i) {
    auto tag = world.draw_hashtag(rng);
    while (std::find(p.tags, p.tags + p.n_tags, tag) != p.tags + p.n_tags) {
      tag = (tag + 1) % n_hashtags;
    }
    p.tags[p.n_tags++] = tag;
  }
  p.has_url = rng.chance(0.3);
  if (p.has_url) p.url = world.draw_url(rng);
  return p;
}

}  // namespace

Post organic_retweet(const World& world, std::uint64_t account, Rng& rng) {
  const auto object = world.draw_organic_object(rng);
  const auto info = world.object(object);
  const auto delay_ms = static_cast<TimeMs>(world.cascade_delay_s(rng) * 1000.0) + 1'000;
  return retweet_post(account, info.t_ms + delay_ms, rng.next(), object, info);
}

void organic_posts(const World& world, std::uint64_t chunk, std::uint64_t count,
                   std::vector<Post>& out) {
  Rng rng(world.config().seed, kOrganicChunk, chunk);
  for (std::uint64_t i = 0; i < count; ++i) {
    if (rng.chance(world.config().retweet_fraction)) {
      out.push_back(organic_retweet(world, world.draw_active_account(rng), rng));
    } else {
      out.push_back(original_post(world, rng));
    }
  }
}

void cascade_posts(const World& world, std::size_t cascade, std::uint64_t chunk,
                   std::uint64_t count, std::vector<Post>& out) {
  const auto& c = world.cascades()[cascade];
  const auto info = world.object(c.object);
  const auto& config = world.config();
  Rng rng(config.seed, kCascadeChunk, cascade, chunk);
  // An account retweets a tweet once: redraw an account already in this chunk (a bounded number
  // of times, so a chunk larger than the active population still ends).
  absl::flat_hash_set<std::uint64_t> retweeted;
  retweeted.reserve(count);
  for (std::uint64_t i = 0; i < count; ++i) {
    auto account = world.draw_active_account(rng);
    for (int redraw = 0; redraw < 32 && !retweeted.insert(account).second; ++redraw) {
      account = world.draw_active_account(rng);
    }
    const double delay_s = c.viral ? rng.lognormal(config.viral_median_s, 1.0)
                                   : rng.exponential(config.burst_delay_mean_s);
    const auto t_ms = c.t_ms + 500 + static_cast<TimeMs>(delay_s * 1000.0);
    out.push_back(retweet_post(account, t_ms, rng.next(), c.object, info));
  }
}

}  // namespace coordnet::gen
