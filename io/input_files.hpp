// Input files: listing (collective), reading (memory mapping or whole-file gunzip) and the
// assignment of work to ranks.
//
// Plain files are split by bytes: their concatenation is cut into `comm.size()` equal ranges, so a
// rank may get the tail of one file and the head of the next. Gzip files cannot be split and go
// whole to one rank each, largest first to the least loaded rank (counting compressed bytes).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/comm.hpp"

namespace coordnet {

struct InputFile {
  std::string path;
  std::uint64_t size_bytes = 0;
  bool gzip = false;
};

// Stats every path on rank 0 and shares the result. Collective; throws IoError on every rank when
// a path cannot be read (naming it).
std::vector<InputFile> list_input_files(const std::vector<std::string>& paths, const Comm& comm);

// A piece of one file for one rank: records whose first byte lies in [begin, end). A gzip file
// is one unit with whole_file set (begin/end then refer to the decompressed text).
struct WorkUnit {
  std::uint32_t file = 0;
  std::uint64_t begin = 0;
  std::uint64_t end = 0;
  bool whole_file = false;
};

// The units of `rank`, in file order. Deterministic: every rank computes every rank's units.
std::vector<WorkUnit> assign_work(const std::vector<InputFile>& files, int rank, int n_ranks);

// The bytes of a file: a read-only memory mapping of a plain file, or the decompressed text of a
// gzip file. Throws IoError naming the file.
class FileText {
 public:
  explicit FileText(const InputFile& file);
  ~FileText();
  FileText(const FileText&) = delete;
  FileText& operator=(const FileText&) = delete;

  std::string_view text() const { return text_; }

  // Drops the mapped pages wholly before `offset` from this process's memory. The text stays
  // valid (an untouched private file mapping pages back in from the file on a later read); only
  // the resident set shrinks, so reading a file of many GB does not hold it all resident until
  // the end of the unit. Does nothing for a decompressed gzip text.
  void release_before(std::size_t offset);

  // Maps the pages of [begin, end) now, so that reading them later takes no page faults (a rank
  // that would otherwise wait while others count their ranges). Does nothing for a decompressed
  // gzip text, or where the kernel lacks MADV_POPULATE_READ (before Linux 5.14).
  void populate(std::size_t begin, std::size_t end) const;

 private:
  void* mapping_ = nullptr;
  std::size_t mapping_size_ = 0;
  std::size_t released_ = 0;  // bytes from the start already released
  std::string decompressed_;
  std::string_view text_;
};

}  // namespace coordnet
