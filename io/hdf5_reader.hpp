// Serial, read-only access to an HDF5 file for the tools that look at a finished result
// (export, inspect, evaluate): one process reads, in slices, so a column of 10^8 values never has
// to be in memory at once.
//
// Every column is a one-dimensional dataset; numbers are converted by HDF5 to the requested
// type, strings are fixed- or variable-length. Errors name the file and the object: a file that
// cannot be opened for reading is an IoError (exit 74), a file that is not HDF5 or lacks a dataset
// the caller needs, or holds one of the wrong shape or type, is a DataError (exit 65).
#pragma once

#include <hdf5.h>

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/errors.hpp"
#include "io/hdf5_file.hpp"

namespace coordnet {

enum class ValueKind { text, int64, uint64, float64 };

struct ColumnInfo {
  std::string path;  // absolute, e.g. /communities/size
  std::string name;  // last path component, e.g. size
  ValueKind kind;
  std::uint64_t length;
};

// A slice of one column, in the type that matches its ValueKind.
using ColumnValues = std::variant<std::vector<std::string>, std::vector<std::int64_t>,
                                  std::vector<std::uint64_t>, std::vector<double>>;

class Hdf5Reader {
 public:
  explicit Hdf5Reader(const std::string& path);

  const std::string& path() const { return path_; }

  // True when every component of `object` (a group or dataset path) exists.
  bool exists(const std::string& object) const;

  // The one-dimensional numeric or string datasets directly under `group`, sorted by name; empty
  // when the group does not exist. Other objects (subgroups, scalars, compound types) are skipped.
  std::vector<ColumnInfo> columns(const std::string& group) const;

  // The column at `path`; DataError when it is absent or not a one-dimensional column.
  ColumnInfo column(const std::string& path) const;
  std::optional<ColumnInfo> find_column(const std::string& path) const;

  ColumnValues read(const ColumnInfo& column, std::uint64_t offset, std::uint64_t count) const;
  std::vector<std::string> read_strings(const std::string& path, std::uint64_t offset,
                                        std::uint64_t count) const;
  template <class T>
  std::vector<T> read_numbers(const std::string& path, std::uint64_t offset,
                              std::uint64_t count) const;
  // The whole column converted to T; DataError unless its length is `expected_length`.
  template <class T>
  std::vector<T> read_all(const std::string& path, std::uint64_t expected_length) const;

  // A string (fixed- or variable-length) or numeric scalar attribute, as text; nullopt if absent.
  std::optional<std::string> attribute_text(const std::string& object,
                                            const std::string& name) const;

 private:
  void read_raw(const std::string& path, hid_t memory_type, std::uint64_t offset,
                std::uint64_t count, void* out) const;
  std::string where(const std::string& object) const;

  std::string path_;
  H5Id file_;
};

template <class T>
std::vector<T> Hdf5Reader::read_numbers(const std::string& path, std::uint64_t offset,
                                        std::uint64_t count) const {
  static_assert(std::is_arithmetic_v<T>);
  std::vector<T> values(count);
  read_raw(path, h5_native_type<T>(), offset, count, values.data());
  return values;
}

template <class T>
std::vector<T> Hdf5Reader::read_all(const std::string& path, std::uint64_t expected_length) const {
  const auto info = column(path);
  if (info.length != expected_length) {
    throw DataError(where(path) + " has " + std::to_string(info.length) + " values, expected " +
                    std::to_string(expected_length));
  }
  return read_numbers<T>(path, 0, info.length);
}

// One value of a column slice as text: integers in decimal, floats shortest round-trip (NaN,
// Infinity and -Infinity as Python and Java parse them).
std::string value_text(const ColumnValues& values, std::size_t i);
double value_number(const ColumnValues& values, std::size_t i);
std::size_t value_count(const ColumnValues& values);

}  // namespace coordnet
