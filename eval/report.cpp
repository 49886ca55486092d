#include "eval/report.hpp"

#include <fmt/format.h>

#include "io/text_escape.hpp"

namespace coordnet::eval {

std::string format_table(const EvaluationRun& run) {
  const auto& e = run.scores;
  std::string out;
  const auto labelling = run.labelling == "flagged"
                             ? std::string("/accounts/flagged")
                             : fmt::format("communities of >= {} accounts", run.min_size);
  out += fmt::format("flagged accounts: {}\n", labelling);
  out += fmt::format(
      "accounts: {} evaluated ({} in the result, {} in the truth; {} of the truth not in the "
      "result, {} of the result not in the truth)\n",
      e.accounts, run.result_accounts, run.truth_accounts, run.truth_not_in_result,
      run.result_not_in_truth);
  out += fmt::format("campaign accounts: {} in {} campaigns\n\n", e.positives, e.campaigns.size());
  out += fmt::format("{:<10} {:>8} {:>8} {:>8} {:>8}   TP {} FP {} FN {} TN {}\n", "", "precision",
                     "recall", "F1", "FPR", e.true_positives, e.false_positives, e.false_negatives,
                     e.true_negatives);
  out += fmt::format("{:<10} {:>8.4f} {:>8.4f} {:>8.4f} {:>8.6f}\n", "accounts", e.precision,
                     e.recall, e.f1, e.false_positive_rate);
  out += fmt::format("campaign members vs communities: ARI {:.4f}, NMI {:.4f}\n\n", e.ari, e.nmi);
  out += fmt::format("{:>10} {:>7} {:>8} {:>7}  {:>14} {:>8} {:>10}\n", "campaign", "size",
                     "flagged", "recall", "best community", "overlap", "comm. size");
  for (const auto& c : e.campaigns) {
    const auto best = c.best_community < 0 ? std::string("-") : fmt::format("{}", c.best_community);
    out += fmt::format("{:>10} {:>7} {:>8} {:>7.3f}  {:>14} {:>8} {:>10}\n", c.name, c.size,
                       c.flagged, c.recall, best, c.overlap, c.community_size);
  }
  return out;
}

std::string format_json(const EvaluationRun& run) {
  const auto& e = run.scores;
  std::string out = "{\n";
  out += fmt::format("  \"labelling\": {},\n  \"min_size\": {},\n", json_string(run.labelling),
                     run.min_size);
  out += fmt::format(
      "  \"accounts\": {},\n  \"result_accounts\": {},\n  \"truth_accounts\": {},\n"
      "  \"truth_not_in_result\": {},\n  \"result_not_in_truth\": {},\n",
      e.accounts, run.result_accounts, run.truth_accounts, run.truth_not_in_result,
      run.result_not_in_truth);
  out += fmt::format(
      "  \"positives\": {},\n  \"true_positives\": {},\n  \"false_positives\": {},\n"
      "  \"false_negatives\": {},\n  \"true_negatives\": {},\n",
      e.positives, e.true_positives, e.false_positives, e.false_negatives, e.true_negatives);
  out += fmt::format(
      "  \"precision\": {},\n  \"recall\": {},\n  \"f1\": {},\n  \"false_positive_rate\": {},\n"
      "  \"ari\": {},\n  \"nmi\": {},\n",
      e.precision, e.recall, e.f1, e.false_positive_rate, e.ari, e.nmi);
  out += "  \"campaigns\": [";
  for (std::size_t i = 0; i < e.campaigns.size(); ++i) {
    const auto& c = e.campaigns[i];
    out += fmt::format(
        "{}\n    {{\"campaign\": {}, \"size\": {}, \"flagged\": {}, \"recall\": {}, "
        "\"best_community\": {}, \"overlap\": {}, \"community_size\": {}}}",
        i == 0 ? "" : ",", json_string(c.name), c.size, c.flagged, c.recall,
        c.best_community < 0 ? std::string("null") : fmt::format("{}", c.best_community), c.overlap,
        c.community_size);
  }
  out += e.campaigns.empty() ? "]\n}\n" : "\n  ]\n}\n";
  return out;
}

}  // namespace coordnet::eval
