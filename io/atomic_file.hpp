// A text output file that appears whole or not at all: written as PATH.tmp, renamed to PATH by
// commit(); destroyed uncommitted (an error on the way), it removes PATH.tmp and leaves any
// earlier PATH untouched. Serial: one process writes.
#pragma once

#include <fstream>
#include <string>
#include <string_view>

namespace coordnet {

class AtomicFile {
 public:
  explicit AtomicFile(std::string path);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  void write(std::string_view text);
  // Flushes, closes and renames PATH.tmp to PATH; IoError when any write failed.
  void commit();

  const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::string tmp_path_;
  std::ofstream out_;
  bool committed_ = false;
};

// The whole of `text` as PATH, atomically.
void write_file_atomically(const std::string& path, std::string_view text);

}  // namespace coordnet
