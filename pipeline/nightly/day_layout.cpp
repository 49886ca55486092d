#include "pipeline/nightly/day_layout.hpp"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>

#include "core/errors.hpp"

namespace coordnet {

namespace fs = std::filesystem;

std::optional<long> day_number(const std::string& date) {
  if (date.size() < 10 || date[4] != '-' || date[7] != '-') return std::nullopt;
  for (const auto i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (date[i] < '0' || date[i] > '9') return std::nullopt;
  }
  using namespace std::chrono;
  const year_month_day ymd{year{std::stoi(date.substr(0, 4))},
                           month{static_cast<unsigned>(std::stoi(date.substr(5, 2)))},
                           day{static_cast<unsigned>(std::stoi(date.substr(8, 2)))}};
  if (!ymd.ok()) return std::nullopt;
  return sys_days(ymd).time_since_epoch().count();
}

std::vector<InputDay> scan_input_days(const std::string& root) {
  std::map<std::string, std::vector<std::string>> files_by_date;
  std::error_code error;
  fs::directory_iterator entries(root, error);
  if (error) throw IoError("--input-root: cannot list '" + root + "': " + error.message());
  for (const auto& entry : entries) {
    const auto name = entry.path().filename().string();
    const auto date = name.substr(0, 10);
    if (!day_number(date)) continue;
    if (entry.is_directory()) {
      auto& files = files_by_date[date];
      for (const auto& file : fs::directory_iterator(entry.path())) {
        if (file.is_regular_file() && !file.path().filename().string().starts_with('.')) {
          files.push_back(file.path().string());
        }
      }
    } else if (entry.is_regular_file()) {
      files_by_date[date].push_back(entry.path().string());
    }
  }
  std::vector<InputDay> days;
  for (auto& [date, files] : files_by_date) {
    if (files.empty()) continue;
    std::sort(files.begin(), files.end());
    days.push_back({date, std::move(files)});
  }
  return days;
}

std::vector<InputDay> days_in_window(const std::vector<InputDay>& days,
                                     const std::string& last_date, long window_days) {
  const auto last = *day_number(last_date);
  std::vector<InputDay> window;
  for (const auto& d : days) {
    const auto n = *day_number(d.date);
    if (n <= last && n > last - window_days) window.push_back(d);
  }
  return window;
}

}  // namespace coordnet
