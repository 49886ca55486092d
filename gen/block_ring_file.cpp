#include "gen/block_ring_file.hpp"

#include <fcntl.h>
#include <mpi.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "core/errors.hpp"

namespace coordnet::gen {

namespace {

IoError io_error(const std::string& what, const std::string& path) {
  return IoError(what + " " + path + ": " + std::strerror(errno));
}

[[noreturn]] void fail(const std::string& what, const std::string& path) {
  throw io_error(what, path);
}

// Bytes per pwrite. Measured at 10M actions, 1 rank: the kernel's copy into the page cache
// took 0.26 s of system time in pieces of 1 MiB against 0.86 s in blocks of 5 MB
// (docs/benchmarks.md, "Generation", results of 2026-11-29 14:09).
constexpr std::size_t kWritePieceBytes = std::size_t{1} << 20;

void pwrite_all(int fd, std::string_view bytes, std::uint64_t offset, const std::string& path) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    const auto n = pwrite(fd, bytes.data() + done, std::min(kWritePieceBytes, bytes.size() - done),
                          static_cast<off_t>(offset + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      fail("cannot write", path);
    }
    done += static_cast<std::size_t>(n);
  }
}

MPI_Comm duplicate(const Comm& comm) {
  MPI_Comm copy = MPI_COMM_NULL;
  Comm::check(MPI_Comm_dup(comm.native(), &copy), "MPI_Comm_dup");
  return copy;
}

}  // namespace

BlockRingFile::BlockRingFile(std::string final_path, const Comm& comm)
    : comm_(comm),
      ring_(duplicate(comm), true),
      final_path_(std::move(final_path)),
      tmp_path_(final_path_ + ".tmp") {
  std::exception_ptr failure;
  if (comm.is_root()) {
    fd_ = open(tmp_path_.c_str(), O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0644);
    if (fd_ < 0) failure = std::make_exception_ptr(io_error("cannot create", tmp_path_));
  }
  comm.throw_if_any_failed(failure);
}

BlockRingFile::~BlockRingFile() {
  if (fd_ >= 0) close(fd_);
  if (comm_.is_root() && !committed_) unlink(tmp_path_.c_str());
}

std::uint64_t BlockRingFile::receive_offset() {
  std::uint64_t offset = 0;
  Comm::check(MPI_Recv(&offset, 1, MPI_UINT64_T, (ring_.rank() + ring_.size() - 1) % ring_.size(),
                       0, ring_.native(), MPI_STATUS_IGNORE),
              "MPI_Recv");
  return offset;
}

void BlockRingFile::send_end(std::uint64_t end) {
  Comm::check(MPI_Send(&end, 1, MPI_UINT64_T, (ring_.rank() + 1) % ring_.size(), 0, ring_.native()),
              "MPI_Send");
}

void BlockRingFile::end_block() {
  // One rank: its blocks follow each other. Otherwise rank 0 starts the file in the first round
  // and every other block follows the end its ring predecessor sent.
  std::uint64_t offset = local_bytes_;
  if (ring_.size() > 1) {
    offset = ring_.is_root() && first_round_ ? 0 : receive_offset();
    send_end(offset + block_.size());
  }
  first_round_ = false;
  local_bytes_ += block_.size();
  write_block(offset);
  block_.clear();
}

void BlockRingFile::write_block(std::uint64_t offset) {
  if (block_.empty() || failure_) return;
  try {
    if (fd_ < 0) {
      fd_ = open(tmp_path_.c_str(), O_WRONLY | O_CLOEXEC);
      if (fd_ < 0) fail("cannot open", tmp_path_);
    }
    pwrite_all(fd_, block_, offset, tmp_path_);
  } catch (...) {
    failure_ = std::current_exception();
  }
}

std::uint64_t BlockRingFile::commit() {
  // Rank n - 1's last end goes to rank 0 as the next round's offset: it is the file's size.
  const std::uint64_t total =
      ring_.size() > 1 && ring_.is_root() && !first_round_ ? receive_offset() : local_bytes_;
  if (fd_ >= 0 && close(fd_) != 0 && !failure_) {
    failure_ = std::make_exception_ptr(io_error("cannot close", tmp_path_));
  }
  fd_ = -1;
  comm_.throw_if_any_failed(failure_);
  std::exception_ptr failure;
  if (comm_.is_root() && std::rename(tmp_path_.c_str(), final_path_.c_str()) != 0) {
    failure = std::make_exception_ptr(io_error("cannot rename", tmp_path_));
  }
  comm_.throw_if_any_failed(failure);
  committed_ = true;
  return comm_.allreduce(ring_.is_root() ? total : std::uint64_t{0}, ReduceOp::sum);
}

}  // namespace coordnet::gen
