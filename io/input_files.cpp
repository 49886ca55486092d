#include "io/input_files.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <exception>
#include <fstream>

#include "core/errors.hpp"

namespace coordnet {

namespace {

bool has_gzip_magic(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  unsigned char magic[2] = {0, 0};
  in.read(reinterpret_cast<char*>(magic), 2);
  return in.gcount() == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
}

InputFile stat_input(const std::string& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) {
    throw IoError("cannot read input '" + path + "': " + std::strerror(errno));
  }
  if (!S_ISREG(info.st_mode)) throw IoError("input '" + path + "' is not a regular file");
  if (::access(path.c_str(), R_OK) != 0) {
    throw IoError("cannot read input '" + path + "': " + std::strerror(errno));
  }
  return {path, static_cast<std::uint64_t>(info.st_size), has_gzip_magic(path)};
}

}  // namespace

std::vector<InputFile> list_input_files(const std::vector<std::string>& paths, const Comm& comm) {
  std::string error;
  std::vector<std::uint64_t> sizes(paths.size(), 0);
  std::vector<std::uint8_t> gzip(paths.size(), 0);
  if (comm.is_root()) {
    try {
      for (std::size_t i = 0; i < paths.size(); ++i) {
        const auto file = stat_input(paths[i]);
        sizes[i] = file.size_bytes;
        gzip[i] = file.gzip;
      }
    } catch (const IoError& e) {
      error = e.what();
    }
  }
  error = comm.broadcast(error, 0);
  if (!error.empty()) throw IoError(error, true);
  comm.broadcast(sizes, 0);
  comm.broadcast(gzip, 0);
  std::vector<InputFile> files;
  for (std::size_t i = 0; i < paths.size(); ++i)
    files.push_back({paths[i], sizes[i], gzip[i] != 0});
  return files;
}

std::vector<WorkUnit> assign_work(const std::vector<InputFile>& files, int rank, int n_ranks) {
  const auto p = static_cast<std::uint64_t>(n_ranks);
  std::uint64_t plain_total = 0;
  for (const auto& f : files) plain_total += f.gzip ? 0 : f.size_bytes;
  // Gzip files: largest first to the least loaded rank; ties to the lowest rank.
  std::vector<std::uint32_t> gz;
  for (std::uint32_t i = 0; i < files.size(); ++i) {
    if (files[i].gzip) gz.push_back(i);
  }
  std::stable_sort(gz.begin(), gz.end(),
                   [&](auto a, auto b) { return files[a].size_bytes > files[b].size_bytes; });
  std::vector<std::uint64_t> load(p, 0);
  std::vector<int> gz_owner(files.size(), -1);
  for (auto i : gz) {
    const auto target =
        static_cast<std::size_t>(std::min_element(load.begin(), load.end()) - load.begin());
    load[target] += files[i].size_bytes;
    gz_owner[i] = static_cast<int>(target);
  }
  const auto r = static_cast<std::uint64_t>(rank);
  const std::uint64_t my_begin = plain_total * r / p;
  const std::uint64_t my_end = plain_total * (r + 1) / p;
  std::vector<WorkUnit> units;
  std::uint64_t offset = 0;
  for (std::uint32_t i = 0; i < files.size(); ++i) {
    if (files[i].gzip) {
      if (gz_owner[i] == rank) units.push_back({i, 0, 0, true});
      continue;
    }
    const std::uint64_t file_begin = offset, file_end = offset + files[i].size_bytes;
    offset = file_end;
    const std::uint64_t b = std::max(file_begin, my_begin), e = std::min(file_end, my_end);
    if (b < e) units.push_back({i, b - file_begin, e - file_begin, false});
  }
  return units;
}

FileText::FileText(const InputFile& file) {
  if (file.gzip) {
    gzFile gz = gzopen(file.path.c_str(), "rb");
    if (gz == nullptr) throw IoError("cannot open gzip input '" + file.path + "'");
    gzbuffer(gz, 1 << 20);
    char buffer[1 << 16];
    while (true) {
      const int n = gzread(gz, buffer, sizeof(buffer));
      if (n < 0) {
        int code = 0;
        const std::string message = gzerror(gz, &code);
        gzclose(gz);
        throw IoError("cannot decompress '" + file.path + "': " + message);
      }
      if (n == 0) break;
      decompressed_.append(buffer, static_cast<std::size_t>(n));
    }
    gzclose(gz);
    text_ = decompressed_;
    return;
  }
  if (file.size_bytes == 0) return;
  const int fd = ::open(file.path.c_str(), O_RDONLY);
  if (fd < 0) throw IoError("cannot open '" + file.path + "': " + std::strerror(errno));
  mapping_size_ = file.size_bytes;
  mapping_ = ::mmap(nullptr, mapping_size_, PROT_READ, MAP_PRIVATE, fd, 0);
  ::close(fd);
  if (mapping_ == MAP_FAILED) {
    mapping_ = nullptr;
    throw IoError("cannot map '" + file.path + "': " + std::strerror(errno));
  }
  ::madvise(mapping_, mapping_size_, MADV_SEQUENTIAL);
  text_ = std::string_view(static_cast<const char*>(mapping_), mapping_size_);
}

void FileText::release_before(std::size_t offset) {
  if (mapping_ == nullptr) return;
  static const auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  const std::size_t end = std::min(offset, mapping_size_) / page * page;
  if (end <= released_) return;
  ::madvise(static_cast<char*>(mapping_) + released_, end - released_, MADV_DONTNEED);
  released_ = end;
}

void FileText::populate(std::size_t begin, std::size_t end) const {
#ifdef MADV_POPULATE_READ
  if (mapping_ == nullptr) return;
  static const auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  const std::size_t first = std::max(begin, released_) / page * page;
  const std::size_t last = std::min(end, mapping_size_);
  if (first >= last) return;
  ::madvise(static_cast<char*>(mapping_) + first, last - first, MADV_POPULATE_READ);
#else
  (void)begin;
  (void)end;
#endif
}

FileText::~FileText() {
  if (mapping_ != nullptr) ::munmap(mapping_, mapping_size_);
}

}  // namespace coordnet
