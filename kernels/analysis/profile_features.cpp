#include "kernels/analysis/profile_features.hpp"

#include <absl/container/flat_hash_map.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace coordnet {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kDayMs = 86'400'000.0;

// The q-quantile of sorted values: the smallest whose rank reaches q of their number.
TimeMs quantile(const std::vector<TimeMs>& sorted, double q) {
  const auto n = static_cast<double>(sorted.size());
  const auto rank = std::max(1.0, std::ceil(q * n));
  return sorted[static_cast<std::size_t>(rank) - 1];
}

void add_creation_features(const std::vector<MemberProfile>& profiles, CommunityFeatures& f) {
  std::vector<TimeMs> created;
  for (const auto& p : profiles) {
    if (p.created_ms != kUnknownTime) created.push_back(p.created_ms);
  }
  std::sort(created.begin(), created.end());
  f.n_created_known = created.size();
  if (created.size() < 2) {
    f.created_iqr_days = f.created_batch_share = kNaN;
    return;
  }
  f.created_iqr_days =
      static_cast<double>(quantile(created, 0.75) - quantile(created, 0.25)) / kDayMs;
  std::size_t largest = 0;
  for (std::size_t lo = 0, hi = 0; hi < created.size(); ++hi) {
    while (created[hi] - created[lo] >= kCreationBatchSpanMs) ++lo;
    largest = std::max(largest, hi - lo + 1);
  }
  f.created_batch_share = static_cast<double>(largest) / static_cast<double>(created.size());
}

ProfileMix mix_of(const std::vector<MemberProfile>& profiles, std::string MemberProfile::*field) {
  absl::flat_hash_map<std::string_view, std::uint64_t> counts;
  ProfileMix mix;
  for (const auto& p : profiles) {
    const std::string& value = p.*field;
    if (value.empty()) continue;
    ++counts[value];
    ++mix.n_known;
  }
  if (mix.n_known == 0) {
    mix.top_share = mix.entropy_bits = kNaN;
    return mix;
  }
  std::string_view top;
  std::uint64_t top_count = 0;
  std::vector<double> shares;
  for (const auto& [value, count] : counts) {
    if (count > top_count || (count == top_count && value < top)) {
      top = value;
      top_count = count;
    }
    shares.push_back(static_cast<double>(count) / static_cast<double>(mix.n_known));
  }
  // Summed in a fixed order, so the entropy does not depend on the hash table's order.
  std::sort(shares.begin(), shares.end());
  for (const auto share : shares) mix.entropy_bits -= share * std::log2(share);
  mix.entropy_bits = std::max(0.0, mix.entropy_bits);
  const auto kept = std::min(top.size(), mix.top.size());
  std::copy_n(top.data(), kept, mix.top.data());
  mix.top_share = static_cast<double>(top_count) / static_cast<double>(mix.n_known);
  return mix;
}

}  // namespace

void add_profile_features(const std::vector<MemberProfile>& profiles, CommunityFeatures& f) {
  add_creation_features(profiles, f);
  f.language = mix_of(profiles, &MemberProfile::language);
  f.location = mix_of(profiles, &MemberProfile::location);
}

}  // namespace coordnet
