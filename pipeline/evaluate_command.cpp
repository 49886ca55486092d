#include "pipeline/evaluate_command.hpp"

#include <cstdio>

#include "core/errors.hpp"
#include "eval/evaluate.hpp"
#include "eval/report.hpp"
#include "io/atomic_file.hpp"
#include "pipeline/root_only.hpp"

namespace coordnet {

namespace {

eval::LabelSource label_source(const std::string& name) {
  if (name == "flagged") return eval::LabelSource::flagged;
  if (name == "community") return eval::LabelSource::community;
  return eval::LabelSource::automatic;
}

}  // namespace

void add_evaluate_command(CLI::App& app, EvaluateCommand& command) {
  auto* e = app.add_subcommand(
      "evaluate",
      "Score a result's flagged accounts and communities against a truth file (precision, "
      "recall, F1, false-positive rate, per-campaign recall, ARI, NMI)");
  command.app = e;
  e->add_option("result", command.result, "Result HDF5 file of coordnet run")->required();
  e->add_option("--truth", command.truth, "Truth CSV (account_id,campaign; -1 or empty: organic)")
      ->required();
  e->add_option("--min-size", command.min_size,
                "Without /accounts/flagged: accounts in communities of at least this size are "
                "flagged")
      ->capture_default_str();
  e->add_option("--flagged-from", command.flagged_from,
                "auto (/accounts/flagged when present, else communities), flagged or community")
      ->capture_default_str()
      ->check(CLI::IsMember({"auto", "flagged", "community"}));
  e->add_option("--json", command.json, "Also write the scores as JSON to this file");
}

void run_evaluate(const EvaluateCommand& command, const Comm& comm) {
  run_on_root(comm, [&] {
    const auto truth = eval::read_truth(command.truth);
    const auto result = eval::read_result_labels(command.result);
    const auto run =
        eval::evaluate_result(truth, result, label_source(command.flagged_from), command.min_size);
    std::fputs(eval::format_table(run).c_str(), stdout);
    std::fflush(stdout);
    if (!command.json.empty()) write_file_atomically(command.json, eval::format_json(run));
  });
}

}  // namespace coordnet
