#include "pipeline/run_config.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <string_view>

#include "core/errors.hpp"
#include "io/mapped_csv_parser.hpp"

namespace coordnet {

namespace {

// Seconds -> milliseconds; throws UsageError naming `option` unless 0 <= seconds and the
// milliseconds fit a DurationMs (CLI11's checks let 1e300 and inf through).
DurationMs seconds_to_ms(double seconds, std::string_view option) {
  constexpr double kMaxSeconds = 9.2e15;  // < INT64_MAX ms
  if (!(seconds >= 0 && seconds <= kMaxSeconds)) {
    throw UsageError(std::string(option) + ": " + std::to_string(seconds) +
                         " s is not a duration (0 to 9.2e15 s)",
                     true);
  }
  return static_cast<DurationMs>(std::llround(seconds * 1000.0));
}

// The number at the start of `text`, its length in `used`; throws UsageError naming `option`
// when there is none.
double parse_number(std::string_view text, std::string_view option, std::size_t& used) {
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end == text.data()) {
    throw UsageError(std::string(option) + ": '" + std::string(text) + "' is not a number", true);
  }
  used = static_cast<std::size_t>(end - text.data());
  return value;
}

Layer layer_or_throw(std::string_view name, std::string_view option) {
  const auto layer = parse_layer(name);
  if (!layer) {
    throw UsageError(std::string(option) + ": unknown layer '" + std::string(name) + "'", true);
  }
  return *layer;
}

// "4G", "512M", "100000" (bytes) -> bytes.
std::uint64_t parse_bytes(const std::string& text) {
  std::size_t used = 0;
  const double value = parse_number(text, "--memory-budget", used);
  const std::string unit = text.substr(used);
  const double scale = unit.empty() || unit == "B"    ? 1.0
                       : unit == "K" || unit == "KiB" ? 1024.0
                       : unit == "M" || unit == "MiB" ? 1024.0 * 1024
                       : unit == "G" || unit == "GiB" ? 1024.0 * 1024 * 1024
                                                      : -1.0;
  // 2^63 bytes bounds the budget well inside uint64 (and rejects inf and nan).
  if (scale < 0 || !(value > 0 && value * scale < 0x1p63)) {
    throw UsageError("--memory-budget: '" + text + "'", true);
  }
  return static_cast<std::uint64_t>(value * scale);
}

}  // namespace

void add_run_options(CLI::App& run, RunConfig& c) {
  run.add_option("inputs", c.ingest.inputs, "Input files (CSV, JSONL; .gz read whole by one rank)")
      ->required()
      ->group("Input");
  run.add_option("--format", c.format, "Input format: auto, events, qut, io-archive, twarc")
      ->capture_default_str()
      ->check(CLI::IsMember({"auto", "events", "qut", "io-archive", "twarc"}))
      ->group("Input");
  run.add_option("--map", c.column_map,
                 "Read a wide CSV through a column mapping: account=COL,time=COL[,content=COL]"
                 "[,handle=COL][,created=COL][,language=COL][,location=COL],LAYER=COL... (one "
                 "action per non-empty layer column; created/language/location: the account "
                 "profile, docs/inputs.md)")
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

  run.add_option("--layers", c.layers,
                 "Layers to project, comma-separated (retweet, reply, quote, hashtag, url, "
                 "domain, mention, image, text, near_text, synchrony), or auto: every layer in "
                 "the input except the costlier near_text and synchrony")
      ->capture_default_str()
      ->group("Projection");
  run.add_option("--window", c.window,
                 "Co-action window in seconds (|dt| <= window), or auto: estimated from the lags "
                 "of co-actions against chance (docs/detection.md)")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber | CLI::IsMember({"auto"}))
      ->group("Projection");
  run.add_option("--layer-window", c.layer_windows,
                 "Window of one layer in seconds, as LAYER=SECONDS (repeatable)")
      ->group("Projection");
  run.add_option("--fast-window", c.fast_window_s,
                 "Narrower window: co-actions this fast are counted per edge (n_fast)")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber)
      ->group("Projection");
  run.add_option("--weighting", c.weighting,
                 "Edge weight: pairs (co-actions), keys (distinct keys) or tfidf (cosine of "
                 "TF-IDF key vectors)")
      ->capture_default_str()
      ->check(CLI::IsMember({"pairs", "keys", "tfidf"}))
      ->group("Projection");
  run.add_option("--min-participation", c.min_participation,
                 "Drop accounts with fewer actions than this in a layer before projecting it")
      ->capture_default_str()
      ->group("Projection");
  run.add_option("--min-weight", c.coaction.min_weight, "Drop edges with a smaller weight")
      ->capture_default_str()
      ->group("Projection");
  run.add_option("--weight-quantile", c.weight_quantile,
                 "Keep only edges whose weight is above this exact quantile of their layer "
                 "(0: keep all)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0))
      ->group("Projection");
  run.add_option("--compat", c.compat,
                 "Reproduce a peer tool exactly: none, coortweet (detect_groups + "
                 "generate_coordinated_network) or qut (co_retweet, directed)")
      ->capture_default_str()
      ->check(CLI::IsMember({"none", "coortweet", "qut"}))
      ->group("Projection");
  run.add_option("--edge-weight-quantile", c.edge_weight_quantile,
                 "--compat coortweet: quantile of edge weights for weight_threshold")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0))
      ->group("Projection");
  run.add_flag("--self-loops", c.self_loops, "--compat qut: keep self-loops")->group("Projection");
  run.add_option("--text-similarity", c.near_text.threshold,
                 "near_text: estimated Jaccard similarity of word shingles at which two texts "
                 "are near-duplicates")
      ->capture_default_str()
      ->check(CLI::Range(0.05, 1.0))
      ->group("Projection");
  run.add_option("--shingle-words", c.near_text.shingle_words, "near_text: words per shingle")
      ->capture_default_str()
      ->check(CLI::Range(1, 16))
      ->group("Projection");
  run.add_option("--sync-bin", c.sync_bin_s, "synchrony: time bin in seconds")
      ->capture_default_str()
      ->check(CLI::PositiveNumber)
      ->group("Projection");
  run.add_option("--sync-max-occupancy", c.synchrony.max_bin_occupancy,
                 "synchrony: bins with more active accounts are skipped (and counted)")
      ->capture_default_str()
      ->group("Projection");
  run.add_option("--sync-min-bins", c.synchrony.min_co_bins,
                 "synchrony: drop pairs sharing fewer bins")
      ->capture_default_str()
      ->group("Projection");
  run.add_option("--memory-budget", c.memory_budget,
                 "Memory per rank for the projection, e.g. 4G: past it, pair partials are "
                 "spilled to --spill-dir as sorted runs; auto: 2/3 of the memory available on "
                 "the node (or to the job's cgroup) shared by its ranks; none: no budget")
      ->capture_default_str()
      ->group("Projection");
  run.add_option("--spill-dir", c.coaction.spill_dir,
                 "Where --memory-budget spills sorted runs; created on each rank at the start if "
                 "missing (default: the temp directory)")
      ->group("Projection");
  run.add_option("--block-pairs", c.coaction.block_pairs,
                 "Pair partials a rank emits before a round of the stream")
      ->capture_default_str()
      ->group("Projection");
  run.add_flag("--precount,!--no-precount", c.coaction.precount,
               "Bound every pair's co-actions in a first pass; the sweep skips the pairs that "
               "cannot reach --min-weight (a filter on every rank) and their owners drop the rest "
               "of them (pairs and keys weighting; exact)")
      ->capture_default_str()
      ->group("Projection");
  run.add_option("--hot-key-actions", c.coaction.hot_key_actions,
                 "Keys with more actions are cut into time slices over several ranks (so are keys "
                 "with more than 1/256 of it whose co-actions fill several slices)")
      ->capture_default_str()
      ->group("Projection");
  run.add_option("--slice-actions", c.coaction.slice_actions,
                 "Actions per time slice of a hot key (about; a slice holds at most about 16 "
                 "times as many co-actions)")
      ->capture_default_str()
      ->group("Projection");
  run.add_option("--hash-bits", c.hash_bits)
      ->group("")
      ->configurable(false)
      ->check(CLI::Range(1, 64));

  add_cluster_options(run, c.cluster);
  add_flag_options(run, c.flag);

  run.add_option("--evidence-keys", c.evidence_keys,
                 "Keys per community kept as evidence (/communities/evidence)")
      ->capture_default_str()
      ->group("Analysis");
  run.add_option("--edge-evidence", c.edge_evidence_keys,
                 "Keys per internal edge of a community kept as the edge's evidence "
                 "(/edge_evidence; 0: none)")
      ->capture_default_str()
      ->group("Analysis");
  run.add_option("--timeline-communities", c.timeline_communities,
                 "Communities ranked first whose members' actions are kept for the timeline "
                 "(/communities/actions; 0: none)")
      ->capture_default_str()
      ->group("Analysis");
  run.add_option("--timeline-actions", c.timeline_actions,
                 "Actions kept per such community (evidence keys first, then a fixed sample)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber)
      ->group("Analysis");

  run.add_option("-o,--out", c.out, "Output HDF5 file (written as OUT.tmp, then renamed)")
      ->required()
      ->group("Output");
  run.add_option("--checkpoint-dir", c.checkpoint_dir,
                 "Save every stage's output here (one part per rank and a manifest)")
      ->group("Checkpoints");
  run.add_flag("--resume", c.resume,
               "Skip the stages whose checkpoint in --checkpoint-dir matches this run")
      ->group("Checkpoints");
  run.add_flag("-v,--verbose", c.verbose, "More log lines")->group("Output")->configurable(false);
  run.add_flag("-q,--quiet", c.quiet, "Only errors")->group("Output")->configurable(false);
}

void RunConfig::resolve() {
  ingest.fingerprint_key_bits = hash_bits;
  ingest.format = *parse_format(format);
  ingest.on_bad_record = *parse_bad_record_policy(on_bad_record);
  if (!column_map.empty()) ingest.column_map = parse_column_map(column_map);

  selected_layers.clear();
  if (layers != "auto") {
    std::string_view rest = layers;
    while (!rest.empty()) {
      const auto comma = rest.find(',');
      selected_layers.push_back(layer_or_throw(rest.substr(0, comma), "--layers"));
      rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    }
    ingest.keep_layer.fill(false);
    for (const auto layer : selected_layers) {
      ingest.keep_layer[static_cast<std::size_t>(layer)] = true;
    }
  } else {
    ingest.keep_layer[static_cast<std::size_t>(Layer::near_text)] = false;
  }
  synchrony.bin_ms = std::max<DurationMs>(1, seconds_to_ms(sync_bin_s, "--sync-bin"));
  auto is_selected = [&](Layer layer) {
    return std::find(selected_layers.begin(), selected_layers.end(), layer) !=
           selected_layers.end();
  };
  bool domain_mapped = false;
  for (const auto& [role, column] : ingest.column_map) domain_mapped |= role == "domain";
  ingest.derive_domains = !domain_mapped && is_selected(Layer::domain);

  window_auto = window == "auto";
  window_s = 0.0;
  if (!window_auto) {
    std::size_t used = 0;
    window_s = parse_number(window, "--window", used);
    if (used != window.size()) throw UsageError("--window: '" + window + "' is not a number", true);
  }
  window_ms.fill(seconds_to_ms(window_s, "--window"));
  layer_window_given.fill(false);
  for (const auto& item : layer_windows) {
    if (item.empty()) continue;  // --dump-config writes no windows as "", read back as one ""
    const auto eq = item.find('=');
    if (eq == std::string::npos) {
      throw UsageError("--layer-window: '" + item + "' is not LAYER=SECONDS", true);
    }
    const auto layer = layer_or_throw(item.substr(0, eq), "--layer-window");
    const std::string_view value = std::string_view(item).substr(eq + 1);
    std::size_t used = 0;
    const double seconds = parse_number(value, "--layer-window", used);
    if (used != value.size()) {
      throw UsageError("--layer-window: '" + item + "' is not LAYER=SECONDS", true);
    }
    window_ms[static_cast<std::size_t>(layer)] = seconds_to_ms(seconds, "--layer-window");
    layer_window_given[static_cast<std::size_t>(layer)] = true;
  }
  coaction.fast_window_ms = seconds_to_ms(fast_window_s, "--fast-window");
  coaction.weighting = weighting == "keys"    ? Weighting::keys
                       : weighting == "tfidf" ? Weighting::tfidf
                                              : Weighting::pairs;
  compat_mode = compat == "coortweet" ? Compat::coortweet
                : compat == "qut"     ? Compat::qut
                                      : Compat::none;
  const bool synchrony_selected = std::find(selected_layers.begin(), selected_layers.end(),
                                            Layer::synchrony) != selected_layers.end();
  if (synchrony_selected && compat_mode != Compat::none) {
    throw UsageError("--layers synchrony has no peer-compatible form: drop it or --compat", true);
  }
  if (coaction.block_pairs == 0) throw UsageError("--block-pairs must be positive", true);
  memory_budget_auto = memory_budget == "auto";
  if (!memory_budget_auto && memory_budget != "none" && !memory_budget.empty()) {
    set_memory_budget(parse_bytes(memory_budget), false);
  }
  if (resume && checkpoint_dir.empty()) throw UsageError("--resume needs --checkpoint-dir", true);
  cluster.resolve();
}

void RunConfig::set_memory_budget(std::uint64_t bytes, bool automatic) {
  memory_budget_bytes = bytes;
  // An eighth of the budget streams pair blocks; the owners' accumulation gets what the
  // actions and the blocks leave (kernels/coaction.hpp).
  coaction.memory_budget_bytes = bytes;
  const auto budget_pairs = std::max<std::size_t>(1024, bytes / 8 / kSweepBytesPerBlockPair);
  coaction.block_pairs = automatic ? std::min(coaction.block_pairs, budget_pairs) : budget_pairs;
}

}  // namespace coordnet
