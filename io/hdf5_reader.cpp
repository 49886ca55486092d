#include "io/hdf5_reader.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>

namespace coordnet {

namespace {

struct ChildNames {
  std::vector<std::string> names;
};

herr_t collect_child(hid_t, const char* name, const H5L_info_t*, void* out) {
  static_cast<ChildNames*>(out)->names.emplace_back(name);
  return 0;
}

std::optional<ValueKind> kind_of(hid_t type) {
  switch (H5Tget_class(type)) {
    case H5T_INTEGER:
      return H5Tget_sign(type) == H5T_SGN_NONE ? ValueKind::uint64 : ValueKind::int64;
    case H5T_FLOAT:
      return ValueKind::float64;
    case H5T_STRING:
      return ValueKind::text;
    default:
      return std::nullopt;
  }
}

std::string trimmed(const char* s, std::size_t width) {
  std::size_t len = 0;
  while (len < width && s[len] != '\0') ++len;
  return {s, len};
}

}  // namespace

Hdf5Reader::Hdf5Reader(const std::string& path) : path_(path) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);  // errors are thrown with HDF5's message instead
  if (!std::ifstream(path, std::ios::binary)) {
    throw IoError("cannot open " + path + ": " + std::strerror(errno));
  }
  const hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (file < 0) {
    throw DataError(path + " is not a readable HDF5 file (" + hdf5_error_text() + ")");
  }
  file_ = H5Id(file, H5Fclose, "H5Fopen");
}

std::string Hdf5Reader::where(const std::string& object) const { return path_ + ": " + object; }

bool Hdf5Reader::exists(const std::string& object) const {
  if (object == "/") return true;
  std::size_t end = 0;
  while (end != std::string::npos) {
    end = object.find('/', end + 1);
    const auto prefix = object.substr(0, end);
    if (H5Lexists(file_.get(), prefix.c_str(), H5P_DEFAULT) <= 0) return false;
  }
  return true;
}

std::optional<ColumnInfo> Hdf5Reader::find_column(const std::string& path) const {
  if (!exists(path)) return std::nullopt;
  H5O_info_t info{};
  if (H5Oget_info_by_name2(file_.get(), path.c_str(), &info, H5O_INFO_BASIC, H5P_DEFAULT) < 0 ||
      info.type != H5O_TYPE_DATASET) {
    return std::nullopt;
  }
  const H5Id dataset(H5Dopen2(file_.get(), path.c_str(), H5P_DEFAULT), H5Dclose, path.c_str());
  const H5Id space(H5Dget_space(dataset.get()), H5Sclose, path.c_str());
  const H5Id type(H5Dget_type(dataset.get()), H5Tclose, path.c_str());
  const auto kind = kind_of(type.get());
  if (!kind || H5Sget_simple_extent_ndims(space.get()) != 1) return std::nullopt;
  hsize_t length = 0;
  h5_check(H5Sget_simple_extent_dims(space.get(), &length, nullptr), path.c_str());
  return ColumnInfo{path, path.substr(path.rfind('/') + 1), *kind, length};
}

ColumnInfo Hdf5Reader::column(const std::string& path) const {
  auto found = find_column(path);
  if (!found) {
    throw DataError(where(path) + (exists(path) ? " is not a one-dimensional column of numbers or "
                                                  "strings"
                                                : " is missing"));
  }
  return *found;
}

std::vector<ColumnInfo> Hdf5Reader::columns(const std::string& group) const {
  std::vector<ColumnInfo> found;
  if (!exists(group)) return found;
  const H5Id g(H5Gopen2(file_.get(), group.c_str(), H5P_DEFAULT), H5Gclose, group.c_str());
  ChildNames children;
  h5_check(H5Literate(g.get(), H5_INDEX_NAME, H5_ITER_INC, nullptr, collect_child, &children),
           group.c_str());
  const std::string prefix = group == "/" ? "/" : group + "/";
  for (const auto& name : children.names) {
    if (auto column = find_column(prefix + name)) found.push_back(std::move(*column));
  }
  return found;
}

void Hdf5Reader::read_raw(const std::string& path, hid_t memory_type, std::uint64_t offset,
                          std::uint64_t count, void* out) const {
  const auto info = column(path);
  if (offset + count > info.length) {
    throw DataError(fmt::format("{}: rows {}..{} asked, the column has {}", where(path), offset,
                                offset + count, info.length));
  }
  if (count == 0) return;
  const H5Id dataset(H5Dopen2(file_.get(), path.c_str(), H5P_DEFAULT), H5Dclose, path.c_str());
  const H5Id space(H5Dget_space(dataset.get()), H5Sclose, path.c_str());
  const hsize_t start = offset, n = count;
  h5_check(H5Sselect_hyperslab(space.get(), H5S_SELECT_SET, &start, nullptr, &n, nullptr),
           path.c_str());
  const H5Id memory(H5Screate_simple(1, &n, nullptr), H5Sclose, path.c_str());
  if (H5Dread(dataset.get(), memory_type, memory.get(), space.get(), H5P_DEFAULT, out) < 0) {
    throw IoError("cannot read " + where(path) + ": " + hdf5_error_text());
  }
}

std::vector<std::string> Hdf5Reader::read_strings(const std::string& path, std::uint64_t offset,
                                                  std::uint64_t count) const {
  const auto info = column(path);
  if (info.kind != ValueKind::text) throw DataError(where(path) + " is not a string column");
  const H5Id dataset(H5Dopen2(file_.get(), path.c_str(), H5P_DEFAULT), H5Dclose, path.c_str());
  const H5Id stored(H5Dget_type(dataset.get()), H5Tclose, path.c_str());
  std::vector<std::string> values(count);
  if (H5Tis_variable_str(stored.get()) > 0) {
    const H5Id memory(H5Tcopy(H5T_C_S1), H5Tclose, path.c_str());
    h5_check(H5Tset_size(memory.get(), H5T_VARIABLE), path.c_str());
    h5_check(H5Tset_cset(memory.get(), H5Tget_cset(stored.get())), path.c_str());
    std::vector<char*> pointers(count, nullptr);
    read_raw(path, memory.get(), offset, count, pointers.data());
    for (std::uint64_t i = 0; i < count; ++i) {
      if (pointers[i] != nullptr) values[i] = pointers[i];
      H5free_memory(pointers[i]);
    }
    return values;
  }
  const auto width = H5Tget_size(stored.get());
  const H5Id memory(H5Tcopy(H5T_C_S1), H5Tclose, path.c_str());
  h5_check(H5Tset_size(memory.get(), width), path.c_str());
  h5_check(H5Tset_strpad(memory.get(), H5T_STR_NULLPAD), path.c_str());
  h5_check(H5Tset_cset(memory.get(), H5Tget_cset(stored.get())), path.c_str());
  std::vector<char> bytes(count * width);
  read_raw(path, memory.get(), offset, count, bytes.data());
  for (std::uint64_t i = 0; i < count; ++i) values[i] = trimmed(bytes.data() + i * width, width);
  return values;
}

ColumnValues Hdf5Reader::read(const ColumnInfo& column, std::uint64_t offset,
                              std::uint64_t count) const {
  switch (column.kind) {
    case ValueKind::text:
      return read_strings(column.path, offset, count);
    case ValueKind::int64:
      return read_numbers<std::int64_t>(column.path, offset, count);
    case ValueKind::uint64:
      return read_numbers<std::uint64_t>(column.path, offset, count);
    case ValueKind::float64:
      return read_numbers<double>(column.path, offset, count);
  }
  throw DataError(where(column.path) + ": unknown value kind");
}

std::optional<std::string> Hdf5Reader::attribute_text(const std::string& object,
                                                      const std::string& name) const {
  if (!exists(object) ||
      H5Aexists_by_name(file_.get(), object.c_str(), name.c_str(), H5P_DEFAULT) <= 0) {
    return std::nullopt;
  }
  const std::string what = where(object) + " attribute " + name;
  const H5Id attr(
      H5Aopen_by_name(file_.get(), object.c_str(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT),
      H5Aclose, what.c_str());
  const H5Id type(H5Aget_type(attr.get()), H5Tclose, what.c_str());
  const H5Id space(H5Aget_space(attr.get()), H5Sclose, what.c_str());
  if (H5Sget_simple_extent_npoints(space.get()) != 1) {
    throw DataError(what + " is not a single value");
  }
  const auto kind = kind_of(type.get());
  if (kind == ValueKind::int64 || kind == ValueKind::uint64) {
    std::int64_t value = 0;
    h5_check(H5Aread(attr.get(), H5T_NATIVE_INT64, &value), what.c_str());
    return std::to_string(value);
  }
  if (kind == ValueKind::float64) {
    double value = 0;
    h5_check(H5Aread(attr.get(), H5T_NATIVE_DOUBLE, &value), what.c_str());
    return fmt::format("{}", value);
  }
  if (kind != ValueKind::text) throw DataError(what + " is neither a string nor a number");
  const H5Id memory(H5Tcopy(H5T_C_S1), H5Tclose, what.c_str());
  h5_check(H5Tset_cset(memory.get(), H5Tget_cset(type.get())), what.c_str());
  if (H5Tis_variable_str(type.get()) > 0) {
    h5_check(H5Tset_size(memory.get(), H5T_VARIABLE), what.c_str());
    char* text = nullptr;
    h5_check(H5Aread(attr.get(), memory.get(), &text), what.c_str());
    std::string value = text != nullptr ? text : "";
    H5free_memory(text);
    return value;
  }
  const auto width = H5Tget_size(type.get());
  h5_check(H5Tset_size(memory.get(), width), what.c_str());
  h5_check(H5Tset_strpad(memory.get(), H5T_STR_NULLPAD), what.c_str());
  std::vector<char> bytes(width);
  h5_check(H5Aread(attr.get(), memory.get(), bytes.data()), what.c_str());
  return trimmed(bytes.data(), width);
}

std::size_t value_count(const ColumnValues& values) {
  return std::visit([](const auto& v) { return v.size(); }, values);
}

std::string value_text(const ColumnValues& values, std::size_t i) {
  return std::visit(
      [i](const auto& v) -> std::string {
        using Values = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<Values, std::vector<std::string>>) {
          return v[i];
        } else if constexpr (std::is_same_v<Values, std::vector<double>>) {
          if (std::isnan(v[i])) return "NaN";
          if (std::isinf(v[i])) return v[i] > 0 ? "Infinity" : "-Infinity";
          return fmt::format("{}", v[i]);
        } else {
          return fmt::format("{}", v[i]);
        }
      },
      values);
}

double value_number(const ColumnValues& values, std::size_t i) {
  return std::visit(
      [i](const auto& v) -> double {
        if constexpr (std::is_same_v<std::decay_t<decltype(v)>, std::vector<std::string>>) {
          return std::strtod(v[i].c_str(), nullptr);
        } else {
          return static_cast<double>(v[i]);
        }
      },
      values);
}

}  // namespace coordnet
