#include "io/atomic_file.hpp"

#include <cstdio>
#include <filesystem>

#include "core/errors.hpp"

namespace coordnet {

AtomicFile::AtomicFile(std::string path)
    : path_(std::move(path)),
      tmp_path_(path_ + ".tmp"),
      out_(tmp_path_, std::ios::binary | std::ios::trunc) {
  if (!out_) throw IoError("cannot create " + tmp_path_);
}

AtomicFile::~AtomicFile() {
  if (committed_) return;
  out_.close();
  std::remove(tmp_path_.c_str());
}

void AtomicFile::write(std::string_view text) { out_.write(text.data(), text.size()); }

void AtomicFile::commit() {
  out_.flush();
  const bool written = static_cast<bool>(out_);
  out_.close();
  if (!written || out_.fail()) throw IoError("cannot write " + tmp_path_);
  std::error_code error;
  std::filesystem::rename(tmp_path_, path_, error);
  if (error) throw IoError("cannot rename " + tmp_path_ + " to " + path_ + ": " + error.message());
  committed_ = true;
}

void write_file_atomically(const std::string& path, std::string_view text) {
  AtomicFile file(path);
  file.write(text);
  file.commit();
}

}  // namespace coordnet
