#include "pipeline/run_config.hpp"

#include <cmath>

#include "core/errors.hpp"

namespace coordnet {

void add_run_options(CLI::App& run, RunConfig& c) {
  run.add_option("inputs", c.ingest.inputs, "Input files (CSV, JSONL; .gz read whole by one rank)")
      ->required()
      ->group("Input");
  run.add_option("--format", c.format, "Input format: auto, events, qut, io-archive, twarc")
      ->capture_default_str()
      ->check(CLI::IsMember({"auto", "events", "qut", "io-archive", "twarc"}))
      ->group("Input");
  run.add_option("--on-bad-record", c.on_bad_record,
                 "What to do with a malformed record: fail, skip or quarantine")
      ->capture_default_str()
      ->check(CLI::IsMember({"fail", "skip", "quarantine"}))
      ->group("Input");
  run.add_option("--max-bad-fraction", c.ingest.max_bad_fraction,
                 "Fail (exit 65) when more than this fraction of records or bytes is bad")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0))
      ->group("Input");
  run.add_option("--max-field-bytes", c.ingest.max_field_bytes,
                 "Longest accepted CSV field; longer ones make the record bad")
      ->capture_default_str()
      ->group("Input");

  run.add_option(
         "--layer", c.layer,
         "Layer to project: retweet, reply, quote, hashtag, url, domain, mention, image, text")
      ->capture_default_str()
      ->group("Projection");
  run.add_option("--window", c.window_s, "Co-action window in seconds (|dt| <= window)")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber)
      ->group("Projection");
  run.add_option("--min-participation", c.min_participation,
                 "Drop accounts with fewer actions than this in the layer before projecting")
      ->capture_default_str()
      ->group("Projection");
  run.add_option("--min-weight", c.coaction.min_weight, "Drop edges with fewer co-actions")
      ->capture_default_str()
      ->group("Projection");
  run.add_option("--block-pairs", c.coaction.block_pairs,
                 "Pair partials held per rank before the first local sort-reduce")
      ->capture_default_str()
      ->group("Projection");
  run.add_option("--hash-bits", c.hash_bits)
      ->group("")
      ->configurable(false)
      ->check(CLI::Range(1, 64));

  add_cluster_options(run, c.cluster);

  run.add_option("-o,--out", c.out, "Output HDF5 file (written as OUT.tmp, then renamed)")
      ->required()
      ->group("Output");
  run.add_flag("-v,--verbose", c.verbose, "More log lines")->group("Output")->configurable(false);
  run.add_flag("-q,--quiet", c.quiet, "Only errors")->group("Output")->configurable(false);
}

void RunConfig::resolve() {
  ingest.fingerprint_key_bits = hash_bits;
  ingest.format = *parse_format(format);
  ingest.on_bad_record = *parse_bad_record_policy(on_bad_record);
  const auto parsed_layer = parse_layer(layer);
  if (!parsed_layer) throw UsageError("--layer: unknown layer '" + layer + "'", true);
  coaction.layer = *parsed_layer;
  coaction.window_ms = static_cast<DurationMs>(std::llround(window_s * 1000.0));
  if (coaction.block_pairs == 0) throw UsageError("--block-pairs must be positive", true);
  cluster.resolve();
}

}  // namespace coordnet
