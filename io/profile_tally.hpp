// ProfileTally: per account of this rank's dictionary, how many actions carried each value of
// one profile field (the language of the post, the reported location of the account).
//
// An account's consecutive actions nearly always carry the same value, so each account keeps its
// current run (the value's hash and length) and adds it to the (account, value) counts only when
// the value changes and at finish(): one hash of the value per action, one table update per run.
// Serial (one per ingest sink).
#pragma once

#include <absl/container/flat_hash_map.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/hash.hpp"

namespace coordnet {

// Actions of one account (index into this rank's dictionary) that carried one value.
struct ProfileValueCount {
  std::uint32_t local_account;
  std::string value;
  std::uint64_t n_actions;
};

class ProfileTally {
 public:
  // One action of `account` carrying `value` (non-empty).
  void add(std::uint32_t account, std::string_view value);
  // Starts loading the run of `account`, which add() updates: runs are as many as the accounts,
  // read at random.
  void prefetch(std::uint32_t account) const noexcept {
    if (account < runs_.size()) __builtin_prefetch(runs_.data() + account);
  }
  // The counts of every (account, value), in no particular order; the tally is left empty.
  std::vector<ProfileValueCount> finish();

 private:
  struct Run {
    std::uint64_t value_hash = 0;
    std::uint64_t n = 0;
    std::uint32_t value = 0;
  };
  void end_run(std::uint32_t account);

  std::vector<Run> runs_;  // by account
  absl::flat_hash_map<std::string, std::uint32_t, StringViewHash, StringViewEq> values_;
  std::vector<std::string> names_;
  absl::flat_hash_map<std::uint64_t, std::uint64_t> counts_;  // account << 32 | value -> actions
};

}  // namespace coordnet
