#include "eval/result_labels.hpp"

#include "io/hdf5_reader.hpp"

namespace coordnet::eval {

ResultLabels read_result_labels(const std::string& path) {
  const Hdf5Reader file(path);
  ResultLabels result;
  const auto ids = file.column("/accounts/id");
  result.ids = file.read_strings(ids.path, 0, ids.length);
  if (file.exists("/accounts/flagged")) {
    result.flagged = file.read_all<std::uint8_t>("/accounts/flagged", ids.length);
  }
  if (file.exists("/accounts/community")) {
    result.community = file.read_all<std::int64_t>("/accounts/community", ids.length);
  }
  return result;
}

}  // namespace coordnet::eval
