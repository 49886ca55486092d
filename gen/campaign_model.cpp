#include "gen/campaign_model.hpp"

#include <algorithm>
#include <cmath>

#include "gen/organic_model.hpp"

namespace coordnet::gen {

namespace {

enum StreamTag : std::uint64_t { kSignalStream = 201 };

Post cause_post(std::uint64_t account, TimeMs t_ms, std::uint64_t tweet_id, const Cause& cause,
                bool with_url) {
  Post p{};
  p.account = account;
  p.t_ms = t_ms;
  p.tweet_id = tweet_id;
  p.n_tags = 1;
  p.tags[0] = cause.hashtag;
  p.has_url = with_url;
  p.url = cause.url;
  return p;
}

}  // namespace

void campaign_signal_posts(const World& world, std::size_t campaign, std::size_t signal,
                           std::vector<Post>& out) {
  const auto& config = world.config();
  const auto& c = world.campaigns()[campaign];
  const auto& s = c.signals[signal];
  const auto& cause = c.causes[s.cause];
  const auto target = world.object(s.object);
  Rng rng(config.seed, kSignalStream, campaign, signal);
  if (s.kind == SignalKind::seed_tweet) {
    out.push_back(cause_post(c.first_account, target.t_ms, target.tweet_id, cause, target.has_url));
  }
  const double whole_cover = std::floor(config.cover_posts);
  for (std::uint64_t m = 0; m < c.size; ++m) {
    const auto account = c.first_account + m;
    if (rng.chance(world.follow_probability(campaign, m))) {
      const double delay_s =
          std::min(config.delay_cap_s, 1.0 + rng.exponential(world.mean_delay_s(campaign, m)));
      const auto t_ms = s.t_ms + static_cast<TimeMs>(delay_s * 1000.0);
      if (s.kind == SignalKind::hashtag_post) {
        out.push_back(
            cause_post(account, t_ms, snowflake_id(t_ms, rng.next()), cause, rng.chance(0.5)));
      } else {
        out.push_back(retweet_post(account, t_ms, rng.next(), s.object, target));
      }
    }
    const auto n_cover =
        static_cast<int>(whole_cover) + (rng.chance(config.cover_posts - whole_cover) ? 1 : 0);
    for (int k = 0; k < n_cover; ++k) out.push_back(organic_retweet(world, account, rng));
  }
}

double expected_signal_posts(const World& world, std::size_t campaign) {
  const auto& config = world.config();
  const auto size = static_cast<double>(world.campaigns()[campaign].size);
  return 1.0 + size * (0.5 * (config.follow_min + config.follow_max) + config.cover_posts);
}

}  // namespace coordnet::gen
