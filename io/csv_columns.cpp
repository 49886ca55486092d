#include "io/csv_columns.hpp"

#include "core/errors.hpp"

namespace coordnet {

namespace {
std::string trim_header_name(std::string_view name) {
  while (!name.empty() && (name.front() == ' ' || name.front() == '\t')) name.remove_prefix(1);
  while (!name.empty() && (name.back() == ' ' || name.back() == '\t' || name.back() == '\r')) {
    name.remove_suffix(1);
  }
  return std::string(name);
}
}  // namespace

CsvColumns::CsvColumns(std::span<const std::string_view> header) {
  names_.reserve(header.size());
  for (auto name : header) names_.push_back(trim_header_name(name));
}

std::optional<std::size_t> CsvColumns::find(std::string_view name) const {
  for (std::size_t i = 0; i < names_.size(); ++i) {
    if (names_[i] == name) return i;
  }
  return std::nullopt;
}

std::size_t CsvColumns::index(std::string_view name) const {
  if (auto i = find(name)) return *i;
  throw DataError("header lacks column '" + std::string(name) + "'");
}

bool CsvColumns::has_all(std::span<const std::string_view> names) const {
  for (auto name : names) {
    if (!find(name)) return false;
  }
  return true;
}

void CsvColumns::require_all(std::string_view format,
                             std::span<const std::string_view> names) const {
  std::string missing;
  for (auto name : names) {
    if (!find(name)) missing += (missing.empty() ? "" : ", ") + std::string(name);
  }
  if (!missing.empty()) {
    throw DataError(std::string(format) + " header lacks column(s): " + missing);
  }
}

}  // namespace coordnet
