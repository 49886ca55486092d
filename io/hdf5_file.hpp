// Parallel HDF5 output: RAII handles and a collective column writer with atomic publish.
//
// Hdf5Writer creates NAME.tmp with the MPI-IO driver; write_column / write_strings are collective
// (every rank calls them in the same order with its local slice): each rank's slice lands at the
// offset given by an exclusive scan of the slice sizes, datasets are chunked with shuffle and
// deflate, strings are fixed-length (parallel HDF5 cannot write variable-length data) with the
// length of the longest string over all ranks. commit() closes the file and renames NAME.tmp to
// NAME, so a reader never sees a half-written file; an uncommitted writer removes NAME.tmp.
#pragma once

#include <hdf5.h>

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/comm.hpp"

namespace coordnet {

// Owns one HDF5 identifier and closes it with the matching H5?close.
class H5Id {
 public:
  using Closer = herr_t (*)(hid_t);
  H5Id() = default;
  H5Id(hid_t id, Closer closer, const char* what);
  ~H5Id();
  H5Id(H5Id&& other) noexcept;
  H5Id& operator=(H5Id&& other) noexcept;
  H5Id(const H5Id&) = delete;
  H5Id& operator=(const H5Id&) = delete;

  hid_t get() const noexcept { return id_; }
  void reset();

 private:
  hid_t id_ = H5I_INVALID_HID;
  Closer closer_ = nullptr;
};

// The innermost message of HDF5's current error stack (then cleared).
std::string hdf5_error_text();

// Throws IoError with HDF5's own message when status is negative.
void h5_check(herr_t status, const char* what);

// The HDF5 memory type of a C++ column type.
template <class T>
hid_t h5_native_type() {
  if constexpr (std::is_same_v<T, double>)
    return H5T_NATIVE_DOUBLE;
  else if constexpr (std::is_same_v<T, std::int64_t>)
    return H5T_NATIVE_INT64;
  else if constexpr (std::is_same_v<T, std::uint64_t>)
    return H5T_NATIVE_UINT64;
  else if constexpr (std::is_same_v<T, std::int32_t>)
    return H5T_NATIVE_INT32;
  else if constexpr (std::is_same_v<T, std::uint32_t>)
    return H5T_NATIVE_UINT32;
  else if constexpr (std::is_same_v<T, std::uint8_t>)
    return H5T_NATIVE_UINT8;
  else
    static_assert(sizeof(T) == 0, "no HDF5 type for this column type");
}

class Hdf5Writer {
 public:
  Hdf5Writer(std::string final_path, const Comm& comm);
  ~Hdf5Writer();
  Hdf5Writer(const Hdf5Writer&) = delete;
  Hdf5Writer& operator=(const Hdf5Writer&) = delete;

  template <class T>
  void write_column(const std::string& path, std::span<const T> local) {
    write_raw(path, h5_native_type<T>(), local.data(), local.size());
  }
  template <class T>
  void write_column(const std::string& path, const std::vector<T>& local) {
    write_column<T>(path, std::span<const T>(local));
  }
  void write_strings(const std::string& path, const std::vector<std::string>& local);

  // Attributes on the root group, or on an object already written (a group or a dataset);
  // every rank passes the same value.
  void set_attribute(const std::string& name, const std::string& value) {
    set_attribute("/", name, value);
  }
  void set_attribute(const std::string& name, std::int64_t value) {
    set_attribute("/", name, value);
  }
  void set_attribute(const std::string& object, const std::string& name, const std::string& value);
  void set_attribute(const std::string& object, const std::string& name, std::int64_t value);
  void set_attribute(const std::string& object, const std::string& name, double value);

  // Collective: close, then publish NAME.tmp as NAME.
  void commit();

  const std::string& final_path() const { return final_path_; }

 private:
  void write_raw(const std::string& path, hid_t type, const void* data, std::uint64_t local_count);
  void maybe_die_for_test(const std::string& path) const;
  void write_attribute(const std::string& object, const std::string& name, hid_t type,
                       const void* value);

  const Comm& comm_;
  std::string final_path_;
  std::string tmp_path_;
  H5Id file_;
  bool committed_ = false;
};

}  // namespace coordnet
