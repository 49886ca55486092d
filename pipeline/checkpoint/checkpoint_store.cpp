#include "pipeline/checkpoint/checkpoint_store.hpp"

#include <fmt/core.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include "core/errors.hpp"
#include "core/log.hpp"
#include "pipeline/checkpoint/test_faults.hpp"

namespace coordnet {

namespace {

constexpr std::string_view kIdentityMarker = "# identity\n";

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The first line where two texts differ, as "'mine' (now) vs 'theirs' (checkpoint)".
std::string first_difference(const std::string& now, const std::string& stored) {
  std::istringstream a(now), b(stored);
  std::string line_a, line_b;
  std::string section;
  while (true) {
    const bool more_a = static_cast<bool>(std::getline(a, line_a));
    const bool more_b = static_cast<bool>(std::getline(b, line_b));
    if (!more_a && !more_b) return "identical";
    if (!more_a) line_a = "<end>";
    if (!more_b) line_b = "<end>";
    if (line_a != line_b) {
      return fmt::format("{}'{}' now vs '{}' in the checkpoint",
                         section.empty() ? "" : "in " + section + ": ", line_a, line_b);
    }
    if (!line_a.empty() && line_a.front() == '[') section = line_a;
  }
}

// Parses "part_checksums = [a, b, ...]" (hex) from a manifest; empty when absent.
std::vector<std::uint64_t> part_checksums(const std::string& manifest) {
  const std::string key = "part_checksums = [";
  const auto begin = manifest.find(key);
  if (begin == std::string::npos) return {};
  const auto end = manifest.find(']', begin);
  std::vector<std::uint64_t> sums;
  std::istringstream list(manifest.substr(begin + key.size(), end - begin - key.size()));
  std::string item;
  while (std::getline(list, item, ',')) {
    const auto first = item.find('"'), last = item.rfind('"');
    if (first == std::string::npos || last <= first) return {};
    sums.push_back(std::stoull(item.substr(first + 1, last - first - 1), nullptr, 16));
  }
  return sums;
}

}  // namespace

CheckpointStore::CheckpointStore(std::string dir, bool resume, std::string identity,
                                 const Comm& comm)
    : dir_(std::move(dir)), resume_(resume), identity_(std::move(identity)), comm_(comm) {
  if (!enabled()) return;
  std::string error;
  if (comm_.is_root() && ::mkdir(dir_.c_str(), 0777) != 0 && errno != EEXIST) {
    error = fmt::format("--checkpoint-dir: cannot create '{}': {}", dir_, std::strerror(errno));
  }
  error = comm_.broadcast(error, 0);
  if (!error.empty()) throw IoError(error, true);
}

std::string CheckpointStore::manifest_path(const std::string& stage) const {
  return dir_ + "/" + stage + ".manifest";
}

std::string CheckpointStore::part_path(const std::string& stage) const {
  return fmt::format("{}/{}.part-{}-of-{}.bin", dir_, stage, comm_.rank(), comm_.size());
}

bool CheckpointStore::matches(const std::string& stage) {
  if (!enabled() || !resume_) return false;
  if (const auto known = matches_.find(stage); known != matches_.end()) return known->second;
  std::string reason;
  std::vector<std::uint64_t> sums;
  if (comm_.is_root()) {
    const auto manifest = read_text(manifest_path(stage));
    const auto marker = manifest.find(kIdentityMarker);
    sums = part_checksums(manifest);
    if (manifest.empty()) {
      reason = "no manifest (the stage did not finish)";
    } else if (marker == std::string::npos) {
      reason = "the manifest is damaged";
    } else if (const auto stored = manifest.substr(marker + kIdentityMarker.size());
               stored != identity_) {
      reason = "the run differs: " + first_difference(identity_, stored);
    } else if (sums.size() != static_cast<std::size_t>(comm_.size())) {
      reason = "the manifest lists " + std::to_string(sums.size()) + " parts";
    }
  }
  reason = comm_.broadcast(reason, 0);
  comm_.broadcast(sums, 0);
  const bool ok = reason.empty();
  if (ok) {
    checksums_[stage] = sums;
  } else {
    Log::info("checkpoint {}: not reused, recomputing: {}", stage, reason);
  }
  matches_[stage] = ok;
  return ok;
}

bool CheckpointStore::all_loaded(const std::string& stage, const std::string& local_error) {
  const bool ok = comm_.allreduce<int>(local_error.empty() ? 1 : 0, ReduceOp::min) == 1;
  if (!local_error.empty()) Log::error_any_rank("checkpoint " + stage + ": " + local_error);
  if (ok) {
    Log::info("checkpoint {}: loaded from {}", stage, dir_);
  } else {
    Log::info("checkpoint {}: a part failed its checks, recomputing", stage);
    matches_[stage] = false;
  }
  return ok;
}

void CheckpointStore::begin_save(const std::string& stage) {
  matches_.erase(stage);
  if (comm_.is_root()) std::remove(manifest_path(stage).c_str());
  comm_.barrier();
}

void CheckpointStore::finish_save(const std::string& stage, std::uint64_t checksum,
                                  const std::string& error) {
  inject_test_fault(stage, "part-saved", comm_.rank());
  const bool ok = comm_.allreduce<int>(error.empty() ? 1 : 0, ReduceOp::min) == 1;
  if (!ok) {
    if (!error.empty()) Log::error_any_rank("checkpoint " + stage + ": " + error);
    throw IoError("checkpoint " + stage + ": cannot write the parts in " + dir_, true);
  }
  const auto sums = comm_.allgather(checksum);
  std::string write_error;
  if (comm_.is_root()) {
    std::string text = fmt::format(
        "# coordnet checkpoint manifest (docs/operations.md)\nformat = {}\nstage = \"{}\"\n"
        "part_checksums = [",
        kCheckpointFormat, stage);
    for (std::size_t r = 0; r < sums.size(); ++r) {
      text += fmt::format("{}\"{:016x}\"", r == 0 ? "" : ", ", sums[r]);
    }
    text += "]\n";
    text += kIdentityMarker;
    text += identity_;
    const auto path = manifest_path(stage);
    const auto tmp = path + ".tmp";
    {
      std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
      out << text;
      out.flush();
      if (!out) write_error = "cannot write '" + tmp + "'";
    }
    if (write_error.empty() && std::rename(tmp.c_str(), path.c_str()) != 0) {
      write_error = "cannot rename '" + tmp + "' to '" + path + "'";
    }
  }
  write_error = comm_.broadcast(write_error, 0);
  if (!write_error.empty()) throw IoError("checkpoint " + stage + ": " + write_error, true);
  Log::debug("checkpoint {}: saved in {}", stage, dir_);
}

}  // namespace coordnet
