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
  void start(std::string name);
  void add_count(const std::string& key, std::uint64_t value);
  // Collective: ends the running stage, aggregates over ranks and logs one line.
  const StageReport& finish(const Comm& comm);

  const std::vector<StageReport>& reports() const { return reports_; }

 private:
  std::string name_;
  std::chrono::steady_clock::time_point started_;
  std::map<std::string, std::uint64_t> counts_;
  std::vector<StageReport> reports_;
};

}  // namespace coordnet
