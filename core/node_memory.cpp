#include "core/node_memory.hpp"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <limits>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace coordnet {

namespace {

// The first number of a file ("max" and unreadable files give nothing).
std::optional<std::uint64_t> read_number(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::string text;
  if (!(in >> text)) return std::nullopt;
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// MemAvailable of a meminfo file, in bytes.
std::optional<std::uint64_t> mem_available(const std::filesystem::path& meminfo) {
  std::ifstream in(meminfo);
  std::string line;
  constexpr std::string_view kField = "MemAvailable:";
  while (std::getline(in, line)) {
    if (!line.starts_with(kField)) continue;
    std::istringstream fields(line.substr(kField.size()));
    std::uint64_t kib = 0;
    if (fields >> kib) return kib * 1024;
  }
  return std::nullopt;
}

// What the cgroup folder `dir` and its ancestors up to `mount` leave under their limits.
std::optional<std::uint64_t> cgroup_headroom(std::filesystem::path dir,
                                             const std::filesystem::path& mount,
                                             const char* limit_file, const char* usage_file) {
  // Limits past 2^60 bytes stand for "no limit" (v1 writes the largest page-aligned int64).
  constexpr std::uint64_t kNoLimit = std::uint64_t{1} << 60;
  std::optional<std::uint64_t> headroom;
  for (;;) {
    const auto limit = read_number(dir / limit_file);
    if (limit && *limit < kNoLimit) {
      const auto used = read_number(dir / usage_file).value_or(0);
      const auto left = *limit > used ? *limit - used : 0;
      headroom = std::min(headroom.value_or(left), left);
    }
    if (dir == mount || !dir.has_parent_path() || dir.parent_path() == dir) break;
    dir = dir.parent_path();
  }
  return headroom;
}

}  // namespace

std::uint64_t available_memory(const std::filesystem::path& proc,
                               const std::filesystem::path& cgroup_root) {
  std::optional<std::uint64_t> available = mem_available(proc / "meminfo");
  const auto lower_to = [&](std::optional<std::uint64_t> bound) {
    if (bound) available = std::min(available.value_or(*bound), *bound);
  };
  // Lines of /proc/self/cgroup: "hierarchy:controllers:path"; v2 has empty controllers.
  std::ifstream in(proc / "self/cgroup");
  std::string line;
  while (std::getline(in, line)) {
    const auto first = line.find(':');
    const auto second = line.find(':', first + 1);
    if (first == std::string::npos || second == std::string::npos) continue;
    const std::string controllers = line.substr(first + 1, second - first - 1);
    const std::filesystem::path path =
        std::filesystem::path(line.substr(second + 1)).relative_path();
    if (controllers.empty()) {
      lower_to(cgroup_headroom(cgroup_root / path, cgroup_root, "memory.max", "memory.current"));
      continue;
    }
    std::istringstream list(controllers);
    for (std::string controller; std::getline(list, controller, ',');) {
      if (controller != "memory") continue;
      const auto mount = cgroup_root / "memory";
      lower_to(
          cgroup_headroom(mount / path, mount, "memory.limit_in_bytes", "memory.usage_in_bytes"));
    }
  }
  return available.value_or(0);
}

int ranks_on_node(const Comm& comm) {
  MPI_Comm node = MPI_COMM_NULL;
  Comm::check(
      MPI_Comm_split_type(comm.native(), MPI_COMM_TYPE_SHARED, comm.rank(), MPI_INFO_NULL, &node),
      "MPI_Comm_split_type");
  const Comm on_node(node, true);
  return on_node.size();
}

}  // namespace coordnet
