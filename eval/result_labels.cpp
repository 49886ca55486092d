#include "eval/result_labels.hpp"

#include <hdf5.h>

#include "core/errors.hpp"
#include "io/hdf5_file.hpp"

namespace coordnet::eval {

namespace {

bool has_dataset(hid_t file, const char* path) {
  return H5Lexists(file, "/accounts", H5P_DEFAULT) > 0 && H5Lexists(file, path, H5P_DEFAULT) > 0;
}

hsize_t length_of(hid_t dataset, const char* path) {
  const H5Id space(H5Dget_space(dataset), H5Sclose, path);
  if (H5Sget_simple_extent_ndims(space.get()) != 1) {
    throw DataError(std::string(path) + " is not one-dimensional");
  }
  hsize_t n = 0;
  H5Sget_simple_extent_dims(space.get(), &n, nullptr);
  return n;
}

std::vector<std::string> read_strings(hid_t file, const char* path) {
  const H5Id dataset(H5Dopen2(file, path, H5P_DEFAULT), H5Dclose, path);
  const auto n = length_of(dataset.get(), path);
  const H5Id stored(H5Dget_type(dataset.get()), H5Tclose, path);
  if (H5Tget_class(stored.get()) != H5T_STRING || H5Tis_variable_str(stored.get()) > 0) {
    throw DataError(std::string(path) + " is not a fixed-length string dataset");
  }
  const auto width = H5Tget_size(stored.get());
  const H5Id memory(H5Tcopy(H5T_C_S1), H5Tclose, path);
  h5_check(H5Tset_size(memory.get(), width), path);
  h5_check(H5Tset_strpad(memory.get(), H5T_STR_NULLPAD), path);
  std::vector<char> bytes(n * width);
  h5_check(H5Dread(dataset.get(), memory.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, bytes.data()), path);
  std::vector<std::string> values(n);
  for (hsize_t i = 0; i < n; ++i) {
    const char* s = bytes.data() + i * width;
    std::size_t len = 0;
    while (len < width && s[len] != '\0') ++len;
    values[i].assign(s, len);
  }
  return values;
}

template <class T>
std::vector<T> read_numbers(hid_t file, const char* path, hid_t memory_type, hsize_t expected) {
  const H5Id dataset(H5Dopen2(file, path, H5P_DEFAULT), H5Dclose, path);
  const auto n = length_of(dataset.get(), path);
  if (n != expected) {
    throw DataError(std::string(path) + " has " + std::to_string(n) + " values for " +
                    std::to_string(expected) + " accounts");
  }
  std::vector<T> values(n);
  h5_check(H5Dread(dataset.get(), memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()), path);
  return values;
}

}  // namespace

ResultLabels read_result_labels(const std::string& path) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);  // errors are thrown with HDF5's message instead
  const H5Id file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose, path.c_str());
  ResultLabels result;
  result.ids = read_strings(file.get(), "/accounts/id");
  const auto n = static_cast<hsize_t>(result.ids.size());
  if (has_dataset(file.get(), "/accounts/flagged")) {
    result.flagged =
        read_numbers<std::uint8_t>(file.get(), "/accounts/flagged", H5T_NATIVE_UINT8, n);
  }
  if (has_dataset(file.get(), "/accounts/community")) {
    result.community =
        read_numbers<std::int64_t>(file.get(), "/accounts/community", H5T_NATIVE_INT64, n);
  }
  return result;
}

}  // namespace coordnet::eval
