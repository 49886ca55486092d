// Account registry: distinct strings get distinct indices even when their hashes collide
// (forced with 4-bit hashes), and the result does not depend on the rank count (compared with
// the same registration done by each rank alone on MPI_COMM_SELF).
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include "core/exchange.hpp"
#include "core/hash.hpp"
#include "io/account_profile.hpp"
#include "io/account_registry.hpp"

namespace coordnet {
namespace {

// Rank r sees account i when i or 7 i + (i mod 2) is r mod the rank count: at every rank count
// above one, the odd accounts on two ranks and the others on one or two.
bool sees(int rank, int n_ranks, int i) {
  return i % n_ranks == rank || (i * 7 + i % 2) % n_ranks == rank;
}

// The profile rank r ingested for account i: created 1000 i + 10 r (unknown when 3 divides i);
// one action in `en`, and r + 1 in `ru` when 4 divides i; one at location L<r> when i is even.
TimeMs created_seen(int rank, int i) {
  return i % 3 == 0 ? kUnknownTime : TimeMs{1000} * i + 10 * rank;
}

// Rank r sees accounts "acct<i>" for i in a window that overlaps its neighbours'.
IngestResult ingested_share(int rank, int n_ranks, int n_accounts) {
  IngestResult in;
  for (int i = 0; i < n_accounts; ++i) {
    if (sees(rank, n_ranks, i)) {
      const auto local = static_cast<std::uint32_t>(in.account_ids.size());
      in.account_created_ms.push_back(created_seen(rank, i));
      in.languages.push_back({local, "en", 1});
      if (i % 4 == 0) in.languages.push_back({local, "ru", static_cast<std::uint64_t>(rank + 1)});
      if (i % 2 == 0) in.locations.push_back({local, "L" + std::to_string(rank), 1});
      in.account_ids.push_back("acct" + std::to_string(i));
      in.account_actions.push_back(static_cast<std::uint64_t>(1 + i % 3));
      in.handles.push_back({static_cast<std::uint32_t>(in.account_ids.size() - 1),
                            "h" + std::to_string(i), 100 * i, 100 * i + rank, 1});
      if (i % 5 == 0) {
        in.handles.push_back({static_cast<std::uint32_t>(in.account_ids.size() - 1),
                              "renamed" + std::to_string(i), 100 * i + 50, 100 * i + 60, 1});
      }
    }
  }
  return in;
}

struct Flat {
  std::vector<std::string> ids;
  std::vector<std::uint64_t> n_actions;
  std::vector<std::string> handle;
  std::vector<std::uint32_t> renames;
};

Flat gather(const RegisteredAccounts& reg, const Comm& comm) {
  Flat f;
  // Strings go to rank 0 in rank order, which is index order.
  std::vector<std::uint32_t> to_root(reg.table.ids.size(), 0);
  f.ids = exchange_strings(reg.table.ids, to_root, comm).strings;
  f.handle = exchange_strings(reg.table.handle, to_root, comm).strings;
  f.n_actions = comm.allgatherv<std::uint64_t>(reg.table.n_actions);
  f.renames = comm.allgatherv<std::uint32_t>(reg.table.n_renames);
  return f;
}

// The merged handle history at the owners, gathered to rank 0 in index order: per account, its
// handle "h<i>" first seen at 100 i and last at 100 i + the highest rank that saw it, and for
// every fifth account also "renamed<i>" (100 i + 50 .. 100 i + 60), each counted once per rank
// that saw it, in order of first sighting.
void expect_handle_history(const std::vector<HandleRow>& history, const Flat& flat,
                           const Comm& comm) {
  std::vector<std::string> handles;
  std::vector<std::uint64_t> accounts, n_actions;
  std::vector<TimeMs> first, last;
  for (const auto& row : history) {
    handles.push_back(row.handle);
    accounts.push_back(row.account.value);
    first.push_back(row.first_seen_ms);
    last.push_back(row.last_seen_ms);
    n_actions.push_back(row.n_actions);
  }
  const std::vector<std::uint32_t> to_root(handles.size(), 0);
  const auto all_handles = exchange_strings(handles, to_root, comm).strings;
  const auto all_accounts = comm.allgatherv<std::uint64_t>(accounts);
  const auto all_first = comm.allgatherv<TimeMs>(first);
  const auto all_last = comm.allgatherv<TimeMs>(last);
  const auto all_n = comm.allgatherv<std::uint64_t>(n_actions);
  if (!comm.is_root()) return;
  std::size_t row = 0;
  for (std::size_t index = 0; index < flat.ids.size(); ++index) {
    const int id = std::stoi(flat.ids[index].substr(4));
    int seen_by = 0, last_rank = 0;
    for (int r = 0; r < comm.size(); ++r) {
      if (sees(r, comm.size(), id)) {
        ++seen_by;
        last_rank = r;
      }
    }
    struct Expected {
      std::string handle;
      TimeMs first, last;
    };
    std::vector<Expected> expected{
        {"h" + std::to_string(id), TimeMs{100} * id, TimeMs{100} * id + last_rank}};
    if (id % 5 == 0) {
      expected.push_back(
          {"renamed" + std::to_string(id), TimeMs{100} * id + 50, TimeMs{100} * id + 60});
    }
    for (const auto& e : expected) {
      ASSERT_LT(row, all_handles.size());
      EXPECT_EQ(all_accounts[row], index);
      EXPECT_EQ(all_handles[row], e.handle);
      EXPECT_EQ(all_first[row], e.first) << e.handle;
      EXPECT_EQ(all_last[row], e.last) << e.handle;
      EXPECT_EQ(all_n[row], static_cast<std::uint64_t>(seen_by)) << e.handle;
      ++row;
    }
  }
  EXPECT_EQ(row, all_handles.size());
}

// The registry's rule done serially: in rounds, every string not yet placed hashes with its
// seed (the top hash_bits bits kept); a hash already taken, or won in this round by a smaller
// string, sends it on to the next seed. The ids in the order of their final hashes.
std::vector<std::string> ids_in_registry_order(std::vector<std::string> pending, int hash_bits) {
  const auto truncate = [&](std::uint64_t h) {
    return hash_bits >= 64 ? h : h & ~((std::uint64_t{1} << (64 - hash_bits)) - 1);
  };
  std::map<std::uint64_t, std::string> owner_of_hash;
  std::map<std::string, std::uint64_t> seed;
  while (!pending.empty()) {
    std::map<std::uint64_t, std::string> claims;
    for (const auto& id : pending) {
      const auto h = truncate(hash_string(id, seed[id]));
      if (owner_of_hash.contains(h)) continue;
      if (!claims.contains(h) || id < claims[h]) claims[h] = id;
    }
    owner_of_hash.insert(claims.begin(), claims.end());
    std::vector<std::string> next;
    for (const auto& id : pending) {
      if (owner_of_hash[truncate(hash_string(id, seed[id]))] != id) {
        ++seed[id];
        next.push_back(id);
      }
    }
    pending = std::move(next);
  }
  std::vector<std::string> ids;
  for (const auto& [h, id] : owner_of_hash) ids.push_back(id);
  return ids;
}

class AccountRegistryTest : public ::testing::TestWithParam<int> {};

TEST_P(AccountRegistryTest, CollisionsNeverMergeAndIndicesAreRankInvariant) {
  const Comm world;
  const int hash_bits = GetParam();
  constexpr int kAccounts = 300;
  auto mine = ingested_share(world.rank(), world.size(), kAccounts);
  auto reg = register_accounts(mine, world, hash_bits);
  const auto history = merge_handle_history(mine, reg, world);
  const auto distributed = gather(reg, world);
  expect_handle_history(history, distributed, world);

  const Comm self(MPI_COMM_SELF, false);
  auto all = ingested_share(0, 1, kAccounts);
  auto serial_reg = register_accounts(all, self, hash_bits);
  merge_handle_history(all, serial_reg, self);
  const auto serial = gather(serial_reg, self);

  if (world.is_root()) {
    ASSERT_EQ(distributed.ids.size(), static_cast<std::size_t>(kAccounts));
    EXPECT_EQ(std::set<std::string>(distributed.ids.begin(), distributed.ids.end()).size(),
              static_cast<std::size_t>(kAccounts));
    EXPECT_EQ(distributed.ids, serial.ids);
    std::vector<std::string> all_ids;
    for (std::size_t i = 0; i < all.account_ids.size(); ++i)
      all_ids.emplace_back(all.account_ids[i]);
    EXPECT_EQ(distributed.ids, ids_in_registry_order(all_ids, hash_bits))
        << "the smallest string keeps a contested hash; rows in hash order";
    EXPECT_EQ(distributed.handle, serial.handle);
    EXPECT_EQ(distributed.renames, serial.renames);
  }
  // n_actions: each account's count summed over the ranks that saw it.
  for (std::size_t i = 0; i < distributed.n_actions.size() && world.is_root(); ++i) {
    const int id = std::stoi(distributed.ids[i].substr(4));
    int seen_by = 0;
    for (int r = 0; r < world.size(); ++r) {
      seen_by += sees(r, world.size(), id) ? 1 : 0;
    }
    EXPECT_EQ(distributed.n_actions[i], static_cast<std::uint64_t>(seen_by * (1 + id % 3)));
    EXPECT_EQ(distributed.renames[i], id % 5 == 0 ? 1u : 0u);
    EXPECT_EQ(distributed.handle[i], (id % 5 == 0 ? "renamed" : "h") + std::to_string(id))
        << "the latest handle is the one seen last";
  }
  if (hash_bits < 64) {
    EXPECT_GT(reg.table.n_hash_collisions, 0u);
  }
  // Every local entry maps to the global row holding the same string.
  for (std::size_t i = 0; i < mine.account_ids.size(); ++i) {
    EXPECT_LT(reg.global_of_local[i].value, reg.table.total());
  }
  if (world.is_root()) {
    for (std::size_t i = 0; i < mine.account_ids.size(); ++i) {
      EXPECT_EQ(distributed.ids[reg.global_of_local[i].value], mine.account_ids[i]);
    }
  }
}

// Creation time, language and location at the accounts' owners: the earliest known time, the
// value of most actions summed over the ranks (ties: the smaller), unknown where none is given.
TEST(AccountProfile, MergedAtTheOwnersOverAllRanks) {
  const Comm world;
  constexpr int kAccounts = 120;
  auto mine = ingested_share(world.rank(), world.size(), kAccounts);
  auto reg = register_accounts(mine, world);
  merge_account_profile(mine, reg, world);
  std::vector<std::uint32_t> to_root(reg.table.ids.size(), 0);
  const auto ids = exchange_strings(reg.table.ids, to_root, world).strings;
  const auto language = exchange_strings(reg.table.language, to_root, world).strings;
  const auto location = exchange_strings(reg.table.location, to_root, world).strings;
  const auto created = world.allgatherv<TimeMs>(reg.table.created_ms);
  if (!world.is_root()) return;
  ASSERT_EQ(ids.size(), static_cast<std::size_t>(kAccounts));
  for (std::size_t k = 0; k < ids.size(); ++k) {
    const int i = std::stoi(ids[k].substr(4));
    SCOPED_TRACE(ids[k]);
    TimeMs earliest = kUnknownTime;
    std::uint64_t en = 0, ru = 0;
    std::string first_location;
    for (int r = world.size() - 1; r >= 0; --r) {
      if (!sees(r, world.size(), i)) continue;
      earliest = earliest_known(earliest, created_seen(r, i));
      ++en;
      if (i % 4 == 0) ru += static_cast<std::uint64_t>(r + 1);
      if (i % 2 == 0) first_location = "L" + std::to_string(r);
    }
    EXPECT_EQ(created[k], earliest);
    EXPECT_EQ(created[k] == kUnknownTime, i % 3 == 0);
    EXPECT_EQ(language[k], ru > en ? "ru" : "en");
    EXPECT_EQ(location[k], first_location);  // one action each: the smallest rank's name
  }
}

// 64 bits: no collisions in practice; 12 bits: 4096 hash values for 300 accounts (~11 pairs).
INSTANTIATE_TEST_SUITE_P(HashBits, AccountRegistryTest, ::testing::Values(64, 12));

}  // namespace
}  // namespace coordnet
