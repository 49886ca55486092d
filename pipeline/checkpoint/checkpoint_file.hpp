// One rank's part of a stage checkpoint: a binary file with a header and a checksum.
//
// Layout (native byte order; a checkpoint is read back by the same build on the same kind of
// machine, which the manifest's version and git_sha guarantee):
//
//   magic "CNCKPT\0\1" (8 bytes) | format u32 | rank u32 | n_ranks u32 | reserved u32 |
//   payload_bytes u64 | payload_xxh3_64 u64 | payload
//
// The payload is a sequence of values, vectors (u64 length + raw elements of a trivially
// copyable type) and strings (u64 length + bytes), read back in the order written. The writer
// streams into PATH.tmp, then fills in the header, flushes, fsyncs and renames to PATH, so a
// killed writer leaves at most a .tmp file. The reader checks magic, format, rank, rank count,
// length and checksum over the whole payload before handing out the first value: a partial or
// corrupt file is rejected (CorruptCheckpoint), never half read. Rank-local; no collectives.
#pragma once

#include <xxhash.h>

#include <cstdint>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "core/string_pool.hpp"

namespace coordnet {

// 2: actions of 32 bytes (an ActionAccount of 32 bits, a 16-bit slice) instead of 40.
inline constexpr std::uint32_t kCheckpointFormat = 2;

// A checkpoint part that cannot be trusted (missing, truncated, other format, bad checksum).
struct CorruptCheckpoint : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class CheckpointWriter {
 public:
  CheckpointWriter(std::string path, int rank, int n_ranks);
  ~CheckpointWriter();  // an uncommitted writer removes its .tmp file
  CheckpointWriter(const CheckpointWriter&) = delete;
  CheckpointWriter& operator=(const CheckpointWriter&) = delete;

  template <class T>
  void value(const T& v) {
    static_assert(std::is_trivially_copyable_v<T>);
    bytes(&v, sizeof(T));
  }
  template <class T>
  void vector(const std::vector<T>& v) {
    static_assert(std::is_trivially_copyable_v<T>);
    value<std::uint64_t>(v.size());
    bytes(v.data(), v.size() * sizeof(T));
  }
  void string(std::string_view s);
  void strings(const std::vector<std::string>& v);
  void strings(const StringPool& pool);  // as the same strings in a vector

  // Publishes the file; returns the payload checksum (recorded in the stage's manifest).
  std::uint64_t commit();

 private:
  void bytes(const void* data, std::size_t n);

  std::string path_, tmp_path_;
  std::FILE* file_ = nullptr;
  XXH3_state_t* state_ = nullptr;
  std::uint64_t payload_bytes_ = 0;
  int rank_, n_ranks_;
  bool committed_ = false;
};

class CheckpointReader {
 public:
  // Verifies the whole file (throws CorruptCheckpoint) before the first read. expected_checksum:
  // the manifest's figure for this part.
  CheckpointReader(const std::string& path, int rank, int n_ranks, std::uint64_t expected_checksum);
  ~CheckpointReader();
  CheckpointReader(const CheckpointReader&) = delete;
  CheckpointReader& operator=(const CheckpointReader&) = delete;

  template <class T>
  T value() {
    static_assert(std::is_trivially_copyable_v<T>);
    T v;
    bytes(&v, sizeof(T));
    return v;
  }
  template <class T>
  std::vector<T> vector() {
    static_assert(std::is_trivially_copyable_v<T>);
    const auto n = length(sizeof(T));
    std::vector<T> v(n);
    bytes(v.data(), n * sizeof(T));
    return v;
  }
  std::string string();
  std::vector<std::string> strings();
  StringPool string_pool();  // what strings() reads, into a pool

 private:
  void bytes(void* data, std::size_t n);
  // Reads an element count and checks that n * element_bytes fit in what is left.
  std::uint64_t length(std::size_t element_bytes);

  std::string path_;
  std::FILE* file_ = nullptr;
  std::uint64_t remaining_ = 0;
};

}  // namespace coordnet
