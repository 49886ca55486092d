#include "pipeline/checkpoint/checkpoint_file.hpp"

#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

namespace coordnet {

namespace {

constexpr std::array<char, 8> kMagic = {'C', 'N', 'C', 'K', 'P', 'T', '\0', '\1'};

struct Header {
  std::array<char, 8> magic = kMagic;
  std::uint32_t format = kCheckpointFormat;
  std::uint32_t rank = 0;
  std::uint32_t n_ranks = 0;
  std::uint32_t reserved = 0;
  std::uint64_t payload_bytes = 0;
  std::uint64_t checksum = 0;
};
static_assert(sizeof(Header) == 40);

std::string system_error(const std::string& what, const std::string& path) {
  return what + " '" + path + "': " + std::strerror(errno);
}

}  // namespace

CheckpointWriter::CheckpointWriter(std::string path, int rank, int n_ranks)
    : path_(std::move(path)), tmp_path_(path_ + ".tmp"), rank_(rank), n_ranks_(n_ranks) {
  file_ = std::fopen(tmp_path_.c_str(), "wb");
  if (file_ == nullptr) throw std::runtime_error(system_error("cannot create", tmp_path_));
  state_ = XXH3_createState();
  XXH3_64bits_reset(state_);
  const Header placeholder{};
  if (std::fwrite(&placeholder, sizeof(placeholder), 1, file_) != 1) {
    throw std::runtime_error(system_error("cannot write", tmp_path_));
  }
}

CheckpointWriter::~CheckpointWriter() {
  if (file_ != nullptr) std::fclose(file_);
  if (state_ != nullptr) XXH3_freeState(state_);
  if (!committed_) std::remove(tmp_path_.c_str());
}

void CheckpointWriter::bytes(const void* data, std::size_t n) {
  if (n == 0) return;
  XXH3_64bits_update(state_, data, n);
  if (std::fwrite(data, 1, n, file_) != n) {
    throw std::runtime_error(system_error("cannot write", tmp_path_));
  }
  payload_bytes_ += n;
}

void CheckpointWriter::string(std::string_view s) {
  value<std::uint64_t>(s.size());
  bytes(s.data(), s.size());
}

void CheckpointWriter::strings(const std::vector<std::string>& v) {
  value<std::uint64_t>(v.size());
  for (const auto& s : v) string(s);
}

void CheckpointWriter::strings(const StringPool& pool) {
  value<std::uint64_t>(pool.size());
  for (std::size_t i = 0; i < pool.size(); ++i) string(pool[i]);
}

std::uint64_t CheckpointWriter::commit() {
  Header header;
  header.rank = static_cast<std::uint32_t>(rank_);
  header.n_ranks = static_cast<std::uint32_t>(n_ranks_);
  header.payload_bytes = payload_bytes_;
  header.checksum = XXH3_64bits_digest(state_);
  const bool ok = std::fseek(file_, 0, SEEK_SET) == 0 &&
                  std::fwrite(&header, sizeof(header), 1, file_) == 1 && std::fflush(file_) == 0 &&
                  ::fsync(::fileno(file_)) == 0;
  const int closed = std::fclose(file_);
  file_ = nullptr;
  if (!ok || closed != 0) throw std::runtime_error(system_error("cannot write", tmp_path_));
  if (std::rename(tmp_path_.c_str(), path_.c_str()) != 0) {
    throw std::runtime_error(system_error("cannot rename to", path_));
  }
  committed_ = true;
  return header.checksum;
}

CheckpointReader::CheckpointReader(const std::string& path, int rank, int n_ranks,
                                   std::uint64_t expected_checksum)
    : path_(path) {
  file_ = std::fopen(path.c_str(), "rb");
  if (file_ == nullptr) throw CorruptCheckpoint(system_error("cannot open", path));
  Header header;
  if (std::fread(&header, sizeof(header), 1, file_) != 1) {
    throw CorruptCheckpoint("'" + path + "': shorter than a header");
  }
  if (header.magic != kMagic || header.format != kCheckpointFormat) {
    throw CorruptCheckpoint("'" + path + "': not a coordnet checkpoint of format " +
                            std::to_string(kCheckpointFormat));
  }
  if (header.rank != static_cast<std::uint32_t>(rank) ||
      header.n_ranks != static_cast<std::uint32_t>(n_ranks)) {
    throw CorruptCheckpoint("'" + path + "': written by another rank or rank count");
  }
  if (header.checksum != expected_checksum) {
    throw CorruptCheckpoint("'" + path + "': checksum differs from the manifest's");
  }
  // Checksum over the whole payload before anything is handed out.
  XXH3_state_t* state = XXH3_createState();
  XXH3_64bits_reset(state);
  std::vector<char> buffer(std::size_t{1} << 20);
  std::uint64_t total = 0;
  while (const auto n = std::fread(buffer.data(), 1, buffer.size(), file_)) {
    XXH3_64bits_update(state, buffer.data(), n);
    total += n;
  }
  const auto checksum = XXH3_64bits_digest(state);
  XXH3_freeState(state);
  if (total != header.payload_bytes) {
    throw CorruptCheckpoint("'" + path + "': truncated or extended payload");
  }
  if (checksum != header.checksum) {
    throw CorruptCheckpoint("'" + path + "': payload checksum mismatch");
  }
  std::fseek(file_, sizeof(Header), SEEK_SET);
  remaining_ = header.payload_bytes;
}

CheckpointReader::~CheckpointReader() {
  if (file_ != nullptr) std::fclose(file_);
}

void CheckpointReader::bytes(void* data, std::size_t n) {
  if (n > remaining_ || (n > 0 && std::fread(data, 1, n, file_) != n)) {
    throw CorruptCheckpoint("'" + path_ + "': payload ends early");
  }
  remaining_ -= n;
}

std::uint64_t CheckpointReader::length(std::size_t element_bytes) {
  const auto n = value<std::uint64_t>();
  if (element_bytes > 0 && n > remaining_ / element_bytes) {
    throw CorruptCheckpoint("'" + path_ + "': a length past the end of the payload");
  }
  return n;
}

std::string CheckpointReader::string() {
  std::string s(length(1), '\0');
  bytes(s.data(), s.size());
  return s;
}

std::vector<std::string> CheckpointReader::strings() {
  std::vector<std::string> v(length(sizeof(std::uint64_t)));
  for (auto& s : v) s = string();
  return v;
}

StringPool CheckpointReader::string_pool() {
  StringPool pool;
  const auto n = length(sizeof(std::uint64_t));
  for (std::uint64_t i = 0; i < n; ++i) pool.push_back(string());
  return pool;
}

}  // namespace coordnet
