// Column lookup by header name for the CSV readers.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace coordnet {

class CsvColumns {
 public:
  explicit CsvColumns(std::span<const std::string_view> header);

  std::optional<std::size_t> find(std::string_view name) const;
  // Index of a required column; throws DataError "<format>: header lacks column(s) ..." listing
  // every missing required column when called through require_all.
  std::size_t index(std::string_view name) const;
  void require_all(std::string_view format, std::span<const std::string_view> names) const;
  bool has_all(std::span<const std::string_view> names) const;
  std::size_t size() const { return names_.size(); }

 private:
  std::vector<std::string> names_;
};

}  // namespace coordnet
