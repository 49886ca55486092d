#include "pipeline/flag_config.hpp"

namespace coordnet {

void add_flag_options(CLI::App& run, FlagConfig& c) {
  run.add_option("--flag-alpha", c.alpha,
                 "Family-wise error level of the account test: an account's repeated co-action "
                 "must have a chance below alpha / (accounts tested) (docs/detection.md)")
      ->capture_default_str()
      ->check(CLI::Range(1e-300, 1.0))
      ->group("Flagging");
  run.add_option("--flag-min-size", c.min_size,
                 "Accounts passing the test that a community needs to be flagged")
      ->capture_default_str()
      ->check(CLI::PositiveNumber)
      ->group("Flagging");
  run.add_option("--cluster-weights", c.cluster_weights,
                 "Edge weights of the clustering when flagging: excess (evidence beyond chance, "
                 "edges without any left out) or weight (the co-action weights)")
      ->capture_default_str()
      ->check(CLI::IsMember({"excess", "weight"}))
      ->group("Flagging");
  run.add_flag("--no-flag", c.skip,
               "Skip the null model and the flags (/accounts/flagged and the statistics)")
      ->group("Flagging");
}

}  // namespace coordnet
