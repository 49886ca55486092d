#include "gen/rank_slice_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <vector>

#include "core/errors.hpp"

namespace coordnet::gen {

namespace {

[[noreturn]] void fail(const std::string& what, const std::string& path) {
  throw IoError(what + " " + path + ": " + std::strerror(errno));
}

void write_all(int fd, std::string_view bytes, const std::string& path) {
  const char* data = bytes.data();
  std::size_t left = bytes.size();
  while (left > 0) {
    const auto n = write(fd, data, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      fail("cannot write", path);
    }
    data += n;
    left -= static_cast<std::size_t>(n);
  }
}

void pwrite_all(int fd, std::string_view bytes, std::uint64_t offset, const std::string& path) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    const auto n =
        pwrite(fd, bytes.data() + done, bytes.size() - done, static_cast<off_t>(offset + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      fail("cannot write", path);
    }
    done += static_cast<std::size_t>(n);
  }
}

int create_file(const std::string& path) {
  const int fd = open(path.c_str(), O_CREAT | O_TRUNC | O_RDWR | O_CLOEXEC, 0644);
  if (fd < 0) fail("cannot create", path);
  return fd;
}

// Copies `length` bytes of `from` (from its start) to `to` at `offset`.
void copy_into(int from, int to, std::uint64_t offset, std::uint64_t length,
               const std::string& to_path) {
  auto in_offset = static_cast<off_t>(0);
  auto out_offset = static_cast<off_t>(offset);
  std::uint64_t left = length;
  while (left > 0) {
    const auto n = copy_file_range(from, &in_offset, to, &out_offset, left, 0);
    if (n > 0) {
      left -= static_cast<std::uint64_t>(n);
      continue;
    }
    if (n == 0) throw IoError("short copy into " + to_path);
    if (errno == EINTR) continue;
    if (errno != EXDEV && errno != ENOSYS && errno != EINVAL && errno != EOPNOTSUPP) {
      fail("cannot copy into", to_path);
    }
    std::vector<char> buffer(1 << 22);  // no copy_file_range here: read + pwrite
    while (left > 0) {
      const auto want = left < buffer.size() ? left : buffer.size();
      const auto got = pread(from, buffer.data(), want, in_offset);
      if (got <= 0) fail("cannot read back the part of", to_path);
      pwrite_all(to, std::string_view(buffer.data(), static_cast<std::size_t>(got)),
                 static_cast<std::uint64_t>(out_offset), to_path);
      in_offset += got;
      out_offset += got;
      left -= static_cast<std::uint64_t>(got);
    }
  }
}

}  // namespace

RankSliceFile::RankSliceFile(std::string final_path, const Comm& comm, std::uint64_t memory_bytes)
    : comm_(comm),
      final_path_(std::move(final_path)),
      part_path_(comm.is_root() ? final_path_ + ".tmp"
                                : final_path_ + ".part" + std::to_string(comm.rank())),
      memory_bytes_(memory_bytes) {
  if (comm.is_root()) part_fd_ = create_file(part_path_);
}

RankSliceFile::~RankSliceFile() {
  if (part_fd_ >= 0) {
    close(part_fd_);
    if (!committed_) unlink(part_path_.c_str());
  }
}

void RankSliceFile::append(std::string_view bytes) {
  local_bytes_ += bytes.size();
  if (part_fd_ < 0) {  // ranks > 0 before the first spill: hold what fits
    const auto take = std::min<std::uint64_t>(memory_bytes_ - held_bytes_, bytes.size());
    if (take > 0) held_.emplace_back(bytes.substr(0, take));
    held_bytes_ += take;
    bytes.remove_prefix(take);
  }
  if (bytes.empty()) return;
  if (part_fd_ < 0) part_fd_ = create_file(part_path_);
  write_all(part_fd_, bytes, part_path_);
}

std::uint64_t RankSliceFile::commit() {
  const auto offset = comm_.exscan_sum(local_bytes_);
  const auto total = comm_.allreduce(local_bytes_, ReduceOp::sum);
  const std::string tmp_path = final_path_ + ".tmp";
  // Every step is collective through throw_if_any_failed: a failure on any rank stops all.
  auto step = [&](bool on_this_rank, auto&& work) {
    std::exception_ptr failure;
    if (on_this_rank) {
      try {
        work();
      } catch (...) {
        failure = std::current_exception();
      }
    }
    comm_.throw_if_any_failed(failure);
  };
  step(comm_.is_root(), [&] {
    if (ftruncate(part_fd_, static_cast<off_t>(total)) != 0) fail("cannot size", tmp_path);
    if (close(part_fd_) != 0) fail("cannot close", tmp_path);
    part_fd_ = -1;
  });
  step(!comm_.is_root(), [&] {
    const int fd = open(tmp_path.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) fail("cannot open", tmp_path);
    try {
      auto at = offset;
      for (const auto& block : held_) {
        pwrite_all(fd, block, at, tmp_path);
        at += block.size();
      }
      if (part_fd_ >= 0) copy_into(part_fd_, fd, at, local_bytes_ - held_bytes_, tmp_path);
    } catch (...) {
      close(fd);
      throw;
    }
    if (close(fd) != 0) fail("cannot close", tmp_path);
    if (part_fd_ >= 0) {
      close(part_fd_);
      part_fd_ = -1;
      unlink(part_path_.c_str());
    }
  });
  step(comm_.is_root(), [&] {
    if (std::rename(tmp_path.c_str(), final_path_.c_str()) != 0) fail("cannot rename", tmp_path);
  });
  committed_ = true;
  return total;
}

}  // namespace coordnet::gen
