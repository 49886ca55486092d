// `coordnet evaluate`: matches a result file's accounts to the truth file by account id and
// scores the predicted labelling (metrics.hpp).
//
// Which accounts count as flagged: /accounts/flagged when present (labelling "flagged"), else
// every account whose /accounts/community has at least min_size accounts (labelling
// "community"); `source` forces one. The evaluation covers the union of the truth's and the
// result's accounts: a truth account absent from the result is not flagged and has no
// community; a result account absent from the truth counts as organic.
#pragma once

#include <cstdint>
#include <string>

#include "eval/metrics.hpp"
#include "eval/result_labels.hpp"
#include "eval/truth_file.hpp"

namespace coordnet::eval {

enum class LabelSource { automatic, flagged, community };

struct EvaluationRun {
  Evaluation scores;
  std::string labelling;  // "flagged" or "community"
  std::uint64_t min_size = 0;
  std::uint64_t result_accounts = 0;
  std::uint64_t truth_accounts = 0;
  std::uint64_t result_not_in_truth = 0;
  std::uint64_t truth_not_in_result = 0;
};

// Throws DataError when the result has no usable labelling or the truth lists an id twice.
EvaluationRun evaluate_result(const Truth& truth, const ResultLabels& result, LabelSource source,
                              std::uint64_t min_size);

}  // namespace coordnet::eval
