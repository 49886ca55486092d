#include "io/hdf5_file.hpp"

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <cstdlib>

#include "core/errors.hpp"

namespace coordnet {

namespace {

herr_t collect_message(unsigned n, const H5E_error2_t* error, void* out) {
  auto& text = *static_cast<std::string*>(out);
  if (n == 0) text = error->desc ? error->desc : "";
  return 0;
}

constexpr hsize_t kChunkElements = 1 << 16;
// Level 1: after the shuffle filter most of the gain is there at a fraction of level 4's time.
constexpr unsigned kDeflateLevel = 1;

}  // namespace

std::string hdf5_error_text() {
  std::string text;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, collect_message, &text);
  H5Eclear2(H5E_DEFAULT);
  return text;
}

void h5_check(herr_t status, const char* what) {
  if (status < 0) throw IoError(std::string("HDF5: ") + what + " failed: " + hdf5_error_text());
}

H5Id::H5Id(hid_t id, Closer closer, const char* what) : id_(id), closer_(closer) {
  if (id < 0) throw IoError(std::string("HDF5: ") + what + " failed: " + hdf5_error_text());
}

H5Id::~H5Id() { reset(); }

H5Id::H5Id(H5Id&& other) noexcept : id_(other.id_), closer_(other.closer_) {
  other.id_ = H5I_INVALID_HID;
}

H5Id& H5Id::operator=(H5Id&& other) noexcept {
  if (this != &other) {
    reset();
    id_ = other.id_;
    closer_ = other.closer_;
    other.id_ = H5I_INVALID_HID;
  }
  return *this;
}

void H5Id::reset() {
  if (id_ >= 0 && closer_ != nullptr) closer_(id_);
  id_ = H5I_INVALID_HID;
}

Hdf5Writer::Hdf5Writer(std::string final_path, const Comm& comm)
    : comm_(comm), final_path_(std::move(final_path)), tmp_path_(final_path_ + ".tmp") {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  H5Id fapl(H5Pcreate(H5P_FILE_ACCESS), H5Pclose, "H5Pcreate");
  h5_check(H5Pset_fapl_mpio(fapl.get(), comm.native(), MPI_INFO_NULL), "H5Pset_fapl_mpio");
  h5_check(H5Pset_libver_bounds(fapl.get(), H5F_LIBVER_V18, H5F_LIBVER_LATEST),
           "H5Pset_libver_bounds");
  h5_check(H5Pset_all_coll_metadata_ops(fapl.get(), true), "H5Pset_all_coll_metadata_ops");
  h5_check(H5Pset_coll_metadata_write(fapl.get(), true), "H5Pset_coll_metadata_write");
  const hid_t file = H5Fcreate(tmp_path_.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl.get());
  if (file < 0) {
    throw IoError("cannot create output '" + tmp_path_ + "': " + hdf5_error_text());
  }
  file_ = H5Id(file, H5Fclose, "H5Fcreate");
}

Hdf5Writer::~Hdf5Writer() {
  if (committed_) return;
  file_.reset();
  if (comm_.is_root()) std::remove(tmp_path_.c_str());
}

void Hdf5Writer::maybe_die_for_test(const std::string& path) const {
  // Fault injection for the atomic-publish test: die the hard way after writing `path`.
  const char* kill_at = std::getenv("COORDNET_TEST_KILL_AFTER_DATASET");
  if (kill_at != nullptr && path == kill_at && comm_.is_root()) std::raise(SIGKILL);
}

void Hdf5Writer::write_raw(const std::string& path, hid_t type, const void* data,
                           std::uint64_t local_count) {
  const auto offset = comm_.exscan_sum<std::uint64_t>(local_count);
  const auto total = comm_.allreduce<std::uint64_t>(local_count, ReduceOp::sum);
  const hsize_t dims[1] = {total};
  H5Id file_space(H5Screate_simple(1, dims, nullptr), H5Sclose, "H5Screate_simple");
  H5Id lcpl(H5Pcreate(H5P_LINK_CREATE), H5Pclose, "H5Pcreate");
  h5_check(H5Pset_create_intermediate_group(lcpl.get(), 1), "H5Pset_create_intermediate_group");
  H5Id dcpl(H5Pcreate(H5P_DATASET_CREATE), H5Pclose, "H5Pcreate");
  const hsize_t chunk[1] = {std::max<hsize_t>(1, std::min<hsize_t>(total, kChunkElements))};
  h5_check(H5Pset_chunk(dcpl.get(), 1, chunk), "H5Pset_chunk");
  h5_check(H5Pset_shuffle(dcpl.get()), "H5Pset_shuffle");
  h5_check(H5Pset_deflate(dcpl.get(), kDeflateLevel), "H5Pset_deflate");
  H5Id dataset(H5Dcreate2(file_.get(), path.c_str(), type, file_space.get(), lcpl.get(), dcpl.get(),
                          H5P_DEFAULT),
               H5Dclose, ("H5Dcreate " + path).c_str());
  const hsize_t count[1] = {local_count};
  H5Id mem_space(H5Screate_simple(1, count, nullptr), H5Sclose, "H5Screate_simple");
  if (local_count == 0) {
    h5_check(H5Sselect_none(mem_space.get()), "H5Sselect_none");
    h5_check(H5Sselect_none(file_space.get()), "H5Sselect_none");
  } else {
    const hsize_t start[1] = {offset};
    h5_check(H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start, nullptr, count, nullptr),
             "H5Sselect_hyperslab");
  }
  H5Id dxpl(H5Pcreate(H5P_DATASET_XFER), H5Pclose, "H5Pcreate");
  h5_check(H5Pset_dxpl_mpio(dxpl.get(), H5FD_MPIO_COLLECTIVE), "H5Pset_dxpl_mpio");
  h5_check(H5Dwrite(dataset.get(), type, mem_space.get(), file_space.get(), dxpl.get(), data),
           ("H5Dwrite " + path).c_str());
  maybe_die_for_test(path);
}

void Hdf5Writer::write_strings(const std::string& path, const std::vector<std::string>& local) {
  std::uint64_t longest = 1;
  for (const auto& s : local) longest = std::max<std::uint64_t>(longest, s.size());
  const std::size_t width = comm_.allreduce(longest, ReduceOp::max);
  std::vector<char> buffer(local.size() * width, '\0');
  for (std::size_t i = 0; i < local.size(); ++i) {
    std::copy(local[i].begin(), local[i].end(), buffer.begin() + static_cast<long>(i * width));
  }
  H5Id type(H5Tcopy(H5T_C_S1), H5Tclose, "H5Tcopy");
  h5_check(H5Tset_size(type.get(), width), "H5Tset_size");
  h5_check(H5Tset_strpad(type.get(), H5T_STR_NULLPAD), "H5Tset_strpad");
  write_raw(path, type.get(), buffer.data(), local.size());
}

void Hdf5Writer::write_attribute(const std::string& object, const std::string& name, hid_t type,
                                 const void* value) {
  H5Id target(H5Oopen(file_.get(), object.c_str(), H5P_DEFAULT), H5Oclose,
              ("H5Oopen " + object).c_str());
  H5Id space(H5Screate(H5S_SCALAR), H5Sclose, "H5Screate");
  H5Id attr(H5Acreate2(target.get(), name.c_str(), type, space.get(), H5P_DEFAULT, H5P_DEFAULT),
            H5Aclose, ("H5Acreate " + name).c_str());
  h5_check(H5Awrite(attr.get(), type, value), ("H5Awrite " + name).c_str());
}

void Hdf5Writer::set_attribute(const std::string& object, const std::string& name,
                               const std::string& value) {
  H5Id type(H5Tcopy(H5T_C_S1), H5Tclose, "H5Tcopy");
  h5_check(H5Tset_size(type.get(), std::max<std::size_t>(1, value.size())), "H5Tset_size");
  h5_check(H5Tset_strpad(type.get(), H5T_STR_NULLPAD), "H5Tset_strpad");
  const std::string padded = value.empty() ? std::string(1, '\0') : value;
  write_attribute(object, name, type.get(), padded.data());
}

void Hdf5Writer::set_attribute(const std::string& object, const std::string& name,
                               std::int64_t value) {
  write_attribute(object, name, H5T_NATIVE_INT64, &value);
}

void Hdf5Writer::set_attribute(const std::string& object, const std::string& name, double value) {
  write_attribute(object, name, H5T_NATIVE_DOUBLE, &value);
}

void Hdf5Writer::commit() {
  h5_check(H5Fflush(file_.get(), H5F_SCOPE_GLOBAL), "H5Fflush");
  file_.reset();
  comm_.barrier();
  std::string error;
  if (comm_.is_root() && std::rename(tmp_path_.c_str(), final_path_.c_str()) != 0) {
    error = "cannot rename '" + tmp_path_ + "' to '" + final_path_ + "'";
  }
  error = comm_.broadcast(error, 0);
  if (!error.empty()) throw IoError(error, true);
  committed_ = true;
}

}  // namespace coordnet
