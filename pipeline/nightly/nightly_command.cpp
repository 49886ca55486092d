#include "pipeline/nightly/nightly_command.hpp"

#include <fmt/core.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/errors.hpp"
#include "core/log.hpp"
#include "pipeline/checkpoint/checkpoint_store.hpp"
#include "pipeline/checkpoint/run_identity.hpp"
#include "pipeline/checkpoint/stage_codecs.hpp"
#include "pipeline/nightly/day_layout.hpp"
#include "pipeline/run_pipeline.hpp"
#include "pipeline/version.hpp"

namespace coordnet {

namespace fs = std::filesystem;

namespace {

// The options a day's parse depends on: a change re-parses every day, others reuse the caches.
constexpr std::array<std::string_view, 8> kIngestOptions = {
    "format",          "map",    "on-bad-record",   "max-bad-fraction",
    "max-field-bytes", "layers", "text-similarity", "shingle-words"};

bool is_ingest_option(std::string_view key) {
  constexpr std::string_view prefix = "nightly.";
  if (!key.starts_with(prefix)) return false;
  key.remove_prefix(prefix.size());
  return std::find(kIngestOptions.begin(), kIngestOptions.end(), key) != kIngestOptions.end();
}

// Runs `work` on rank 0; an exception there becomes an IoError on every rank.
template <class Work>
void on_root(const Comm& comm, Work work) {
  std::string error;
  if (comm.is_root()) {
    try {
      work();
    } catch (const std::exception& e) {
      error = e.what();
    }
  }
  error = comm.broadcast(error, 0);
  if (!error.empty()) throw IoError(error, true);
}

// The dated inputs, scanned on rank 0 and shared as "DATE\tPATH" lines.
std::vector<InputDay> shared_input_days(const std::string& root, const Comm& comm) {
  std::string text;
  on_root(comm, [&] {
    for (const auto& day : scan_input_days(root)) {
      for (const auto& file : day.files) text += day.date + "\t" + file + "\n";
    }
  });
  std::istringstream lines(comm.broadcast(text, 0));
  std::vector<InputDay> days;
  for (std::string line; std::getline(lines, line);) {
    const auto tab = line.find('\t');
    if (days.empty() || days.back().date != line.substr(0, tab)) {
      days.push_back({line.substr(0, tab), {}});
    }
    days.back().files.push_back(line.substr(tab + 1));
  }
  return days;
}

void write_file_atomically(const fs::path& path, const std::string& text) {
  const auto tmp = path.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out.flush()) throw std::runtime_error("cannot write '" + tmp + "'");
  }
  fs::rename(tmp, path);
}

// OUT/latest -> DATE, replaced in one rename.
void switch_latest(const fs::path& out_root, const std::string& date) {
  const auto tmp = out_root / ".latest.tmp";
  fs::remove(tmp);
  fs::create_directory_symlink(date, tmp);
  fs::rename(tmp, out_root / "latest");
}

// Dated entries (valid YYYY-MM-DD names) of a folder, oldest first.
std::vector<std::string> dated_entries(const fs::path& dir) {
  std::vector<std::string> dates;
  if (!fs::is_directory(dir)) return dates;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const auto name = entry.path().filename().string();
    if (name.size() == 10 && day_number(name) && entry.is_directory()) dates.push_back(name);
  }
  std::sort(dates.begin(), dates.end());
  return dates;
}

// Keeps the newest `retain` dated result folders (and always `current`), and the day caches
// of days inside the window or after it.
void apply_retention(const fs::path& out_root, const std::string& current, long retain,
                     long window_start) {
  const auto results = dated_entries(out_root);
  const auto keep_from = results.size() > static_cast<std::size_t>(retain)
                             ? results.size() - static_cast<std::size_t>(retain)
                             : 0;
  for (std::size_t i = 0; i < keep_from; ++i) {
    if (results[i] == current) continue;
    fs::remove_all(out_root / results[i]);
    Log::info("nightly: retention removed {}", (out_root / results[i]).string());
  }
  for (const auto& day : dated_entries(out_root / "cache")) {
    if (*day_number(day) < window_start) fs::remove_all(out_root / "cache" / day);
  }
}

}  // namespace

CLI::App* add_nightly_command(CLI::App& app, NightlyOptions& options, RunConfig& run_config) {
  auto* nightly = app.add_subcommand(
      "nightly", "Run over the last --days days of a dated input layout, parsing only new days");
  nightly
      ->add_option("--input-root", options.input_root,
                   "Folder of dated inputs: YYYY-MM-DD/ folders or files named YYYY-MM-DD*")
      ->required()
      ->group("Nightly");
  nightly->add_option("--days", options.days, "Days in the rolling window")
      ->capture_default_str()
      ->check(CLI::PositiveNumber)
      ->group("Nightly");
  nightly
      ->add_option("--out-root", options.out_root,
                   "Output folder: YYYY-MM-DD/ per run, latest, cache/")
      ->required()
      ->group("Nightly");
  nightly->add_option("--retain", options.retain, "Dated result folders to keep")
      ->capture_default_str()
      ->check(CLI::PositiveNumber)
      ->group("Nightly");
  nightly
      ->add_option("--date", options.date,
                   "Last day of the window, YYYY-MM-DD (default: the newest day of inputs)")
      ->group("Nightly");
  add_run_options(*nightly, run_config);
  for (const auto* name : {"inputs", "--out", "--checkpoint-dir", "--resume"}) {
    nightly->remove_option(nightly->get_option(name));
  }
  return nightly;
}

void run_nightly(const NightlyOptions& options, RunConfig run_config, const std::string& toml,
                 const Comm& comm) {
  if (!options.date.empty() && !day_number(options.date)) {
    throw UsageError("--date: '" + options.date + "' is not a date YYYY-MM-DD", true);
  }
  const auto all_days = shared_input_days(options.input_root, comm);
  if (all_days.empty()) {
    throw RetryLaterError("no dated inputs under '" + options.input_root + "' yet", true);
  }
  const auto last = options.date.empty() ? all_days.back().date : options.date;
  if (std::none_of(all_days.begin(), all_days.end(),
                   [&](const InputDay& d) { return d.date == last; })) {
    throw RetryLaterError("no inputs for " + last + " under '" + options.input_root + "' yet",
                          true);
  }
  const auto window = days_in_window(all_days, last, options.days);
  const fs::path out_root(options.out_root);
  const auto out_dir = out_root / last;
  on_root(comm, [&] {
    fs::create_directories(out_dir);
    fs::create_directories(out_root / "cache");
  });
  const LogFile log((out_dir / "coordnet.log").string());
  Log::info("nightly {}: window of {} day(s), {} with inputs: {} .. {}", last, options.days,
            window.size(), window.front().date, window.back().date);

  run_config.checkpoint_dir.clear();
  run_config.resume = false;
  run_config.out = (out_dir / "result.h5").string();
  run_config.ingest.inputs.clear();
  for (const auto& day : window) {
    run_config.ingest.inputs.insert(run_config.ingest.inputs.end(), day.files.begin(),
                                    day.files.end());
  }
  const auto ingest_lines = config_lines(toml, is_ingest_option);
  auto from_day_caches = [&](StageMetrics& metrics) {
    RawIngest all;
    std::size_t parsed = 0;
    for (const auto& day : window) {
      CheckpointStore cache((out_root / "cache" / day.date).string(), true,
                            checkpoint_identity(day.files, ingest_lines, comm), comm);
      RawIngest raw;
      if (cache.load("ingest", [&](CheckpointReader& r) { load_raw_ingest(r, raw); })) {
        Log::info("nightly: day {} from the day cache", day.date);
      } else {
        auto day_config = run_config;
        day_config.ingest.inputs = day.files;
        raw = ingest_inputs(day_config, comm, metrics);
        cache.save("ingest", [&](CheckpointWriter& w) { save_raw_ingest(w, raw); });
        Log::info("nightly: day {} parsed ({} file(s))", day.date, day.files.size());
        ++parsed;
      }
      append_raw_ingest(all, std::move(raw));
    }
    all.ingested.bad.order_quarantine_by_file(static_cast<std::uint32_t>(all.ingested.files.size()),
                                              comm);
    Log::info("nightly: {} day(s) parsed, {} from the day cache", parsed, window.size() - parsed);
    return all;
  };
  try {
    run_pipeline(run_config, toml, comm, from_day_caches);
  } catch (const Error& e) {
    Log::always(std::string("nightly: stopped: ") + e.what());
    throw;
  }

  on_root(comm, [&] {
    write_file_atomically(out_dir / "config.toml", toml);
    write_file_atomically(out_dir / "version.txt",
                          fmt::format("coordnet {} ({})\n", kVersion, kGitSha));
    switch_latest(out_root, last);
    apply_retention(out_root, last, options.retain, *day_number(last) - options.days + 1);
  });
  Log::info("nightly {}: {} is complete; latest -> {}", last, out_dir.string(), last);
}

}  // namespace coordnet
