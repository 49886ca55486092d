// Account registry: gives every account a global dense index and merges its handle history.
//
// Account id strings are hashed to 64 bits (xxHash3) and registered at the owner of the hash
// (range partition, core/hash.hpp). Two different strings with the same hash are never merged:
// the owner keeps the lexicographically smallest string on the hash and rejects the others,
// which retry with the next seed until every string has a hash of its own. The decision depends
// only on the set of strings, so the final hashes, and the dense indices given in hash order,
// are the same at every rank count. Collective: every rank calls register_accounts once, then
// merge_handle_history once.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/action.hpp"
#include "core/comm.hpp"
#include "core/ids.hpp"
#include "io/ingest.hpp"

namespace coordnet {

// This rank's slice of /accounts: the accounts it owns, in global index order.
struct AccountTable {
  std::uint64_t first_index = 0;                   // global index of ids[0]
  std::vector<std::uint64_t> first_index_by_rank;  // size p + 1; rank r owns [v[r], v[r+1])
  std::vector<std::string> ids;
  std::vector<std::uint64_t> n_actions;
  std::vector<std::string> handle;       // latest handle seen (empty when none)
  std::vector<std::uint32_t> n_renames;  // distinct handles - 1
  // Profile (docs/inputs.md "Account profile"): earliest creation time given (kUnknownTime when
  // none), the language and the location given with most of its actions (empty when none).
  std::vector<TimeMs> created_ms;
  std::vector<std::string> language;
  std::vector<std::string> location;
  std::uint64_t n_hash_collisions = 0;  // global: strings moved to another seed

  std::uint64_t total() const { return first_index_by_rank.back(); }
  int owner_of(AccountIndex index) const;
};

// One row of /handles: an account seen under a handle.
struct HandleRow {
  AccountIndex account;
  std::string handle;
  TimeMs first_seen_ms;
  TimeMs last_seen_ms;
  std::uint64_t n_actions;
};

struct RegisteredAccounts {
  AccountTable table;
  std::vector<AccountIndex> global_of_local;          // per entry of IngestResult::account_ids
  std::vector<std::uint64_t> total_actions_of_local;  // global n_actions of that account
};

// hash_bits < 64 keeps only the top bits of each hash (tests use it to force collisions).
RegisteredAccounts register_accounts(const IngestResult& ingested, const Comm& comm,
                                     int hash_bits = 64);

// Merges the handle sightings of all ranks at the owners of the accounts; fills table.handle
// and table.n_renames and returns this rank's rows of /handles, ordered by (account, first seen,
// handle).
std::vector<HandleRow> merge_handle_history(const IngestResult& ingested,
                                            RegisteredAccounts& accounts, const Comm& comm);

// The ingested actions with global account indices, converted in place (ingested.actions is
// moved out).
std::vector<Action> globalise_actions(IngestResult& ingested, const RegisteredAccounts& accounts);

}  // namespace coordnet
