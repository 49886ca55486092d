#include "gen/generator_config.hpp"

#include <algorithm>

#include "core/errors.hpp"

namespace coordnet::gen {

std::uint64_t scenario_default_actions(const std::string& scenario) {
  return scenario == "viral" ? 16'000'000 : 2'000'000;
}

GeneratorConfig scenario_config(const std::string& scenario, std::uint64_t actions) {
  if (std::find(kScenarios.begin(), kScenarios.end(), scenario) == kScenarios.end()) {
    throw UsageError("unknown scenario '" + scenario + "' (default, hard, viral)");
  }
  GeneratorConfig c;
  c.scenario = scenario;
  c.actions = actions;
  c.accounts = std::max<std::uint64_t>(2'000, actions / 20);
  c.objects = std::max<std::uint64_t>(1'000, actions / 10);
  c.hashtags = std::max<std::uint64_t>(50, actions / 500);
  c.urls = std::max<std::uint64_t>(200, actions / 50);
  c.burst_min_posts = std::max<std::uint64_t>(50, actions / 2'000);
  c.burst_max_posts = std::max<std::uint64_t>(500, actions / 200);
  if (scenario == "hard") {
    c.follow_min = 0.2;
    c.follow_max = 0.6;
    c.delay_mean_min_s = 20.0;
    c.delay_mean_max_s = 180.0;
    c.delay_cap_s = 900.0;
    c.cover_posts = 2.0;
    c.bursts_per_day = 4.0;
    c.organic_rename_fraction = 0.03;
  } else if (scenario == "viral") {
    c.viral_keys = 2;
    c.viral_posts = actions / 8;  // two keys: half of the actions
  }
  return c;
}

void validate(const GeneratorConfig& c) {
  auto require = [](bool ok, const std::string& what) {
    if (!ok) throw UsageError("generate: " + what, true);  // every rank checks the same values
  };
  require(c.actions > 0 && c.accounts > 0 && c.objects > 0 && c.hashtags > 0 && c.urls > 0,
          "--actions, --accounts, --objects, --hashtags and --urls must be positive");
  require(c.days > 0 && c.days <= 3'650, "--days must be in 1..3650");
  require(c.start_s >= 1'300'000'000 && c.start_s <= 4'000'000'000,
          "--start must be a unix second in 2011..2096 (tweet ids carry the time)");
  require(c.campaign_min_size >= 2 && c.campaign_min_size <= c.campaign_max_size,
          "need 2 <= --campaign-min-size <= --campaign-max-size");
  require(c.campaigns >= 0 && c.signals >= 1, "need --campaigns >= 0 and --signals >= 1");
  require(c.min_days >= 1 && c.min_days <= c.max_days && c.max_days <= c.days,
          "need 1 <= --campaign-min-days <= --campaign-max-days <= --days");
  require(c.max_causes >= 1, "--max-causes must be at least 1");
  require(0.0 <= c.follow_min && c.follow_min <= c.follow_max && c.follow_max <= 1.0,
          "need 0 <= --follow-min <= --follow-max <= 1");
  require(0.0 < c.delay_mean_min_s && c.delay_mean_min_s <= c.delay_mean_max_s &&
              c.delay_mean_max_s <= c.delay_cap_s,
          "need 0 < --delay-mean-min <= --delay-mean-max <= --delay-cap");
  require(0.0 <= c.retweet_fraction && c.retweet_fraction <= 1.0 &&
              0.0 <= c.organic_rename_fraction && c.organic_rename_fraction <= 1.0,
          "fractions must be in [0, 1]");
  require(c.cover_posts >= 0.0 && c.bursts_per_day >= 0.0, "counts must not be negative");
  require(c.burst_min_posts >= 1 && c.burst_min_posts <= c.burst_max_posts,
          "need 1 <= burst min posts <= burst max posts");
  require(c.viral_keys >= 0 && (c.viral_keys == 0 || c.viral_posts > 0),
          "viral keys need --viral-posts > 0");
  require(c.batch_size >= 1 && c.chunk_posts >= 1, "batch and chunk sizes must be positive");
  require(c.max_member_fraction > 0.0 && c.max_member_fraction <= 1.0,
          "--max-member-fraction must be in (0, 1]");
  const double room = c.max_member_fraction * static_cast<double>(c.accounts);
  require(static_cast<double>(c.campaigns) * static_cast<double>(c.campaign_min_size) <= room,
          "the campaigns do not fit: --campaigns x --campaign-min-size exceeds "
          "--max-member-fraction of --accounts");
}

}  // namespace coordnet::gen
