// Root-only logging. Rank 0 prints; other ranks stay silent, so no code needs
// `if (rank == 0)` or barriers for printing. Errors that only one rank sees are printed by that
// rank with log_error_any_rank.
#pragma once

#include <fmt/core.h>

#include <chrono>
#include <cstdio>
#include <string>

namespace coordnet {

enum class Verbosity { quiet = 0, info = 1, debug = 2 };

class Log {
 public:
  static void init(int rank, Verbosity verbosity);

  template <class... Args>
  static void info(fmt::format_string<Args...> format, Args&&... args) {
    if (enabled(Verbosity::info)) write(fmt::format(format, std::forward<Args>(args)...));
  }
  template <class... Args>
  static void debug(fmt::format_string<Args...> format, Args&&... args) {
    if (enabled(Verbosity::debug)) write(fmt::format(format, std::forward<Args>(args)...));
  }
  // Printed by whichever rank calls it, prefixed with the rank.
  static void error_any_rank(const std::string& message);
  // Printed by rank 0 even when quiet.
  static void always(const std::string& message);

  static bool enabled(Verbosity level);
  static bool is_root();
  static double elapsed_s();

 private:
  static void write(const std::string& line);
};

// While alive, rank 0 also appends every log line and error message it prints to a file
// (`coordnet nightly` keeps one per run). Other ranks ignore it.
class LogFile {
 public:
  explicit LogFile(const std::string& path);
  ~LogFile();
  LogFile(const LogFile&) = delete;
  LogFile& operator=(const LogFile&) = delete;
};

}  // namespace coordnet
