#include "pipeline/generate_command.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

#include "core/log.hpp"
#include "gen/generate.hpp"

namespace coordnet {

namespace {

// An option bound to a field of the generator config whose default comes from the scenario.
template <class T>
void scenario_option(GenerateCommand& command, const std::string& flags,
                     T gen::GeneratorConfig::*field, const std::string& help,
                     const std::string& group) {
  auto* option = command.app->add_option(flags, command.config.*field, help)->group(group);
  command.defaults.push_back(
      [option, field](gen::GeneratorConfig& config, const gen::GeneratorConfig& scenario) {
        if (option->count() == 0) config.*field = scenario.*field;
      });
}

}  // namespace

void add_generate_command(CLI::App& app, GenerateCommand& command) {
  auto* g = app.add_subcommand(
      "generate",
      "Write synthetic input files (events CSV, IO-archive CSV) with planted campaigns and a "
      "truth file; identical at any rank count");
  command.app = g;
  auto& c = command.config;
  g->add_option("--out-dir", command.out_dir, "Folder for events.csv, io_archive.csv and truth.csv")
      ->required()
      ->group("Output");
  g->add_option("--format", command.format, "Files to write: events, io-archive or both")
      ->capture_default_str()
      ->check(CLI::IsMember({"events", "io-archive", "both"}))
      ->group("Output");
  g->add_flag("-q,--quiet", command.quiet, "No summary lines")->group("Output");

  const std::string size = "Size";
  g->add_option("--scenario", c.scenario,
                "default, hard (subtler campaigns, more bursts) or viral (keys with millions "
                "of actions); the other options override single values of the scenario")
      ->capture_default_str()
      ->check(CLI::IsMember(gen::kScenarios))
      ->group(size);
  g->add_option("--seed", c.seed, "Random seed")->capture_default_str()->group(size);
  scenario_option(command, "--actions", &gen::GeneratorConfig::actions,
                  "Target number of actions (events rows; default 2M, viral 16M, times --scale)",
                  size);
  g->add_option("--scale", command.scale,
                "Multiplies the scenario's default --actions (sizes follow --actions)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber)
      ->group(size);
  scenario_option(command, "--accounts", &gen::GeneratorConfig::accounts,
                  "Accounts (default actions / 20)", size);
  scenario_option(command, "--objects", &gen::GeneratorConfig::objects,
                  "Organic tweets that get retweeted (default actions / 10)", size);
  scenario_option(command, "--hashtags", &gen::GeneratorConfig::hashtags,
                  "Organic hashtags (default actions / 500)", size);
  scenario_option(command, "--urls", &gen::GeneratorConfig::urls,
                  "Organic URLs (default actions / 50)", size);
  scenario_option(command, "--days", &gen::GeneratorConfig::days, "Days of data (default 7)", size);
  scenario_option(command, "--start", &gen::GeneratorConfig::start_s,
                  "Unix second of the first day (default 2023-11-14 00:00 UTC)", size);

  const std::string organic = "Organic background";
  scenario_option(command, "--account-zipf", &gen::GeneratorConfig::account_zipf,
                  "Activity exponent: account of activity rank r posts ~ (r+1)^-x", organic);
  scenario_option(command, "--object-zipf", &gen::GeneratorConfig::object_zipf,
                  "Popularity exponent of retweeted objects and URLs", organic);
  scenario_option(command, "--hashtag-zipf", &gen::GeneratorConfig::hashtag_zipf,
                  "Popularity exponent of hashtags", organic);
  scenario_option(command, "--retweet-fraction", &gen::GeneratorConfig::retweet_fraction,
                  "Organic posts that are retweets", organic);
  scenario_option(command, "--cascade-median", &gen::GeneratorConfig::cascade_median_s,
                  "Median retweet delay after the object, seconds (log-normal)", organic);
  scenario_option(command, "--cascade-sigma", &gen::GeneratorConfig::cascade_sigma,
                  "Shape of the log-normal retweet delay", organic);
  scenario_option(command, "--organic-rename-fraction",
                  &gen::GeneratorConfig::organic_rename_fraction,
                  "Organic accounts renamed once at a random time", organic);
  scenario_option(command, "--bursts-per-day", &gen::GeneratorConfig::bursts_per_day,
                  "Breaking-news bursts per day (hard: 4)", organic);
  scenario_option(command, "--burst-min-posts", &gen::GeneratorConfig::burst_min_posts,
                  "Smallest burst (default actions / 2000)", organic);
  scenario_option(command, "--burst-max-posts", &gen::GeneratorConfig::burst_max_posts,
                  "Largest burst (default actions / 200)", organic);
  scenario_option(command, "--burst-delay-mean", &gen::GeneratorConfig::burst_delay_mean_s,
                  "Mean retweet delay in a burst, seconds", organic);
  scenario_option(command, "--viral-keys", &gen::GeneratorConfig::viral_keys,
                  "Objects with --viral-posts retweets each (viral: 2)", organic);
  scenario_option(command, "--viral-posts", &gen::GeneratorConfig::viral_posts,
                  "Retweets of each viral key (viral: actions / 8)", organic);
  scenario_option(command, "--viral-median", &gen::GeneratorConfig::viral_median_s,
                  "Median retweet delay of a viral key, seconds", organic);

  const std::string planted = "Planted campaigns";
  scenario_option(command, "--campaigns", &gen::GeneratorConfig::campaigns, "Number of campaigns",
                  planted);
  scenario_option(command, "--campaign-min-size", &gen::GeneratorConfig::campaign_min_size,
                  "Smallest campaign (sizes log-uniform between min and max)", planted);
  scenario_option(command, "--campaign-max-size", &gen::GeneratorConfig::campaign_max_size,
                  "Largest campaign", planted);
  scenario_option(command, "--max-member-fraction", &gen::GeneratorConfig::max_member_fraction,
                  "Campaign members over all accounts, at most (sizes shrink to fit)", planted);
  scenario_option(command, "--signals", &gen::GeneratorConfig::signals,
                  "'Post now' signals per campaign", planted);
  scenario_option(command, "--campaign-min-days", &gen::GeneratorConfig::min_days,
                  "Shortest active span of a campaign, days", planted);
  scenario_option(command, "--campaign-max-days", &gen::GeneratorConfig::max_days,
                  "Longest active span of a campaign, days", planted);
  scenario_option(command, "--max-causes", &gen::GeneratorConfig::max_causes,
                  "Unrelated causes per campaign (1..max), each with a hashtag and a rename",
                  planted);
  scenario_option(command, "--follow-min", &gen::GeneratorConfig::follow_min,
                  "Lowest per-member probability of following a signal (hard: 0.2)", planted);
  scenario_option(command, "--follow-max", &gen::GeneratorConfig::follow_max,
                  "Highest per-member probability of following a signal (hard: 0.6)", planted);
  scenario_option(command, "--delay-mean-min", &gen::GeneratorConfig::delay_mean_min_s,
                  "Lowest per-member mean delay after a signal, seconds (hard: 20)", planted);
  scenario_option(command, "--delay-mean-max", &gen::GeneratorConfig::delay_mean_max_s,
                  "Highest per-member mean delay, seconds (hard: 180)", planted);
  scenario_option(command, "--delay-cap", &gen::GeneratorConfig::delay_cap_s,
                  "Longest delay after a signal, seconds (hard: 900)", planted);
  scenario_option(command, "--cover-posts", &gen::GeneratorConfig::cover_posts,
                  "Organic-looking retweets per member per signal (hard: 2)", planted);
  scenario_option(command, "--batch-size", &gen::GeneratorConfig::batch_size,
                  "Campaign accounts created on the same day", planted);
  scenario_option(command, "--chunk-posts", &gen::GeneratorConfig::chunk_posts,
                  "Posts per unit of work", "");
  g->add_option("--block-posts", command.block_posts,
                "Expected posts (truth.csv: accounts) of a block that a rank makes and writes in "
                "one piece")
      ->check(CLI::PositiveNumber)
      ->group("");
}

void run_generate(GenerateCommand& command, const Comm& comm) {
  Log::init(comm.rank(), command.quiet ? Verbosity::quiet : Verbosity::info);
  auto& config = command.config;
  const auto* actions_option = command.app->get_option("--actions");
  const auto actions =
      actions_option->count() > 0
          ? config.actions
          : static_cast<std::uint64_t>(
                std::llround(static_cast<double>(gen::scenario_default_actions(config.scenario)) *
                             command.scale));
  const auto scenario = gen::scenario_config(config.scenario, actions);
  for (const auto& apply_default : command.defaults) apply_default(config, scenario);
  // A short data set shortens the default campaign spans (an explicit value is kept and checked).
  for (auto [flag, days] : {std::pair{"--campaign-min-days", &config.min_days},
                            std::pair{"--campaign-max-days", &config.max_days}}) {
    if (command.app->get_option(flag)->count() == 0) *days = std::min(*days, config.days);
  }
  gen::validate(config);

  gen::GenerateOutputs outputs;
  outputs.out_dir = command.out_dir;
  outputs.events = command.format != "io-archive";
  outputs.io_archive = command.format != "events";
  if (command.block_posts > 0) outputs.block_posts = command.block_posts;
  Log::info(
      "coordnet generate on {} rank(s): scenario {}, seed {}, target {} actions, {} "
      "accounts, {} days, {} campaigns",
      comm.size(), config.scenario, config.seed, config.actions, config.accounts, config.days,
      config.campaigns);
  const auto s = gen::generate(config, outputs, comm);
  Log::info(
      "generated {} posts, {} actions (retweet {}, mention {}, hashtag {}, url {}); {} "
      "campaign members in {} campaigns",
      s.posts, s.actions, s.retweet_actions, s.mention_actions, s.hashtag_actions, s.url_actions,
      s.campaign_members, config.campaigns);
  Log::info(
      "wrote {}: events.csv {} bytes, io_archive.csv {} bytes, truth.csv {} bytes in "
      "{:.2f} s ({:.2f} M actions/s)",
      command.out_dir, s.events_bytes, s.io_archive_bytes, s.truth_bytes, s.seconds,
      static_cast<double>(s.actions) / s.seconds / 1e6);
}

}  // namespace coordnet
