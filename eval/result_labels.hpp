// Reads the predicted labelling from a coordnet result file (serial HDF5, one process):
// /accounts/id, and /accounts/flagged (uint8) and/or /accounts/community (integers; negative
// means none) when present.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace coordnet::eval {

struct ResultLabels {
  std::vector<std::string> ids;
  std::optional<std::vector<std::uint8_t>> flagged;
  std::optional<std::vector<std::int64_t>> community;
};

// Throws IoError when the file cannot be read, DataError when it is not HDF5, lacks /accounts/id
// or a column's length differs from /accounts/id's.
ResultLabels read_result_labels(const std::string& path);

}  // namespace coordnet::eval
