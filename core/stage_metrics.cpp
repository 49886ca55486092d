#include "core/stage_metrics.hpp"

#include <sys/resource.h>

#include "core/log.hpp"

namespace coordnet {

double peak_rss_mib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;  // ru_maxrss is in KiB on Linux
}

Spread spread_over_ranks(double local, const Comm& comm) {
  return {comm.allreduce(local, ReduceOp::min), comm.allreduce(local, ReduceOp::max),
          comm.allreduce(local, ReduceOp::sum) / comm.size()};
}

void StageMetrics::start(const std::string& name) {
  name_ = prefix_ + name;
  counts_.clear();
  started_ = std::chrono::steady_clock::now();
}

void StageMetrics::add_count(const std::string& key, std::uint64_t value) { counts_[key] += value; }

const StageReport& StageMetrics::finish(const Comm& comm) {
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  StageReport report;
  report.name = name_;
  report.seconds = spread_over_ranks(seconds, comm);
  report.peak_rss_mib = spread_over_ranks(peak_rss_mib(), comm);
  for (const auto& [key, value] : counts_)
    report.counts[key] = comm.allreduce(value, ReduceOp::sum);
  std::string counts;
  for (const auto& [key, value] : report.counts) counts += fmt::format(" {}={}", key, value);
  Log::info("stage {:<8} {:7.2f}s (ranks {:.2f}..{:.2f}s) peak {:.0f} MiB/rank max{}", report.name,
            report.seconds.max, report.seconds.min, report.seconds.max, report.peak_rss_mib.max,
            counts);
  reports_.push_back(std::move(report));
  return reports_.back();
}

PartTimes::PartTimes(std::vector<std::string> names)
    : names_(std::move(names)), seconds_(names_.size(), 0.0) {}

void PartTimes::add_to(StageMetrics& metrics, const Comm& comm) const {
  std::string line;
  for (std::size_t i = 0; i < names_.size(); ++i) {
    const auto spread = spread_over_ranks(seconds_[i], comm);
    const auto ms = [](double s) { return static_cast<std::uint64_t>(s * 1000.0 + 0.5); };
    // Counts are summed over ranks: the root carries the value, the others add zero.
    metrics.add_count(names_[i] + "_ms_min", comm.is_root() ? ms(spread.min) : 0);
    metrics.add_count(names_[i] + "_ms_max", comm.is_root() ? ms(spread.max) : 0);
    line += fmt::format(" {} {:.2f}..{:.2f}", names_[i], spread.min, spread.max);
  }
  Log::info("  parts (s, fastest..slowest rank):{}", line);
}

}  // namespace coordnet
