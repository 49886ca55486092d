// The generated world: accounts, objects (tweets that get retweeted), hashtags, URLs,
// breaking-news bursts, viral keys and the planted campaigns.
//
// Everything here is a pure function of the configuration (seed included): every rank builds
// the same World, and per-entity properties (an account's id, handle at time t, language; an
// object's time, author, hashtags) are computed on demand from key_hash(seed, what, entity), so
// no table grows with the number of accounts or objects (the 2^16 most popular objects,
// hashtags and URLs are kept, a bounded memo). The campaign tables are small (one entry per
// campaign, cause and signal).
//
// Account index layout: organic accounts are 0..member_begin-1; campaign c owns the contiguous
// range [campaigns[c].first_account, + size): its accounts were created in batches, so they are
// neighbours. Activity is unrelated to the index: the k-th most active account is
// account_of_activity_rank(k), an affine permutation of 0..accounts-1.
//
// Hashtag index space: organic hashtags 0..hashtags-1, then one cause hashtag per (campaign,
// cause). URL index space likewise: organic URLs, then one per (campaign, cause). Object index
// space: organic objects, then bursts, then viral keys, then one seed tweet per campaign signal.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/ids.hpp"
#include "gen/generator_config.hpp"
#include "gen/random.hpp"

namespace coordnet::gen {

inline constexpr TimeMs kDayMs = 86'400'000;
inline constexpr int kMaxTags = 4;

// Inverse-transform sampler of the time of day: density 1 + 0.7 cos(2 pi (h - peak_h) / 24).
class DailyCycle {
 public:
  explicit DailyCycle(double peak_hour);
  TimeMs draw_ms_of_day(Rng& rng) const;

 private:
  std::vector<double> cdf_;           // per minute of the day
  std::vector<std::uint16_t> guide_;  // guide_[k]: first minute with cdf > k / 1440
};

struct Cause {
  TimeMs start_ms;        // members are renamed for this cause at this time
  std::uint32_t hashtag;  // index in the hashtag space
  std::uint64_t url;      // index in the URL space
  std::uint32_t word;     // index into vocabulary::kCauses / kCauseHandles
};

enum class SignalKind : std::uint8_t { seed_tweet, boost_object, hashtag_post };

struct Signal {
  TimeMs t_ms;
  SignalKind kind;
  std::uint64_t object;  // the retweeted object (seed tweet or boosted organic object)
  std::uint32_t cause;   // index into Campaign::causes
};

struct Campaign {
  std::uint64_t first_account;
  std::uint64_t size;
  TimeMs start_ms;
  TimeMs end_ms;
  std::uint32_t operator_index;  // into vocabulary::kOperators
  std::int64_t created_day;      // days since the epoch of the first account batch
  std::vector<Cause> causes;     // by start time; causes[0].start_ms == start_ms
  std::vector<Signal> signals;   // by time
};

// A burst or viral key: one object retweeted by many unrelated accounts from t_ms on.
struct Cascade {
  std::uint64_t object;
  TimeMs t_ms;
  std::uint64_t posts;
  bool viral;  // delays log-normal over hours (viral) or exponential over minutes (burst)
};

struct ObjectInfo {
  TimeMs t_ms;
  std::uint64_t tweet_id;
  std::uint64_t author;
  std::uint8_t n_tags;
  std::uint32_t tags[kMaxTags];
  bool has_url;
  std::uint64_t url;
};

// Twitter snowflake id of a post at t_ms: (t_ms - epoch) << 22 | low bits.
constexpr std::uint64_t snowflake_id(TimeMs t_ms, std::uint64_t low_bits) {
  return (static_cast<std::uint64_t>(t_ms - 1'288'834'974'657LL) << 22) | (low_bits & 0x3FFFFF);
}

class World {
 public:
  explicit World(const GeneratorConfig& config);

  const GeneratorConfig& config() const { return config_; }
  TimeMs start_ms() const { return start_ms_; }
  TimeMs end_ms() const { return start_ms_ + config_.days * kDayMs; }

  // Accounts.
  std::uint64_t n_accounts() const { return config_.accounts; }
  std::uint64_t member_begin() const { return member_begin_; }
  std::uint64_t account_of_activity_rank(std::uint64_t rank) const;
  std::uint64_t activity_rank(std::uint64_t account) const;  // the inverse
  std::uint64_t draw_active_account(Rng& rng) const {
    return account_of_activity_rank(activity_(rng));
  }
  // Campaign index of an account, or -1 for an organic account.
  int campaign_of(std::uint64_t account) const;
  // The stable id: decimal (most accounts) or 64 hex digits (hashed, as for small accounts in
  // the archive: a quarter of the accounts, all in the less active half). The write_*
  // functions write at most kMax*Chars chars at out and return the end of what they wrote;
  // append_* append the same text to a string.
  static constexpr std::size_t kMaxAccountIdChars = 64;
  static constexpr std::size_t kMaxHandleChars = 32;
  static constexpr std::size_t kMaxHashtagChars = 48;
  static constexpr std::size_t kMaxUrlChars = 80;
  char* write_account_id(std::uint64_t account, char* out) const;
  void append_account_id(std::uint64_t account, std::string& out) const {
    char text[kMaxAccountIdChars];
    out.append(text, write_account_id(account, text));
  }
  char* write_handle(std::uint64_t account, TimeMs t_ms, char* out) const;
  void append_handle(std::uint64_t account, TimeMs t_ms, std::string& out) const {
    char text[kMaxHandleChars];
    out.append(text, write_handle(account, t_ms, text));
  }
  void append_display_name(std::uint64_t account, std::string& out) const;
  std::string_view language(std::uint64_t account) const;
  // A post's language: the account's, or `und` (undetermined) for one post in ten.
  std::string_view post_language(std::uint64_t account, std::uint64_t tweet_id) const;
  // The reported location: the operator's for every member of a campaign, else one of
  // vocabulary::kLocations per account (some empty).
  std::string_view location(std::uint64_t account) const;
  std::string_view client(std::uint64_t account) const;
  std::int64_t creation_day(std::uint64_t account) const;

  // Objects, hashtags, URLs.
  ObjectInfo object(std::uint64_t index) const;
  std::uint64_t draw_organic_object(Rng& rng) const { return popularity_(rng); }
  std::uint32_t draw_hashtag(Rng& rng) const {
    return static_cast<std::uint32_t>(hashtag_popularity_(rng));
  }
  std::uint64_t draw_url(Rng& rng) const { return url_popularity_(rng); }
  char* write_hashtag(std::uint32_t hashtag, bool lower_case, char* out) const;
  void append_hashtag(std::uint32_t hashtag, bool lower_case, std::string& out) const {
    char text[kMaxHashtagChars];
    out.append(text, write_hashtag(hashtag, lower_case, text));
  }
  char* write_url(std::uint64_t url, char* out) const;
  void append_url(std::uint64_t url, std::string& out) const {
    char text[kMaxUrlChars];
    out.append(text, write_url(url, text));
  }
  // A few words for the text of a post (deterministic in `which`).
  void append_text(std::uint64_t which, std::string& out) const;

  TimeMs draw_organic_time(Rng& rng) const;
  double cascade_delay_s(Rng& rng) const {
    return rng.lognormal(config_.cascade_median_s, config_.cascade_sigma);
  }

  std::span<const Campaign> campaigns() const { return campaigns_; }
  std::span<const Cascade> cascades() const { return cascades_; }
  std::uint64_t seed_tweet_object(std::size_t campaign, std::size_t signal) const;

  // Per-member behaviour: probability of following a signal and mean delay after it.
  double follow_probability(std::size_t campaign, std::uint64_t member) const;
  double mean_delay_s(std::size_t campaign, std::uint64_t member) const;

 private:
  static constexpr std::uint64_t kCachedObjects = 1 << 16;
  static constexpr std::uint64_t kMemoTexts = 1 << 16;

  ObjectInfo make_object(std::uint64_t index) const;
  char* make_hashtag(std::uint32_t hashtag, bool lower_case, char* out) const;
  char* make_url(std::uint64_t url, char* out) const;
  void build_campaigns();
  void build_cascades();
  const Cause& cause_at(const Campaign& campaign, TimeMs t_ms) const;

  GeneratorConfig config_;
  TimeMs start_ms_;
  std::uint64_t member_begin_ = 0;
  std::uint64_t activity_multiplier_ = 1;
  std::uint64_t activity_offset_ = 0;
  std::uint64_t activity_inverse_ = 0;  // activity_multiplier_^-1 mod accounts
  std::uint64_t account_id_salt_ = 0;
  ZipfSampler activity_;
  ZipfSampler popularity_;
  ZipfSampler hashtag_popularity_;
  ZipfSampler url_popularity_;
  DailyCycle organic_cycle_;
  std::vector<Campaign> campaigns_;
  std::vector<std::uint64_t> campaign_ends_;  // first_account + size per campaign, ascending
  std::vector<Cascade> cascades_;
  std::uint64_t seed_tweet_begin_ = 0;
  std::vector<ObjectInfo> popular_objects_;  // object(o) of the organic objects o < 2^16
  // Texts of the 2^16 most popular organic hashtags (as written, lower-cased) and URLs.
  std::vector<std::string> hashtag_memo_;
  std::vector<std::string> hashtag_lower_memo_;
  std::vector<std::string> url_memo_;
};

}  // namespace coordnet::gen
