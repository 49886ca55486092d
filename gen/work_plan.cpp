#include "gen/work_plan.hpp"

#include <algorithm>
#include <cmath>

#include "gen/campaign_model.hpp"
#include "gen/organic_model.hpp"

namespace coordnet::gen {

namespace {

// Actions per retweet of a burst (retweet, mention, hashtag, URL) and of a viral key (retweet,
// mention).
constexpr double kBurstActionsPerPost = 4.0;
constexpr double kViralActionsPerPost = 2.0;
// Campaign posts: retweets (with mention, cause hashtag, sometimes URL) and cause posts.
constexpr double kCampaignActionsPerPost = 3.0;

}  // namespace

double expected_organic_actions_per_post(const GeneratorConfig& c) {
  // Retweet: retweet + mention + the object's hashtags (0.5 x 0, 0.3 x 1, 0.2 x 2) + URL (0.2).
  const double retweet = 2.0 + 0.7 + 0.2;
  // Original post: 0-3 hashtags (uniform) + URL (0.3).
  const double original = 1.5 + 0.3;
  return c.retweet_fraction * retweet + (1.0 - c.retweet_fraction) * original;
}

std::vector<WorkUnit> plan_units(const World& world) {
  const auto& config = world.config();
  std::vector<WorkUnit> cascade_units;
  double cascade_actions = 0.0;
  for (std::size_t k = 0; k < world.cascades().size(); ++k) {
    const auto& cascade = world.cascades()[k];
    const auto posts = cascade.posts;
    cascade_actions +=
        (cascade.viral ? kViralActionsPerPost : kBurstActionsPerPost) * static_cast<double>(posts);
    for (std::uint64_t first = 0, chunk = 0; first < posts; first += config.chunk_posts, ++chunk) {
      const auto n = std::min(config.chunk_posts, posts - first);
      cascade_units.push_back({UnitKind::cascade, k, chunk, n, static_cast<double>(n)});
    }
  }
  std::vector<WorkUnit> signal_units;
  double campaign_actions = 0.0;
  for (std::size_t c = 0; c < world.campaigns().size(); ++c) {
    const double expected = expected_signal_posts(world, c);
    for (std::size_t s = 0; s < world.campaigns()[c].signals.size(); ++s) {
      signal_units.push_back({UnitKind::signal, c, s, 0, expected});
      campaign_actions += kCampaignActionsPerPost * expected;
    }
  }
  const double organic_actions =
      std::max(0.0, static_cast<double>(config.actions) - cascade_actions - campaign_actions);
  const auto organic_posts = static_cast<std::uint64_t>(
      std::llround(organic_actions / expected_organic_actions_per_post(config)));

  std::vector<WorkUnit> units;
  for (std::uint64_t first = 0, chunk = 0; first < organic_posts;
       first += config.chunk_posts, ++chunk) {
    const auto n = std::min(config.chunk_posts, organic_posts - first);
    units.push_back({UnitKind::organic, 0, chunk, n, static_cast<double>(n)});
  }
  units.insert(units.end(), cascade_units.begin(), cascade_units.end());
  units.insert(units.end(), signal_units.begin(), signal_units.end());
  return units;
}

std::vector<UnitBlock> plan_blocks(std::span<const WorkUnit> units, double block_posts) {
  std::vector<UnitBlock> blocks;
  double posts = 0.0;
  for (std::size_t i = 0; i < units.size(); ++i) {
    if (blocks.empty() || posts >= block_posts) {
      blocks.push_back({i, i});
      posts = 0.0;
    }
    blocks.back().end = i + 1;
    posts += units[i].expected_posts;
  }
  return blocks;
}

void generate_unit(const World& world, const WorkUnit& unit, std::vector<Post>& out) {
  switch (unit.kind) {
    case UnitKind::organic:
      organic_posts(world, unit.part, unit.posts, out);
      break;
    case UnitKind::cascade:
      cascade_posts(world, unit.source, unit.part, unit.posts, out);
      break;
    case UnitKind::signal:
      campaign_signal_posts(world, unit.source, unit.part, out);
      break;
  }
}

}  // namespace coordnet::gen
