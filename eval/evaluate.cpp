#include "eval/evaluate.hpp"

#include <unordered_map>

#include "core/errors.hpp"

namespace coordnet::eval {

EvaluationRun evaluate_result(const Truth& truth, const ResultLabels& result, LabelSource source,
                              std::uint64_t min_size) {
  const bool use_flagged = source == LabelSource::flagged ||
                           (source == LabelSource::automatic && result.flagged.has_value());
  if (use_flagged && !result.flagged) throw DataError("the result has no /accounts/flagged");
  if (!use_flagged && !result.community) {
    throw DataError("the result has neither /accounts/flagged nor /accounts/community");
  }
  EvaluationRun run;
  run.labelling = use_flagged ? "flagged" : "community";
  run.min_size = min_size;
  run.result_accounts = result.ids.size();
  run.truth_accounts = truth.accounts.size();

  std::unordered_map<std::int64_t, std::int64_t> community_size;
  if (result.community) {
    for (const auto c : *result.community) {
      if (c >= 0) ++community_size[c];
    }
  }
  std::unordered_map<std::string_view, std::size_t> result_index;
  result_index.reserve(result.ids.size());
  for (std::size_t i = 0; i < result.ids.size(); ++i) result_index.emplace(result.ids[i], i);

  AccountLabels labels;
  std::vector<std::uint8_t> seen(result.ids.size(), 0);
  auto add = [&](int campaign, std::optional<std::size_t> row) {
    std::int64_t community = kNoCommunity;
    std::int64_t size = 0;
    if (row && result.community && (*result.community)[*row] >= 0) {
      community = (*result.community)[*row];
      size = community_size.at(community);
    }
    std::uint8_t flagged = 0;
    if (row) {
      flagged = use_flagged
                    ? static_cast<std::uint8_t>((*result.flagged)[*row] != 0)
                    : static_cast<std::uint8_t>(size >= static_cast<std::int64_t>(min_size));
    }
    labels.campaign.push_back(campaign);
    labels.flagged.push_back(flagged);
    labels.community.push_back(community);
    labels.community_size.push_back(size);
  };
  std::unordered_map<std::string_view, int> truth_seen;
  for (std::size_t t = 0; t < truth.accounts.size(); ++t) {
    if (!truth_seen.emplace(truth.accounts[t], 0).second) {
      throw DataError("the truth file lists account " + truth.accounts[t] + " twice");
    }
    const auto it = result_index.find(truth.accounts[t]);
    std::optional<std::size_t> row;
    if (it != result_index.end()) {
      row = it->second;
      seen[it->second] = 1;
    } else {
      ++run.truth_not_in_result;
    }
    add(truth.campaign[t], row);
  }
  for (std::size_t i = 0; i < result.ids.size(); ++i) {
    if (seen[i]) continue;
    ++run.result_not_in_truth;
    add(-1, i);
  }
  run.scores = evaluate_labels(labels, truth.campaign_names);
  return run;
}

}  // namespace coordnet::eval
