#include "core/log.hpp"

namespace coordnet {

namespace {
int g_rank = 0;
Verbosity g_verbosity = Verbosity::info;
const auto g_start = std::chrono::steady_clock::now();
std::FILE* g_file = nullptr;
}  // namespace

LogFile::LogFile(const std::string& path) {
  if (g_rank == 0) g_file = std::fopen(path.c_str(), "a");
}

LogFile::~LogFile() {
  if (g_file != nullptr) std::fclose(g_file);
  g_file = nullptr;
}

void Log::init(int rank, Verbosity verbosity) {
  g_rank = rank;
  g_verbosity = verbosity;
}

bool Log::enabled(Verbosity level) {
  return g_rank == 0 && static_cast<int>(g_verbosity) >= static_cast<int>(level);
}

bool Log::is_root() { return g_rank == 0; }

double Log::elapsed_s() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - g_start).count();
}

void Log::write(const std::string& line) {
  fmt::print(stderr, "[{:8.2f}s] {}\n", elapsed_s(), line);
  std::fflush(stderr);
  if (g_file != nullptr) {
    fmt::print(g_file, "[{:8.2f}s] {}\n", elapsed_s(), line);
    std::fflush(g_file);
  }
}

void Log::always(const std::string& message) {
  if (g_rank == 0) write(message);
}

void Log::error_any_rank(const std::string& message) {
  fmt::print(stderr, "coordnet: error (rank {}): {}\n", g_rank, message);
  std::fflush(stderr);
  if (g_file != nullptr) fmt::print(g_file, "coordnet: error (rank {}): {}\n", g_rank, message);
}

}  // namespace coordnet
