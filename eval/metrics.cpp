#include "eval/metrics.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <utility>

namespace coordnet::eval {

namespace {

double ratio(double a, double b) { return b > 0.0 ? a / b : 0.0; }

double pairs(double n) { return n * (n - 1.0) / 2.0; }

struct Contingency {
  std::map<std::pair<std::int64_t, std::int64_t>, double> cells;
  std::map<std::int64_t, double> rows;
  std::map<std::int64_t, double> columns;
  double n = 0.0;
};

Contingency contingency(const std::vector<std::int64_t>& a, const std::vector<std::int64_t>& b) {
  Contingency t;
  for (std::size_t i = 0; i < a.size(); ++i) {
    t.cells[{a[i], b[i]}] += 1.0;
    t.rows[a[i]] += 1.0;
    t.columns[b[i]] += 1.0;
  }
  t.n = static_cast<double>(a.size());
  return t;
}

double entropy(const std::map<std::int64_t, double>& counts, double n) {
  double h = 0.0;
  for (const auto& [label, count] : counts) h -= count / n * std::log(count / n);
  return h;
}

}  // namespace

double adjusted_rand_index(const std::vector<std::int64_t>& a, const std::vector<std::int64_t>& b) {
  const auto t = contingency(a, b);
  double index = 0.0, row_sum = 0.0, column_sum = 0.0;
  for (const auto& [cell, count] : t.cells) index += pairs(count);
  for (const auto& [label, count] : t.rows) row_sum += pairs(count);
  for (const auto& [label, count] : t.columns) column_sum += pairs(count);
  const double expected = ratio(row_sum * column_sum, pairs(t.n));
  const double maximum = 0.5 * (row_sum + column_sum);
  if (maximum == expected) return 1.0;  // both partitions trivial and identical in shape
  return (index - expected) / (maximum - expected);
}

double normalized_mutual_information(const std::vector<std::int64_t>& a,
                                     const std::vector<std::int64_t>& b) {
  const auto t = contingency(a, b);
  if (t.n == 0.0) return 1.0;
  const double h_a = entropy(t.rows, t.n);
  const double h_b = entropy(t.columns, t.n);
  if (h_a == 0.0 && h_b == 0.0) return 1.0;
  double mutual = 0.0;
  for (const auto& [cell, count] : t.cells) {
    const double p = count / t.n;
    mutual += p * std::log(count * t.n / (t.rows.at(cell.first) * t.columns.at(cell.second)));
  }
  return std::max(0.0, mutual) / (0.5 * (h_a + h_b));
}

Evaluation evaluate_labels(const AccountLabels& labels,
                           const std::vector<std::string>& campaign_names) {
  Evaluation e;
  e.accounts = labels.campaign.size();
  e.campaigns.resize(campaign_names.size());
  for (std::size_t c = 0; c < campaign_names.size(); ++c) e.campaigns[c].name = campaign_names[c];
  // Per campaign: flagged members per community.
  std::vector<std::map<std::int64_t, std::uint64_t>> overlaps(campaign_names.size());
  std::map<std::int64_t, std::uint64_t> community_sizes;
  std::vector<std::int64_t> truth, predicted;
  std::int64_t next_singleton = -2;  // below every community id and kNoCommunity
  for (std::size_t i = 0; i < labels.campaign.size(); ++i) {
    const int c = labels.campaign[i];
    const bool flagged = labels.flagged[i] != 0;
    const auto community = labels.community[i];
    if (community != kNoCommunity) {
      community_sizes[community] = static_cast<std::uint64_t>(labels.community_size[i]);
    }
    if (c < 0) {
      ++(flagged ? e.false_positives : e.true_negatives);
      continue;
    }
    ++e.positives;
    ++(flagged ? e.true_positives : e.false_negatives);
    auto& score = e.campaigns[static_cast<std::size_t>(c)];
    ++score.size;
    const bool grouped = flagged && community != kNoCommunity;
    if (flagged) ++score.flagged;
    if (grouped) ++overlaps[static_cast<std::size_t>(c)][community];
    truth.push_back(c);
    predicted.push_back(grouped ? community : next_singleton--);
  }
  e.precision = ratio(static_cast<double>(e.true_positives),
                      static_cast<double>(e.true_positives + e.false_positives));
  e.recall = ratio(static_cast<double>(e.true_positives), static_cast<double>(e.positives));
  e.f1 = ratio(2.0 * e.precision * e.recall, e.precision + e.recall);
  e.false_positive_rate = ratio(static_cast<double>(e.false_positives),
                                static_cast<double>(e.false_positives + e.true_negatives));
  for (std::size_t c = 0; c < e.campaigns.size(); ++c) {
    auto& score = e.campaigns[c];
    score.recall = ratio(static_cast<double>(score.flagged), static_cast<double>(score.size));
    for (const auto& [community, overlap] : overlaps[c]) {  // ascending ids: ties keep smaller
      if (overlap > score.overlap) {
        score.overlap = overlap;
        score.best_community = community;
        score.community_size = community_sizes[community];
      }
    }
  }
  e.ari = adjusted_rand_index(truth, predicted);
  e.nmi = normalized_mutual_information(truth, predicted);
  return e;
}

}  // namespace coordnet::eval
