// RankSliceFile: one text file written by all ranks, each rank's bytes in rank order.
//
// Rank 0 writes its slice straight into NAME.tmp (its slice starts the file). Every other rank
// does not know yet where its slice will start: it holds the first `memory_bytes` of its slice
// in memory and appends the rest to a private part file (NAME.part<rank>). commit() is
// collective: an exclusive scan of the slice lengths gives every rank its offset, rank 0 extends
// NAME.tmp to the total length, every other rank writes what it holds at its offset and copies
// its part file after it (copy_file_range, in the kernel; read + pwrite where that is not
// supported) and removes it, and rank 0 renames NAME.tmp to NAME. A reader never sees a partial
// file, and the bytes depend only on the slices' concatenation, not on the number of ranks.
// A RankSliceFile destroyed without commit() removes its part file (rank 0: NAME.tmp).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/comm.hpp"

namespace coordnet::gen {

class RankSliceFile {
 public:
  static constexpr std::uint64_t kDefaultMemoryBytes = std::uint64_t{512} << 20;

  RankSliceFile(std::string final_path, const Comm& comm,
                std::uint64_t memory_bytes = kDefaultMemoryBytes);
  ~RankSliceFile();
  RankSliceFile(const RankSliceFile&) = delete;
  RankSliceFile& operator=(const RankSliceFile&) = delete;

  // Appends to this rank's slice (files are not buffered here: pass large blocks).
  void append(std::string_view bytes);
  std::uint64_t local_bytes() const { return local_bytes_; }

  // Collective. Returns the total size of the file.
  std::uint64_t commit();

 private:
  const Comm& comm_;
  std::string final_path_;
  std::string part_path_;
  std::uint64_t memory_bytes_;
  std::vector<std::string> held_;  // ranks > 0: the start of the slice, in appended blocks
  std::uint64_t held_bytes_ = 0;
  int part_fd_ = -1;  // rank 0: NAME.tmp; other ranks: the part file, once opened
  std::uint64_t local_bytes_ = 0;
  bool committed_ = false;
};

}  // namespace coordnet::gen
