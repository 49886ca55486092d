#include "kernels/null_model.hpp"

#include <absl/container/flat_hash_map.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <tuple>

namespace coordnet {

double expected_coactions(const AccountExposure& u, const AccountExposure& v,
                          std::uint64_t total_actions) {
  if (total_actions == 0) return 0.0;
  return (static_cast<double>(u.exposure) * static_cast<double>(v.actions) +
          static_cast<double>(v.exposure) * static_cast<double>(u.actions)) /
         (2.0 * static_cast<double>(total_actions));
}

namespace {

// ln P(X >= k) for X Poisson(expected > 0), k >= 1.
double log_poisson_tail(std::uint64_t k, double expected) {
  const auto o = static_cast<double>(k);
  if (o > expected) {
    // P(X >= k) = pmf(k) * (1 + E/(k+1) + E^2/((k+1)(k+2)) + ...), summed in the log domain.
    const double log_pmf = -expected + o * std::log(expected) - std::lgamma(o + 1.0);
    double sum = 1.0;
    double term = 1.0;
    for (double j = o + 1.0; term > 1e-17 * sum; j += 1.0) {
      term *= expected / j;
      sum += term;
    }
    return log_pmf + std::log(sum);
  }
  if (k == 1) return std::log(-std::expm1(-expected));
  // P(X >= k) = 1 - P(X < k), about 1/2 or more here.
  double cdf = 0;
  double pmf = std::exp(-expected);
  for (std::uint64_t j = 0; j < k; ++j) {
    cdf += pmf;
    pmf *= expected / static_cast<double>(j + 1);
  }
  return std::log(std::max(1.0 - cdf, 1e-300));
}

}  // namespace

double repeat_evidence(std::uint64_t observed, double expected, std::uint64_t min_count) {
  min_count = std::max<std::uint64_t>(min_count, 1);
  if (observed <= min_count) return 0.0;
  expected = std::max(expected, 1e-12);  // an edge has co-actions, so its chance is never 0
  return std::max(0.0,
                  log_poisson_tail(min_count, expected) - log_poisson_tail(observed, expected));
}

std::uint64_t repeated_coactions(const CoactionEdge& edge, DurationMs window_ms) {
  return edge.last_ms - edge.first_ms <= 2 * window_ms ? std::min<std::uint64_t>(edge.count, 1)
                                                       : edge.count;
}

double binomial_tail_evidence(std::uint64_t k, std::uint64_t m, double p) {
  if (k == 0) return 0.0;
  if (k > m || p <= 0.0) return std::numeric_limits<double>::infinity();
  if (p >= 1.0) return 0.0;
  const auto mm = static_cast<double>(m);
  const double log_p = std::log(p);
  const double log_q = std::log1p(-p);
  auto log_pmf = [&](double j) {
    return std::lgamma(mm + 1.0) - std::lgamma(j + 1.0) - std::lgamma(mm - j + 1.0) + j * log_p +
           (mm - j) * log_q;
  };
  const auto kk = static_cast<double>(k);
  if (kk <= mm * p) {
    // P(X >= k) is about 1/2 or more: 1 - P(X < k), summed from the pmf.
    double cdf = 0;
    for (std::uint64_t j = 0; j < k; ++j) cdf += std::exp(log_pmf(static_cast<double>(j)));
    return std::max(0.0, -std::log(std::max(1.0 - cdf, 1e-300)));
  }
  // Past the mode the terms fall: pmf(k) (1 + r_k + r_k r_{k+1} + ...), r_j = pmf(j+1)/pmf(j).
  double sum = 1.0;
  double term = 1.0;
  for (double j = kk; j < mm && term > 1e-17 * sum; j += 1.0) {
    term *= (mm - j) / (j + 1.0) * p / (1.0 - p);
    sum += term;
  }
  return std::max(0.0, -(log_pmf(kk) + std::log(sum)));
}

std::uint8_t evidence_level(double excess) {
  std::uint8_t level = 0;
  while (level < kEvidenceLadder.size() && excess >= kEvidenceLadder[level]) ++level;
  return level;
}

double ladder_evidence(const std::array<std::uint64_t, kEvidenceLadder.size()>& at_least,
                       std::uint64_t m) {
  double best = 0;
  for (std::size_t i = 0; i < kEvidenceLadder.size(); ++i) {
    best = std::max(best, binomial_tail_evidence(at_least[i], m, std::exp(-kEvidenceLadder[i])));
  }
  return std::max(0.0, best - std::log(static_cast<double>(kEvidenceLadder.size())));
}

namespace null_model_detail {

DurationMs bucket_ms_for(DurationMs window_ms) {
  return std::max<DurationMs>(16 * window_ms, 60'000);
}

void count_bucket(const Action* begin, const Action* end, DurationMs window_ms,
                  std::vector<AccountExposure>& out) {
  // Same-account partners. The bucket is in time order, so a pair's later action is the second.
  // A small bucket (most of them) compares its pairs; a larger one is sorted by (account, time)
  // as values, not through positions (an indirect comparison misses the cache twice), and swept
  // per account.
  constexpr std::uint32_t kPairwiseUpTo = 16;
  static thread_local std::vector<std::uint64_t> own_partners;
  const auto n = static_cast<std::uint32_t>(end - begin);
  own_partners.assign(n, 0);
  if (n <= kPairwiseUpTo) {
    for (std::uint32_t i = 0; i < n; ++i) {
      for (std::uint32_t j = i + 1; j < n && begin[j].t_ms - begin[i].t_ms <= window_ms; ++j) {
        if (begin[j].account != begin[i].account) continue;
        ++own_partners[i];
        ++own_partners[j];
      }
    }
  } else {
    struct AccountTime {
      AccountIndex account;
      TimeMs t_ms;
      std::uint32_t position;
    };
    static thread_local std::vector<AccountTime> by_account;
    by_account.clear();
    for (std::uint32_t i = 0; i < n; ++i)
      by_account.push_back({begin[i].account, begin[i].t_ms, i});
    std::sort(by_account.begin(), by_account.end(), [](const AccountTime& a, const AccountTime& b) {
      return std::tie(a.account, a.t_ms, a.position) < std::tie(b.account, b.t_ms, b.position);
    });
    for (std::uint32_t i = 0, lo = 0, hi = 0; i < n; ++i) {
      const auto& x = by_account[i];
      while (by_account[lo].account != x.account || x.t_ms - by_account[lo].t_ms > window_ms) ++lo;
      if (hi < i) hi = i;
      while (hi + 1 < n && by_account[hi + 1].account == x.account &&
             by_account[hi + 1].t_ms - x.t_ms <= window_ms) {
        ++hi;
      }
      own_partners[x.position] = hi - lo;
    }
  }
  // All partners: two pointers over the time order.
  for (std::uint32_t i = 0, lo = 0, hi = 0; i < n; ++i) {
    while (begin[i].t_ms - begin[lo].t_ms > window_ms) ++lo;
    if (hi < i) hi = i;
    while (hi + 1 < n && begin[hi + 1].t_ms - begin[i].t_ms <= window_ms) ++hi;
    if (begin[i].flags & kActionIsHalo) continue;
    out.push_back({begin[i].account, 1, (hi - lo) - own_partners[i]});
  }
}

void add_up_by_account(std::vector<AccountExposure>& partials) {
  // In place, each account kept where it first came.
  absl::flat_hash_map<std::uint64_t, std::uint32_t> kept_at;
  std::size_t out = 0;
  for (std::size_t i = 0; i < partials.size(); ++i) {
    const auto p = partials[i];
    const auto [it, inserted] =
        kept_at.try_emplace(p.account.value, static_cast<std::uint32_t>(out));
    if (inserted) {
      partials[out++] = p;
    } else {
      partials[it->second].actions += p.actions;
      partials[it->second].exposure += p.exposure;
    }
  }
  partials.resize(out);
}

void sort_and_reduce(std::vector<AccountExposure>& partials) {
  // Often one partial per action of far fewer accounts: added up first, then only those sorted.
  add_up_by_account(partials);
  std::sort(
      partials.begin(), partials.end(),
      [](const AccountExposure& a, const AccountExposure& b) { return a.account < b.account; });
}

namespace {

// Sums the partials in an array over their accounts' span (no hashing, no sort; the result in
// account order) and returns true, when that array is no longer than the partials (an owner's
// dense range of accounts, or a rank whose actions name most accounts); else returns false.
bool sum_in_array(std::vector<AccountExposure>& partials) {
  if (partials.empty()) return true;
  const auto [lowest, highest] = std::minmax_element(
      partials.begin(), partials.end(),
      [](const AccountExposure& a, const AccountExposure& b) { return a.account < b.account; });
  const auto first = lowest->account.value;
  const auto span = highest->account.value - first + 1;
  if (span > partials.size()) return false;
  // An account not met keeps the marker as its index.
  constexpr AccountIndex kNotMet{~std::uint64_t{0}};
  std::vector<AccountExposure> sums(span, AccountExposure{kNotMet});
  for (const auto& p : partials) {
    auto& sum = sums[p.account.value - first];
    sum.account = p.account;
    sum.actions += p.actions;
    sum.exposure += p.exposure;
  }
  partials.clear();
  for (const auto& sum : sums) {
    if (sum.account != kNotMet) partials.push_back(sum);
  }
  return true;
}

}  // namespace

void sum_by_account(std::vector<AccountExposure>& partials) {
  if (!sum_in_array(partials)) sort_and_reduce(partials);
}

void add_up(std::vector<AccountExposure>& partials) {
  if (!sum_in_array(partials)) add_up_by_account(partials);
}

AccountExposure exposure_of(const std::vector<AccountExposure>& owned, AccountIndex account) {
  const auto it =
      std::lower_bound(owned.begin(), owned.end(), account,
                       [](const AccountExposure& e, AccountIndex a) { return e.account < a; });
  return it != owned.end() && it->account == account ? *it : AccountExposure{account};
}

}  // namespace null_model_detail

}  // namespace coordnet
