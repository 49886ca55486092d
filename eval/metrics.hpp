// Scores of a predicted labelling of accounts against planted campaigns (docs/evaluation.md has
// the formulas).
//
// Each account of the evaluation has a true campaign (or none: organic), a flag (the detector
// calls it coordinated) and a predicted community (or none). Reported:
// * precision, recall, F1 and false-positive rate of the flags over all accounts, campaign
//   members being the positives;
// * per campaign: the share of its members flagged (recall) and the community holding most of
//   its flagged members (the best match: ties go to the smaller id), with the overlap and that
//   community's size;
// * ARI and NMI between the true campaign and the predicted community over campaign members;
//   a member that is not flagged or has no community is a cluster of its own.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace coordnet::eval {

inline constexpr std::int64_t kNoCommunity = -1;

struct AccountLabels {
  std::vector<int> campaign;                 // per account: campaign index, -1 when organic
  std::vector<std::uint8_t> flagged;         // per account: 1 when flagged
  std::vector<std::int64_t> community;       // per account: community id, kNoCommunity when none
  std::vector<std::int64_t> community_size;  // per account: size of its community, 0 when none
};

struct CampaignScore {
  std::string name;
  std::uint64_t size = 0;
  std::uint64_t flagged = 0;
  double recall = 0.0;
  std::int64_t best_community = kNoCommunity;
  std::uint64_t overlap = 0;         // members in the best community (and flagged)
  std::uint64_t community_size = 0;  // accounts in the best community
};

struct Evaluation {
  std::uint64_t accounts = 0;
  std::uint64_t positives = 0;  // campaign members
  std::uint64_t true_positives = 0;
  std::uint64_t false_positives = 0;
  std::uint64_t false_negatives = 0;
  std::uint64_t true_negatives = 0;
  double precision = 0.0;
  double recall = 0.0;
  double f1 = 0.0;
  double false_positive_rate = 0.0;
  double ari = 0.0;
  double nmi = 0.0;
  std::vector<CampaignScore> campaigns;
};

Evaluation evaluate_labels(const AccountLabels& labels,
                           const std::vector<std::string>& campaign_names);

// Adjusted Rand index (Hubert & Arabie 1985) and normalised mutual information (arithmetic
// mean of the entropies, as scikit-learn's default) of two labellings of the same items.
// Both are 1 for identical partitions, including the trivial ones.
double adjusted_rand_index(const std::vector<std::int64_t>& a, const std::vector<std::int64_t>& b);
double normalized_mutual_information(const std::vector<std::int64_t>& a,
                                     const std::vector<std::int64_t>& b);

}  // namespace coordnet::eval
