#include "gen/world.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <utility>

#include "core/errors.hpp"
#include "gen/text_format.hpp"
#include "gen/vocabulary.hpp"

namespace coordnet::gen {

namespace {

namespace vocab = vocabulary;

// What a key_hash is about: keeps the per-entity streams apart.
enum Tag : std::uint64_t {
  kAccountId = 1,
  kAccountHexId,
  kHandle,
  kRename,
  kLanguage,
  kCreation,
  kObject,
  kCampaign,
  kFollow,
  kDelay,
  kCascade,
  kHashtagText,
  kUrlText,
  kText,
  kSignal,
  kActivityPermutation,
};

// Bijection on [0, 2^62): distinct accounts get distinct decimal ids.
std::uint64_t permute62(std::uint64_t x) {
  constexpr std::uint64_t kMask = (1ULL << 62) - 1;
  x = (x * 0x9E3779B97F4A7C15ULL) & kMask;
  x ^= x >> 29;
  x = (x * 0xBF58476D1CE4E5B9ULL) & kMask;
  x ^= x >> 32;
  return x;
}

// x with a x = 1 (mod n), for a coprime with n (extended Euclid).
std::uint64_t inverse_mod(std::uint64_t a, std::uint64_t n) {
  __extension__ using int128 = __int128;
  int128 t = 0, next_t = 1, r = n, next_r = a;
  while (next_r != 0) {
    const int128 q = r / next_r;
    t = std::exchange(next_t, t - q * next_t);
    r = std::exchange(next_r, r - q * next_r);
  }
  return static_cast<std::uint64_t>(t < 0 ? t + static_cast<int128>(n) : t);
}

template <std::size_t N>
constexpr std::size_t longest(const std::array<std::string_view, N>& words) {
  std::size_t n = 0;
  for (const auto word : words) n = std::max(n, word.size());
  return n;
}

// The bounds of the write_* functions (World::kMax*Chars) hold for the vocabulary.
static_assert(longest(vocab::kCauseHandles) + 5 <= World::kMaxHandleChars);
static_assert(longest(vocab::kFirstNames) + 1 + longest(vocab::kLastNames) + 4 <=
              World::kMaxHandleChars);
static_assert(4 * longest(vocab::kSyllables) + 10 <= World::kMaxHashtagChars);
static_assert(longest(vocab::kCauses) + 3 + kMaxUintChars <= World::kMaxHashtagChars);
static_assert(8 + longest(vocab::kWords) + 5 + 2 + 11 + kMaxUintChars <= World::kMaxUrlChars);
static_assert(13 + kMaxUintChars + 11 + kMaxUintChars <= World::kMaxUrlChars);

double log_uniform(double lo, double hi, double u) {
  return std::exp(std::log(lo) + u * (std::log(hi) - std::log(lo)));
}

}  // namespace

DailyCycle::DailyCycle(double peak_hour) : cdf_(1440), guide_(1440) {
  double total = 0.0;
  for (int minute = 0; minute < 1440; ++minute) {
    const double hours = minute / 60.0;
    total += 1.0 + 0.7 * std::cos(2.0 * std::numbers::pi * (hours - peak_hour) / 24.0);
    cdf_[minute] = total;
  }
  for (auto& c : cdf_) c /= total;
  std::size_t minute = 0;
  for (std::size_t k = 0; k < guide_.size(); ++k) {
    while (minute < 1439 && cdf_[minute] <= static_cast<double>(k) / 1440.0) ++minute;
    guide_[k] = static_cast<std::uint16_t>(minute);
  }
}

TimeMs DailyCycle::draw_ms_of_day(Rng& rng) const {
  // The first minute with cdf > u (the last minute when there is none): start at the guide of
  // u's 1/1440 bucket, then step to it (a step or none; back steps only where the product u * 1440
  // was rounded up into the next bucket).
  const double u = rng.uniform();
  std::size_t minute = guide_[std::min<std::size_t>(static_cast<std::size_t>(u * 1440.0), 1439)];
  while (minute > 0 && cdf_[minute - 1] > u) --minute;
  while (minute < 1439 && cdf_[minute] <= u) ++minute;
  return static_cast<TimeMs>(minute) * 60'000 + static_cast<TimeMs>(rng.below(60'000));
}

World::World(const GeneratorConfig& config)
    : config_(config),
      start_ms_(config.start_s * 1000),
      activity_(config.accounts, config.account_zipf),
      popularity_(config.objects, config.object_zipf),
      hashtag_popularity_(config.hashtags, config.hashtag_zipf),
      url_popularity_(config.urls, config.object_zipf),
      organic_cycle_(20.0) {
  // Affine permutation rank -> account: a multiplier coprime with the account count.
  const std::uint64_t n = config_.accounts;
  activity_multiplier_ = key_hash(config_.seed, kActivityPermutation, 0) % n;
  while (std::gcd(activity_multiplier_, n) != 1)
    activity_multiplier_ = (activity_multiplier_ + 1) % n;
  activity_offset_ = key_hash(config_.seed, kActivityPermutation, 1) % n;
  activity_inverse_ = inverse_mod(activity_multiplier_, n);
  account_id_salt_ = key_hash(config_.seed, kAccountId, 0);
  build_campaigns();
  build_cascades();
  // The most popular objects take most retweets: keep theirs at hand (a bounded memo).
  const auto n_cached = std::min<std::uint64_t>(config_.objects, kCachedObjects);
  popular_objects_.reserve(n_cached);
  for (std::uint64_t o = 0; o < n_cached; ++o) popular_objects_.push_back(make_object(o));
  const auto n_tags =
      static_cast<std::uint32_t>(std::min<std::uint64_t>(config_.hashtags, kMemoTexts));
  char text[std::max(kMaxHashtagChars, kMaxUrlChars)];
  for (std::uint32_t tag = 0; tag < n_tags; ++tag) {
    hashtag_memo_.emplace_back(text, make_hashtag(tag, false, text));
    hashtag_lower_memo_.emplace_back(text, make_hashtag(tag, true, text));
  }
  const auto n_urls = std::min<std::uint64_t>(config_.urls, kMemoTexts);
  for (std::uint64_t url = 0; url < n_urls; ++url)
    url_memo_.emplace_back(text, make_url(url, text));
}

// Below 2^32 accounts the products of these permutations fit 64 bits: a 64-bit remainder
// instead of a 128-bit one (a library call), the same value.
std::uint64_t World::account_of_activity_rank(std::uint64_t rank) const {
  __extension__ using uint128 = unsigned __int128;
  const auto n = config_.accounts;
  if (n <= 0xFFFFFFFF) return (rank * activity_multiplier_ + activity_offset_) % n;
  return static_cast<std::uint64_t>(
      (static_cast<uint128>(rank) * activity_multiplier_ + activity_offset_) % n);
}

std::uint64_t World::activity_rank(std::uint64_t account) const {
  __extension__ using uint128 = unsigned __int128;
  const auto n = config_.accounts;
  const auto shifted =
      account >= activity_offset_ ? account - activity_offset_ : account + (n - activity_offset_);
  if (n <= 0xFFFFFFFF) return shifted * activity_inverse_ % n;
  return static_cast<std::uint64_t>(static_cast<uint128>(shifted) * activity_inverse_ % n);
}

int World::campaign_of(std::uint64_t account) const {
  if (account < member_begin_) return -1;
  const auto it = std::upper_bound(campaign_ends_.begin(), campaign_ends_.end(), account);
  return static_cast<int>(it - campaign_ends_.begin());
}

char* World::write_account_id(std::uint64_t account, char* out) const {
  const auto h = key_hash(config_.seed, kAccountHexId, account);
  // Hashed ids (64 hex digits) for half of the less active half of the accounts.
  if ((h & 1) == 0 && activity_rank(account) >= config_.accounts / 2) {
    static constexpr char kHex[] = "0123456789abcdef";
    for (std::uint64_t word = 0; word < 4; ++word) {
      const auto w = word == 0 ? h : key_hash(config_.seed, kAccountHexId, account, word);
      for (int digit = 0; digit < 16; ++digit)
        out[word * 16 + digit] = kHex[(w >> (60 - 4 * digit)) & 15];
    }
    return out + 64;
  }
  return write_uint(1'000'000'000ULL + permute62(account + account_id_salt_), out);
}

const Cause& World::cause_at(const Campaign& campaign, TimeMs t_ms) const {
  auto it = std::upper_bound(campaign.causes.begin(), campaign.causes.end(), t_ms,
                             [](TimeMs t, const Cause& c) { return t < c.start_ms; });
  return it == campaign.causes.begin() ? campaign.causes.front() : *(it - 1);
}

char* World::write_handle(std::uint64_t account, TimeMs t_ms, char* out) const {
  const int campaign = campaign_of(account);
  if (campaign >= 0 && t_ms >= campaigns_[campaign].start_ms) {
    const auto& c = campaigns_[campaign];
    const auto& cause = cause_at(c, t_ms);
    out = write_text(vocab::kCauseHandles[cause.word], out);
    return write_uint(key_hash(config_.seed, kHandle, account, cause.start_ms) % 100'000, out);
  }
  const auto h = key_hash(config_.seed, kHandle, account);
  out = write_text(vocab::kFirstNames[h % vocab::kFirstNames.size()], out);
  *out++ = '_';
  out = write_text(vocab::kLastNames[(h >> 8) % vocab::kLastNames.size()], out);
  std::uint64_t number = (h >> 16) % 1'000;
  if (campaign < 0) {
    const auto r = key_hash(config_.seed, kRename, account);
    if (unit_double(r) < config_.organic_rename_fraction) {
      const auto rename_ms =
          start_ms_ +
          static_cast<TimeMs>(unit_double(mix64(r)) * static_cast<double>(end_ms() - start_ms_));
      if (t_ms >= rename_ms) number += 1'000;
    }
  }
  return write_uint(number, out);
}

void World::append_display_name(std::uint64_t account, std::string& out) const {
  const auto h = key_hash(config_.seed, kHandle, account);
  const auto first = vocab::kFirstNames[h % vocab::kFirstNames.size()];
  const auto last = vocab::kLastNames[(h >> 8) % vocab::kLastNames.size()];
  auto capital = [&](std::string_view word) {
    out.push_back(static_cast<char>(word[0] - 'a' + 'A'));
    out.append(word.substr(1));
  };
  if ((h >> 40) % 8 == 0) {  // "Lopez, Maria": a comma the CSV writer must quote
    capital(last);
    out += ", ";
    capital(first);
  } else {
    capital(first);
    out += ' ';
    capital(last);
  }
}

std::string_view World::language(std::uint64_t account) const {
  const int campaign = campaign_of(account);
  if (campaign >= 0) return vocab::kOperators[campaigns_[campaign].operator_index].language;
  const auto percent = static_cast<int>(key_hash(config_.seed, kLanguage, account) % 100);
  for (const auto& l : vocab::kOrganicLanguages) {
    if (percent < l.cumulative_percent) return l.code;
  }
  return vocab::kOrganicLanguages.back().code;
}

std::string_view World::post_language(std::uint64_t account, std::uint64_t tweet_id) const {
  return (mix64(tweet_id) >> 8) % 10 == 0 ? std::string_view("und") : language(account);
}

std::string_view World::location(std::uint64_t account) const {
  const int campaign = campaign_of(account);
  if (campaign >= 0) return vocab::kOperators[campaigns_[campaign].operator_index].location;
  const auto account_h = mix64(account * 0x9E3779B97F4A7C15ULL + config_.seed);
  return vocab::kLocations[account_h % vocab::kLocations.size()];
}

std::string_view World::client(std::uint64_t account) const {
  const int campaign = campaign_of(account);
  if (campaign >= 0) return vocab::kOperators[campaigns_[campaign].operator_index].client;
  return vocab::kOrganicClients[key_hash(config_.seed, kLanguage, account, 1) %
                                vocab::kOrganicClients.size()];
}

std::int64_t World::creation_day(std::uint64_t account) const {
  const int campaign = campaign_of(account);
  if (campaign >= 0) {
    const auto& c = campaigns_[campaign];
    const auto batch = static_cast<std::int64_t>((account - c.first_account) / config_.batch_size);
    return c.created_day + 3 * batch;
  }
  // Organic accounts: created any day from 2008-01-01 to 60 days before the data starts.
  const std::int64_t first = 13'879;  // 2008-01-01
  const std::int64_t last = start_ms_ / kDayMs - 60;
  return first + static_cast<std::int64_t>(key_hash(config_.seed, kCreation, account) %
                                           static_cast<std::uint64_t>(last - first + 1));
}

ObjectInfo World::object(std::uint64_t index) const {
  return index < popular_objects_.size() ? popular_objects_[index] : make_object(index);
}

ObjectInfo World::make_object(std::uint64_t index) const {
  ObjectInfo o{};
  Rng rng(config_.seed, kObject, index);
  const auto n_organic = config_.objects;
  if (index < n_organic) {
    o.t_ms = start_ms_ +
             static_cast<TimeMs>(rng.below(static_cast<std::uint64_t>(config_.days))) * kDayMs +
             organic_cycle_.draw_ms_of_day(rng);
    o.author = draw_active_account(rng);
    const double u = rng.uniform();
    o.n_tags = static_cast<std::uint8_t>(std::min<std::uint64_t>(u < 0.5   ? 0
                                                                 : u < 0.8 ? 1
                                                                           : 2,
                                                                 config_.hashtags));
    o.has_url = rng.chance(0.2);
  } else if (index < seed_tweet_begin_) {
    const auto& cascade = cascades_[index - n_organic];
    o.t_ms = cascade.t_ms;
    o.author = draw_active_account(rng);
    o.n_tags = cascade.viral ? 0 : 1;  // breaking news has a hashtag and a link
    o.has_url = !cascade.viral;
  } else {
    const auto k = index - seed_tweet_begin_;
    const auto signals = static_cast<std::uint64_t>(config_.signals);
    const auto& campaign = campaigns_[k / signals];
    const auto& signal = campaign.signals[k % signals];
    const auto& cause = campaign.causes[signal.cause];
    o.t_ms = signal.t_ms;
    o.author = campaign.first_account;  // the organiser posts the seed tweet
    o.n_tags = 1;
    o.tags[0] = cause.hashtag;
    o.has_url = rng.chance(0.5);
    o.url = cause.url;
    o.tweet_id = snowflake_id(o.t_ms, rng.next());
    return o;
  }
  for (int i = 0; i < o.n_tags; ++i) {
    std::uint32_t tag = draw_hashtag(rng);
    while (std::find(o.tags, o.tags + i, tag) != o.tags + i)
      tag = static_cast<std::uint32_t>((tag + 1) % config_.hashtags);
    o.tags[i] = tag;
  }
  if (o.has_url) o.url = draw_url(rng);
  o.tweet_id = snowflake_id(o.t_ms, rng.next());
  return o;
}

char* World::write_hashtag(std::uint32_t hashtag, bool lower_case, char* out) const {
  const auto& memo = lower_case ? hashtag_lower_memo_ : hashtag_memo_;
  return hashtag < memo.size() ? write_text(memo[hashtag], out)
                               : make_hashtag(hashtag, lower_case, out);
}

char* World::write_url(std::uint64_t url, char* out) const {
  return url < url_memo_.size() ? write_text(url_memo_[url], out) : make_url(url, out);
}

char* World::make_hashtag(std::uint32_t hashtag, bool lower_case, char* out) const {
  char* const first = out;
  if (hashtag < config_.hashtags) {
    auto h = key_hash(config_.seed, kHashtagText, hashtag);
    const int syllables = 2 + static_cast<int>(h % 3);
    for (int i = 0; i < syllables; ++i) {
      h = mix64(h);
      out = write_text(vocab::kSyllables[h % vocab::kSyllables.size()], out);
    }
    out = write_uint(hashtag, out);  // distinct hashtags have distinct texts
  } else {
    const auto k = hashtag - config_.hashtags;
    const auto max_causes = static_cast<std::uint64_t>(config_.max_causes);
    const auto& cause = campaigns_[k / max_causes].causes[k % max_causes];
    out = write_text(vocab::kCauses[cause.word], out);
    out = write_text("Now", out);
    out = write_uint(k, out);
  }
  if (lower_case) {
    for (char* c = first; c < out; ++c) {
      if (*c >= 'A' && *c <= 'Z') *c = static_cast<char>(*c - 'A' + 'a');
    }
  }
  return out;
}

char* World::make_url(std::uint64_t url, char* out) const {
  const auto h = key_hash(config_.seed, kUrlText, url);
  if (url < config_.urls) {
    out = write_text("https://", out);
    out = write_text(vocab::kWords[h % vocab::kWords.size()], out);
    out = write_text("-site", out);
    out = write_uint((h >> 8) % 97, out);
    out = write_text(".example/a/", out);
  } else {
    out = write_text("https://cause", out);
    out = write_uint(url - config_.urls, out);
    out = write_text(".example/p/", out);
  }
  return write_uint(url, out);
}

void World::append_text(std::uint64_t which, std::string& out) const {
  auto h = key_hash(config_.seed, kText, which);
  const int words = 4 + static_cast<int>(h % 9);
  for (int i = 0; i < words; ++i) {
    h = mix64(h + static_cast<std::uint64_t>(i));
    if (i > 0) out += (h >> 60) == 0 ? "\n" : (h >> 60) == 1 ? ", " : " ";
    if ((h >> 56) % 16 == 2) {
      out += '"';
      out += vocab::kWords[h % vocab::kWords.size()];
      out += '"';
    } else {
      out += vocab::kWords[h % vocab::kWords.size()];
    }
  }
}

TimeMs World::draw_organic_time(Rng& rng) const {
  return start_ms_ +
         static_cast<TimeMs>(rng.below(static_cast<std::uint64_t>(config_.days))) * kDayMs +
         organic_cycle_.draw_ms_of_day(rng);
}

std::uint64_t World::seed_tweet_object(std::size_t campaign, std::size_t signal) const {
  return seed_tweet_begin_ + campaign * static_cast<std::uint64_t>(config_.signals) + signal;
}

double World::follow_probability(std::size_t campaign, std::uint64_t member) const {
  const double u = unit_double(key_hash(config_.seed, kFollow, campaign, member));
  return config_.follow_min + (config_.follow_max - config_.follow_min) * u;
}

double World::mean_delay_s(std::size_t campaign, std::uint64_t member) const {
  const double u = unit_double(key_hash(config_.seed, kDelay, campaign, member));
  return log_uniform(config_.delay_mean_min_s, config_.delay_mean_max_s, u);
}

void World::build_campaigns() {
  const auto n_campaigns = static_cast<std::size_t>(config_.campaigns);
  std::vector<std::uint64_t> sizes(n_campaigns);
  double total = 0.0;
  for (std::size_t c = 0; c < n_campaigns; ++c) {
    const double u = unit_double(key_hash(config_.seed, kCampaign, c));
    sizes[c] = static_cast<std::uint64_t>(
        std::llround(log_uniform(static_cast<double>(config_.campaign_min_size),
                                 static_cast<double>(config_.campaign_max_size), u)));
    total += static_cast<double>(sizes[c]);
  }
  const double room = config_.max_member_fraction * static_cast<double>(config_.accounts);
  if (total > room) {
    for (auto& s : sizes) {
      s = std::max(config_.campaign_min_size,
                   static_cast<std::uint64_t>(static_cast<double>(s) * room / total));
    }
  }
  const auto members = std::accumulate(sizes.begin(), sizes.end(), std::uint64_t{0});
  if (members > config_.accounts) {
    throw UsageError("generate: campaign members exceed --accounts", true);
  }
  member_begin_ = config_.accounts - members;

  const auto span_days = static_cast<std::uint64_t>(config_.days);
  std::uint64_t first = member_begin_;
  for (std::size_t c = 0; c < n_campaigns; ++c) {
    Rng rng(config_.seed, kCampaign, c, 1);
    Campaign campaign;
    campaign.first_account = first;
    campaign.size = sizes[c];
    first += sizes[c];
    const auto active_days =
        static_cast<std::uint64_t>(config_.min_days) +
        rng.below(static_cast<std::uint64_t>(config_.max_days - config_.min_days + 1));
    const auto start_day = rng.below(span_days - active_days + 1);
    campaign.start_ms = start_ms_ + static_cast<TimeMs>(start_day) * kDayMs;
    campaign.end_ms = campaign.start_ms + static_cast<TimeMs>(active_days) * kDayMs;
    campaign.operator_index = static_cast<std::uint32_t>(rng.below(vocabulary::kOperators.size()));
    campaign.created_day = start_ms_ / kDayMs - 30 - static_cast<std::int64_t>(rng.below(400));

    const auto n_causes = 1 + rng.below(static_cast<std::uint64_t>(config_.max_causes));
    const TimeMs phase_ms = (campaign.end_ms - campaign.start_ms) / static_cast<TimeMs>(n_causes);
    for (std::uint64_t k = 0; k < n_causes; ++k) {
      const auto slot = c * static_cast<std::uint64_t>(config_.max_causes) + k;
      campaign.causes.push_back(
          Cause{campaign.start_ms + static_cast<TimeMs>(k) * phase_ms,
                static_cast<std::uint32_t>(config_.hashtags + slot), config_.urls + slot,
                static_cast<std::uint32_t>(rng.below(vocabulary::kCauses.size()))});
    }

    // Signals in the operators' working day (08:00-23:00 local), inside the active span.
    const auto offset_ms =
        static_cast<TimeMs>(vocabulary::kOperators[campaign.operator_index].utc_offset_min) *
        60'000;
    for (int s = 0; s < config_.signals; ++s) {
      Signal signal{};
      const auto day = static_cast<TimeMs>(rng.below(active_days));
      const auto local_ms = 8 * 3'600'000 + static_cast<TimeMs>(rng.below(15 * 3'600'000));
      signal.t_ms = campaign.start_ms + day * kDayMs + local_ms - offset_ms;
      if (signal.t_ms < campaign.start_ms) signal.t_ms += kDayMs;
      if (signal.t_ms >= campaign.end_ms) signal.t_ms -= kDayMs;
      const double u = rng.uniform();
      signal.kind = u < 0.5   ? SignalKind::seed_tweet
                    : u < 0.8 ? SignalKind::boost_object
                              : SignalKind::hashtag_post;
      campaign.signals.push_back(signal);
    }
    std::sort(campaign.signals.begin(), campaign.signals.end(),
              [](const Signal& a, const Signal& b) { return a.t_ms < b.t_ms; });
    campaign_ends_.push_back(first);
    campaigns_.push_back(std::move(campaign));
  }
}

void World::build_cascades() {
  const auto n_bursts =
      static_cast<std::uint64_t>(std::llround(config_.bursts_per_day * config_.days));
  std::uint64_t next_object = config_.objects;
  for (std::uint64_t b = 0; b < n_bursts; ++b) {
    Rng rng(config_.seed, kCascade, b);
    const auto posts = static_cast<std::uint64_t>(
        std::llround(log_uniform(static_cast<double>(config_.burst_min_posts),
                                 static_cast<double>(config_.burst_max_posts), rng.uniform())));
    cascades_.push_back(Cascade{next_object++, draw_organic_time(rng), posts, false});
  }
  for (int v = 0; v < config_.viral_keys; ++v) {
    Rng rng(config_.seed, kCascade, n_bursts + static_cast<std::uint64_t>(v));
    cascades_.push_back(Cascade{next_object++, draw_organic_time(rng), config_.viral_posts, true});
  }
  seed_tweet_begin_ = next_object;

  // Signal targets: seed tweets are the campaign's own; boosted objects are popular organic
  // objects posted before the signal.
  for (std::size_t c = 0; c < campaigns_.size(); ++c) {
    auto& campaign = campaigns_[c];
    for (std::size_t s = 0; s < campaign.signals.size(); ++s) {
      auto& signal = campaign.signals[s];
      signal.cause =
          static_cast<std::uint32_t>(&cause_at(campaign, signal.t_ms) - campaign.causes.data());
      signal.object = seed_tweet_object(c, s);
      if (signal.kind != SignalKind::boost_object) continue;
      Rng rng(config_.seed, kSignal, c, s);
      signal.kind = SignalKind::seed_tweet;  // unless a popular object posted earlier is found
      for (int attempt = 0; attempt < 32; ++attempt) {
        const auto candidate = draw_organic_object(rng);
        if (object(candidate).t_ms < signal.t_ms) {
          signal.kind = SignalKind::boost_object;
          signal.object = candidate;
          break;
        }
      }
    }
  }
}

}  // namespace coordnet::gen
