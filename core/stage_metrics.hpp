// Per-stage wall time, peak memory and counts, aggregated over ranks (min / max / mean).
//
// StageMetrics::stage("ingest") starts a timer; finish(comm) ends it collectively: every rank
// must call finish for every stage, in the same order. Counts added with add_count are summed
// over ranks. The report goes to the log and into the output file's attributes.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/comm.hpp"

namespace coordnet {

struct Spread {
  double min = 0, max = 0, mean = 0;
};

struct StageReport {
  std::string name;
  Spread seconds;
  Spread peak_rss_mib;  // process peak resident set size at the end of the stage
  std::map<std::string, std::uint64_t> counts;  // summed over ranks
};

// Peak resident set size of this process so far, in MiB.
double peak_rss_mib();

Spread spread_over_ranks(double local, const Comm& comm);

class StageMetrics {
 public:
  // Stage names are logged and reported with this prefix (a stage run inside another, such as the
  // evidence keys' re-read of the inputs, must not pass for one of the run's own stages).
  explicit StageMetrics(std::string prefix = {}) : prefix_(std::move(prefix)) {}
  void start(const std::string& name);
  // The running stage's name, prefix included.
  const std::string& stage_name() const { return name_; }
  void add_count(const std::string& key, std::uint64_t value);
  // Collective: ends the running stage, aggregates over ranks and logs one line.
  const StageReport& finish(const Comm& comm);

  const std::vector<StageReport>& reports() const { return reports_; }

 private:
  std::string prefix_;
  std::string name_;
  std::chrono::steady_clock::time_point started_;
  std::map<std::string, std::uint64_t> counts_;
  std::vector<StageReport> reports_;
};

// Wall seconds of the named parts of a stage on this rank: mark() starts the clock, lap(i) adds
// the time since the last mark or lap to part i. add_to reports each part's milliseconds on the
// fastest and the slowest rank as the counts `<part>_ms_min` and `<part>_ms_max`, so an imbalance
// between ranks is visible (the stage itself ends on every rank together). Collective: every
// rank constructs the same parts and calls add_to once.
class PartTimes {
 public:
  explicit PartTimes(std::vector<std::string> names);
  void mark() { last_ = std::chrono::steady_clock::now(); }
  void lap(std::size_t part) {
    const auto now = std::chrono::steady_clock::now();
    seconds_[part] += std::chrono::duration<double>(now - last_).count();
    last_ = now;
  }
  void add_to(StageMetrics& metrics, const Comm& comm) const;

 private:
  std::vector<std::string> names_;
  std::vector<double> seconds_;
  std::chrono::steady_clock::time_point last_ = std::chrono::steady_clock::now();
};

}  // namespace coordnet
