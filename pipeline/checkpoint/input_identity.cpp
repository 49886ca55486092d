#include "pipeline/checkpoint/input_identity.hpp"

#include <fmt/core.h>
#include <sys/stat.h>
#include <xxhash.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "core/errors.hpp"

namespace coordnet {

namespace {

constexpr std::uint64_t kBlockBytes = 64 * 1024;
constexpr std::uint64_t kBlocks = 16;

std::string identity_of(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    throw IoError("cannot stat '" + path + "': " + std::strerror(errno));
  }
  const auto size = static_cast<std::uint64_t>(st.st_size);
  const auto mtime_ns = static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 +
                        static_cast<std::int64_t>(st.st_mtim.tv_nsec);
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) throw IoError("cannot open '" + path + "': " + std::strerror(errno));
  XXH3_state_t* state = XXH3_createState();
  XXH3_64bits_reset(state);
  XXH3_64bits_update(state, &size, sizeof(size));
  std::vector<char> block(kBlockBytes);
  const bool whole = size <= kBlockBytes * kBlocks;
  const std::uint64_t n_blocks = whole ? (size + kBlockBytes - 1) / kBlockBytes : kBlocks;
  bool ok = true;
  for (std::uint64_t b = 0; b < n_blocks && ok; ++b) {
    const std::uint64_t offset = whole ? b * kBlockBytes : b * (size - kBlockBytes) / (kBlocks - 1);
    const auto n = std::min<std::uint64_t>(kBlockBytes, size - offset);
    ok = std::fseek(file, static_cast<long>(offset), SEEK_SET) == 0 &&
         std::fread(block.data(), 1, n, file) == n;
    XXH3_64bits_update(state, block.data(), n);
  }
  const auto fingerprint = XXH3_64bits_digest(state);
  XXH3_freeState(state);
  std::fclose(file);
  if (!ok) throw IoError("cannot read '" + path + "'");
  std::string quoted;
  for (char c : path) {
    if (c == '"' || c == '\\') quoted += '\\';
    quoted += c;
  }
  return fmt::format(
      "[[input]]\npath = \"{}\"\nsize_bytes = {}\nmtime_ns = {}\nfingerprint = "
      "\"{:016x}\"\n",
      quoted, size, mtime_ns, fingerprint);
}

}  // namespace

std::string input_identities_toml(const std::vector<std::string>& paths, const Comm& comm) {
  std::string text, error;
  if (comm.is_root()) {
    try {
      for (const auto& path : paths) text += identity_of(path);
    } catch (const IoError& e) {
      error = e.what();
    }
  }
  error = comm.broadcast(error, 0);
  if (!error.empty()) throw IoError(error, true);
  return comm.broadcast(text, 0);
}

}  // namespace coordnet
