// RankSliceFile: one text file written by all ranks, each rank's bytes in rank order.
//
// Rank 0 writes its slice straight into NAME.tmp (its slice starts the file); every other rank
// appends its slice to a private part file (NAME.part<rank>) while it generates, not knowing yet
// where its slice will start. commit() is collective: an exclusive scan of the slice lengths
// gives every rank its offset, rank 0 extends NAME.tmp to the total length, every other rank
// copies its part into place (copy_file_range, in the kernel; read + pwrite where that is not
// supported) and removes it, and rank 0 renames NAME.tmp to NAME. A reader never sees a partial
// file, and the bytes depend only on the slices' concatenation, not on the number of ranks.
// A RankSliceFile destroyed without commit() removes its part file (rank 0: NAME.tmp).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/comm.hpp"

namespace coordnet::gen {

class RankSliceFile {
 public:
  RankSliceFile(std::string final_path, const Comm& comm);
  ~RankSliceFile();
  RankSliceFile(const RankSliceFile&) = delete;
  RankSliceFile& operator=(const RankSliceFile&) = delete;

  // Appends to this rank's slice (buffered by the caller: pass large blocks).
  void append(std::string_view bytes);
  std::uint64_t local_bytes() const { return local_bytes_; }

  // Collective. Returns the total size of the file.
  std::uint64_t commit();

 private:
  const Comm& comm_;
  std::string final_path_;
  std::string part_path_;
  int part_fd_ = -1;
  std::uint64_t local_bytes_ = 0;
  bool committed_ = false;
};

}  // namespace coordnet::gen
