#include "io/profile_tally.hpp"

namespace coordnet {

void ProfileTally::add(std::uint32_t account, std::string_view value) {
  if (account >= runs_.size()) runs_.resize(account + 1);
  const auto hash = hash_string(value);
  auto& run = runs_[account];
  if (run.n == 0 || run.value_hash != hash) {
    end_run(account);
    auto [it, inserted] = values_.try_emplace(value, static_cast<std::uint32_t>(names_.size()));
    if (inserted) names_.emplace_back(value);
    run.value = it->second;
    run.value_hash = hash;
  }
  ++run.n;
}

void ProfileTally::end_run(std::uint32_t account) {
  auto& run = runs_[account];
  if (run.n == 0) return;
  counts_[(std::uint64_t{account} << 32) | run.value] += run.n;
  run.n = 0;
}

std::vector<ProfileValueCount> ProfileTally::finish() {
  for (std::uint32_t account = 0; account < runs_.size(); ++account) end_run(account);
  std::vector<ProfileValueCount> out;
  out.reserve(counts_.size());
  for (const auto& [key, n] : counts_) {
    out.push_back({static_cast<std::uint32_t>(key >> 32), names_[key & 0xffffffffu], n});
  }
  *this = ProfileTally();
  return out;
}

}  // namespace coordnet
