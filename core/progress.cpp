#include "core/progress.hpp"

#include <unistd.h>

#include <cstdio>

#include "core/log.hpp"

namespace coordnet {

Progress::Progress(const Comm& comm, std::string label, std::uint64_t local_total,
                   double line_interval_s)
    : comm_(comm),
      label_(std::move(label)),
      global_total_(comm.allreduce(local_total, ReduceOp::sum)),
      line_interval_s_(line_interval_s),
      started_s_(Log::elapsed_s()),
      last_line_s_(started_s_),
      terminal_(isatty(STDERR_FILENO) == 1) {}

void Progress::update(std::uint64_t local_done) {
  draw(comm_.allreduce(local_done, ReduceOp::sum), false);
}

void Progress::finish() { draw(global_total_, true); }

void Progress::draw(std::uint64_t done, bool final) {
  if (!Log::enabled(Verbosity::info)) return;
  const double fraction =
      global_total_ == 0 ? 1.0 : static_cast<double>(done) / static_cast<double>(global_total_);
  const double now = Log::elapsed_s();
  const double rate_mb_s = static_cast<double>(done) / 1e6 / std::max(1e-9, now - started_s_);
  if (terminal_) {
    constexpr int kWidth = 40;
    const int filled = static_cast<int>(fraction * kWidth);
    std::fprintf(stderr, "\r%-8s [%-*s] %5.1f%% %8.1f MB/s", label_.c_str(), kWidth,
                 std::string(static_cast<std::size_t>(filled), '#').c_str(), 100.0 * fraction,
                 rate_mb_s);
    if (final) std::fprintf(stderr, "\n");
    std::fflush(stderr);
  } else if (final || now - last_line_s_ >= line_interval_s_) {
    last_line_s_ = now;
    Log::info("{} {:5.1f}% ({} of {} bytes, {:.1f} MB/s)", label_, 100.0 * fraction, done,
              global_total_, rate_mb_s);
  }
}

}  // namespace coordnet
