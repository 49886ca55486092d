// The dated input layout of `coordnet nightly` and its rolling window.
//
// Under the input root, every entry whose name starts with a date YYYY-MM-DD belongs to that
// day: a folder contributes every regular file in it (names starting with '.' skipped), a file
// is itself an input (2024-03-01.csv, 2024-03-01-part2.jsonl.gz). A day's inputs are its files
// sorted by path. Rank-local (rank 0 scans; the command broadcasts the result).
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace coordnet {

struct InputDay {
  std::string date;  // YYYY-MM-DD
  std::vector<std::string> files;
};

// Days with at least one input, oldest first. Throws IoError when the root cannot be listed.
std::vector<InputDay> scan_input_days(const std::string& root);

// Days number since 1970-01-01 of a valid YYYY-MM-DD, else nothing.
std::optional<long> day_number(const std::string& date);

// The days of `days` that fall in the `window_days` calendar days ending at `last_date`.
std::vector<InputDay> days_in_window(const std::vector<InputDay>& days,
                                     const std::string& last_date, long window_days);

}  // namespace coordnet
