#include "io/account_registry.hpp"

#include <absl/container/flat_hash_map.h>
#include <fmt/format.h>

#include <algorithm>
#include <span>
#include <string_view>
#include <tuple>

#include "core/errors.hpp"
#include "core/exchange.hpp"
#include "core/hash.hpp"
#include "core/radix_sort.hpp"

namespace coordnet {

namespace {

constexpr int kMaxRegistrationRounds = 64;
// How many requests ahead the owner starts loading an account's entries (random accesses).
constexpr std::size_t kAhead = 64;

std::uint64_t truncate_hash(std::uint64_t hash, int bits) {
  return bits >= 64 ? hash : hash & ~((std::uint64_t{1} << (64 - bits)) - 1);
}

struct Registration {
  std::uint64_t hash;
  std::uint64_t n_actions;
  TimeMs created_ms;
};

// The accounts this rank owns, in the order they were registered: hashes, ids (one buffer),
// summed action counts and creation times, and where each hash stands. One table look-up per
// request and no string allocated per account (a map from hash to a record holding a
// std::string took 300 ns per account on 651k accounts).
class OwnedAccounts {
 public:
  std::size_t size() const { return hashes_.size(); }
  std::uint64_t hash(std::size_t k) const { return hashes_[k]; }
  std::string_view id(std::size_t k) const {
    return std::string_view(id_chars_).substr(id_starts_[k], id_starts_[k + 1] - id_starts_[k]);
  }
  static constexpr std::uint32_t kRejected = ~std::uint32_t{0};

  // One round at the owner: returns, per request, its account's place in registration order if
  // it was accepted, else kRejected. A request for a free hash claims it; among the new strings
  // that compete for one hash the smallest wins.
  std::vector<std::uint32_t> register_requests(std::span<const Registration> requests,
                                               const ReceivedChars& strings) {
    const auto first_new = hashes_.size();
    position_.reserve(hashes_.size() + requests.size());
    std::vector<std::uint32_t> position_of(requests.size());
    std::vector<std::string_view> winner;
    for (std::size_t i = 0; i < requests.size(); ++i) {
      if (i + kAhead < requests.size()) position_.prefetch(requests[i + kAhead].hash);
      const auto [it, inserted] =
          position_.try_emplace(requests[i].hash, static_cast<std::uint32_t>(hashes_.size()));
      if (inserted) {
        hashes_.push_back(requests[i].hash);
        winner.push_back(strings[i]);
      } else if (it->second >= first_new && strings[i] < winner[it->second - first_new]) {
        winner[it->second - first_new] = strings[i];
      }
      position_of[i] = it->second;
    }
    for (const auto id : winner) {
      id_chars_.append(id);
      id_starts_.push_back(id_chars_.size());
    }
    n_actions_.resize(hashes_.size(), 0);
    created_ms_.resize(hashes_.size(), kUnknownTime);
    for (std::size_t i = 0; i < requests.size(); ++i) {
      if (i + kAhead < requests.size()) {
        const auto ahead = position_of[i + kAhead];
        __builtin_prefetch(&id_starts_[ahead]);
        __builtin_prefetch(&n_actions_[ahead], 1);
        __builtin_prefetch(&created_ms_[ahead], 1);
      }
      const auto k = position_of[i];
      if (id(k) != strings[i]) {
        position_of[i] = kRejected;
        continue;
      }
      n_actions_[k] += requests[i].n_actions;
      created_ms_[k] = earliest_known(created_ms_[k], requests[i].created_ms);
    }
    return position_of;
  }

  std::uint64_t n_actions(std::size_t k) const { return n_actions_[k]; }
  TimeMs created_ms(std::size_t k) const { return created_ms_[k]; }
  // Starts loading account k's entries (read a few accounts later, in another order).
  void prefetch(std::size_t k) const {
    __builtin_prefetch(&id_starts_[k]);
    __builtin_prefetch(&n_actions_[k]);
    __builtin_prefetch(&created_ms_[k]);
  }

 private:
  std::vector<std::uint64_t> hashes_;
  std::string id_chars_;
  std::vector<std::size_t> id_starts_{0};
  std::vector<std::uint64_t> n_actions_;
  std::vector<TimeMs> created_ms_;
  absl::flat_hash_map<std::uint64_t, std::uint32_t> position_;
};

// One round of registration at the owners. Returns, per request, whether it was accepted; the
// owner appends the place of every request it accepted to accepted_by_source[source rank], in
// the order received.
std::vector<std::uint8_t> register_round(
    const std::vector<Registration>& requests, const std::vector<std::string_view>& ids,
    OwnedAccounts& owned, std::vector<std::vector<std::uint32_t>>& accepted_by_source,
    const Comm& comm) {
  std::vector<std::uint32_t> owners(requests.size());
  for (std::size_t i = 0; i < requests.size(); ++i) {
    owners[i] = static_cast<std::uint32_t>(owner_of_hash(requests[i].hash, comm.size()));
  }
  const auto received = exchange_by_owner(
      requests, [&](const Registration& r) { return owner_of_hash(r.hash, comm.size()); }, comm);
  const auto strings = exchange_string_views(ids, owners, comm);
  const auto places = owned.register_requests(received.data, strings);
  std::vector<std::uint8_t> accepted(places.size());
  std::size_t i = 0;
  for (std::size_t source = 0; source < received.counts_by_source.size(); ++source) {
    for (std::uint64_t j = 0; j < received.counts_by_source[source]; ++j, ++i) {
      accepted[i] = places[i] != OwnedAccounts::kRejected;
      if (accepted[i]) accepted_by_source[source].push_back(places[i]);
    }
  }
  return reply_to_sources<std::uint8_t>(received, accepted, comm);
}

struct IndexReply {
  std::uint64_t index;
  std::uint64_t n_actions;
};

}  // namespace

int AccountTable::owner_of(AccountIndex index) const {
  const auto it =
      std::upper_bound(first_index_by_rank.begin(), first_index_by_rank.end(), index.value);
  return static_cast<int>(it - first_index_by_rank.begin()) - 1;
}

RegisteredAccounts register_accounts(const IngestResult& ingested, const Comm& comm,
                                     int hash_bits) {
  const auto n_local = ingested.account_ids.size();
  std::vector<std::uint64_t> seed(n_local, 0);
  std::vector<std::uint64_t> final_hash(n_local, 0);
  std::vector<std::size_t> pending;
  for (std::size_t i = 0; i < n_local; ++i) {
    if (ingested.account_actions[i] > 0) pending.push_back(i);
  }
  OwnedAccounts owned;
  // The owner's places of the requests it accepted, per source; the source's accepted locals, per
  // owner, in the same order (so the final indexes go back in one message, without asking).
  const auto p = static_cast<std::size_t>(comm.size());
  std::vector<std::vector<std::uint32_t>> accepted_by_source(p);
  std::vector<std::vector<std::size_t>> accepted_by_owner(p);
  std::uint64_t moved = 0;
  for (int round = 0; comm.allreduce<std::uint64_t>(pending.size(), ReduceOp::sum) > 0; ++round) {
    if (round == kMaxRegistrationRounds) {
      throw IoError("account registry: hash collisions not resolved after " +
                        std::to_string(kMaxRegistrationRounds) + " rounds (too few hash bits?)",
                    true);
    }
    std::vector<Registration> requests;
    std::vector<std::string_view> ids;
    for (auto i : pending) {
      final_hash[i] = truncate_hash(hash_string(ingested.account_ids[i], seed[i]), hash_bits);
    }
    // Grouped by owner so that the replies (in owner order) line up with `order`.
    std::vector<std::size_t> order;
    for (auto k :
         order_by_owner(
             pending.size(),
             [&](std::size_t k) { return owner_of_hash(final_hash[pending[k]], comm.size()); },
             comm.size())
             .order) {
      order.push_back(pending[k]);
    }
    for (auto i : order) {
      requests.push_back(
          {final_hash[i], ingested.account_actions[i], ingested.account_created_ms[i]});
      ids.push_back(ingested.account_ids[i]);
    }
    const auto accepted = register_round(requests, ids, owned, accepted_by_source, comm);
    pending.clear();
    for (std::size_t k = 0; k < order.size(); ++k) {
      if (accepted[k]) {
        accepted_by_owner[static_cast<std::size_t>(owner_of_hash(requests[k].hash, comm.size()))]
            .push_back(order[k]);
      } else {
        ++seed[order[k]];
        pending.push_back(order[k]);
      }
    }
    moved += pending.size();
  }

  RegisteredAccounts result;
  auto& table = result.table;
  table.n_hash_collisions = comm.allreduce(moved, ReduceOp::sum);
  // The owned accounts in hash order: sorted_index[k] is the place of the k-th registered.
  // The hashes are distinct and spread over their top bits: sorted by hash groups (radix on the
  // top bits, then small sorts), which is 3x faster here than sort_by_key's six 11-bit passes.
  struct HashPlace {
    std::uint64_t hash;
    std::uint32_t place;
  };
  std::vector<HashPlace> by_hash(owned.size());
  for (std::uint32_t k = 0; k < by_hash.size(); ++k) by_hash[k] = {owned.hash(k), k};
  sort_by_hash(
      by_hash, [](const HashPlace& h) { return h.hash; },
      [](const HashPlace& a, const HashPlace& b) { return a.hash < b.hash; });
  std::vector<std::uint32_t> sorted_index(owned.size());
  table.ids.reserve(owned.size());
  table.n_actions.reserve(owned.size());
  table.created_ms.reserve(owned.size());
  for (std::uint32_t i = 0; i < by_hash.size(); ++i) {
    if (i + kAhead < by_hash.size()) {
      owned.prefetch(by_hash[i + kAhead].place);
      __builtin_prefetch(&sorted_index[by_hash[i + kAhead].place], 1);
    }
    const auto k = by_hash[i].place;
    sorted_index[k] = i;
    table.ids.emplace_back(owned.id(k));
    table.n_actions.push_back(owned.n_actions(k));
    table.created_ms.push_back(owned.created_ms(k));
  }
  table.first_index = comm.exscan_sum<std::uint64_t>(owned.size());
  const auto starts = comm.allgather<std::uint64_t>(table.first_index);
  table.first_index_by_rank.assign(starts.begin(), starts.end());
  table.first_index_by_rank.push_back(comm.allreduce<std::uint64_t>(owned.size(), ReduceOp::sum));
  if (table.total() > kMaxActionAccounts) {
    throw DataError(
        fmt::format("accounts: {} distinct accounts; at most 2^32 are supported", table.total()),
        true);
  }
  table.handle.assign(owned.size(), std::string());
  table.n_renames.assign(owned.size(), 0);
  table.language.assign(owned.size(), std::string());
  table.location.assign(owned.size(), std::string());

  // Dense index and global action count for every local dictionary entry with actions: each
  // owner answers the requests it accepted, source by source in the order accepted.
  std::vector<IndexReply> replies;
  std::vector<std::uint64_t> reply_counts(p, 0);
  for (std::size_t source = 0; source < p; ++source) {
    for (const auto k : accepted_by_source[source]) {
      replies.push_back({table.first_index + sorted_index[k], owned.n_actions(k)});
    }
    reply_counts[source] = accepted_by_source[source].size();
  }
  const auto answers = comm.alltoallv<IndexReply>(std::move(replies), reply_counts).data;
  result.global_of_local.assign(n_local, AccountIndex{UINT64_MAX});
  result.total_actions_of_local.assign(n_local, 0);
  std::size_t next = 0;
  for (const auto& locals : accepted_by_owner) {
    for (const auto i : locals) {
      result.global_of_local[i] = AccountIndex{answers[next].index};
      result.total_actions_of_local[i] = answers[next].n_actions;
      ++next;
    }
  }
  return result;
}

namespace {
struct HandleKey {
  std::uint64_t account;
  TimeMs first_seen_ms;
  TimeMs last_seen_ms;
  std::uint64_t n_actions;
};
}  // namespace

std::vector<HandleRow> merge_handle_history(const IngestResult& ingested,
                                            RegisteredAccounts& accounts, const Comm& comm) {
  auto& table = accounts.table;
  auto owner = [&](std::size_t i) {
    return table.owner_of(accounts.global_of_local[ingested.handles[i].local_account]);
  };
  const auto order = order_by_owner(ingested.handles.size(), owner, comm.size()).order;
  std::vector<HandleKey> keys;
  std::vector<std::string_view> names;
  std::vector<std::uint32_t> owners;
  for (auto i : order) {
    const auto& h = ingested.handles[i];
    keys.push_back({accounts.global_of_local[h.local_account].value, h.first_seen_ms,
                    h.last_seen_ms, h.n_actions});
    names.push_back(h.handle);
    owners.push_back(static_cast<std::uint32_t>(owner(i)));
  }
  const auto received = exchange_by_owner(
      keys, [&](const HandleKey& k) { return table.owner_of(AccountIndex{k.account}); }, comm);
  const auto received_names = exchange_string_views(names, owners, comm);

  // This rank's accounts are a dense range: the rows are grouped by account (a counting sort);
  // an account's rows under one handle are merged and its handles (one, but for renamed
  // accounts) ordered by (first seen, handle).
  const auto n_owned = table.ids.size();
  std::vector<std::uint64_t> first_row(n_owned + 1, 0);
  for (const auto& k : received.data) ++first_row[k.account - table.first_index + 1];
  for (std::size_t slot = 0; slot < n_owned; ++slot) first_row[slot + 1] += first_row[slot];
  std::vector<std::uint32_t> by_account(received.data.size());
  {
    auto next = first_row;
    for (std::uint32_t i = 0; i < received.data.size(); ++i) {
      by_account[next[received.data[i].account - table.first_index]++] = i;
    }
  }
  struct Sighting {
    std::string_view handle;
    TimeMs first_seen_ms;
    TimeMs last_seen_ms;
    std::uint64_t n_actions;
  };
  const auto absorb = [](Sighting& into, const Sighting& s) {
    into.first_seen_ms = std::min(into.first_seen_ms, s.first_seen_ms);
    into.last_seen_ms = std::max(into.last_seen_ms, s.last_seen_ms);
    into.n_actions += s.n_actions;
  };
  std::vector<Sighting> group;
  std::vector<HandleRow> merged;
  merged.reserve(received.data.size());
  for (std::size_t slot = 0; slot < n_owned; ++slot) {
    group.clear();
    for (auto r = first_row[slot]; r < first_row[slot + 1]; ++r) {
      if (r + kAhead < by_account.size()) {
        __builtin_prefetch(&received.data[by_account[r + kAhead]]);
        received_names.prefetch(by_account[r + kAhead]);
      }
      const auto i = by_account[r];
      const auto& k = received.data[i];
      group.push_back({received_names[i], k.first_seen_ms, k.last_seen_ms, k.n_actions});
    }
    const bool one_handle = std::all_of(group.begin(), group.end(), [&](const Sighting& s) {
      return s.handle == group.front().handle;
    });
    if (group.size() > 1 && one_handle) {
      // The usual case: every rank saw the account under one handle.
      for (std::size_t g = 1; g < group.size(); ++g) absorb(group.front(), group[g]);
      group.resize(1);
    } else if (group.size() > 1) {
      std::sort(group.begin(), group.end(),
                [](const Sighting& a, const Sighting& b) { return a.handle < b.handle; });
      std::size_t kept = 0;
      for (std::size_t g = 1; g < group.size(); ++g) {
        if (group[g].handle == group[kept].handle) {
          absorb(group[kept], group[g]);
        } else {
          group[++kept] = group[g];
        }
      }
      group.resize(kept + 1);
      std::sort(group.begin(), group.end(), [](const Sighting& a, const Sighting& b) {
        return std::tie(a.first_seen_ms, a.handle) < std::tie(b.first_seen_ms, b.handle);
      });
    }
    for (const auto& g : group) {
      merged.push_back({AccountIndex{table.first_index + slot}, std::string(g.handle),
                        g.first_seen_ms, g.last_seen_ms, g.n_actions});
    }
  }
  // Latest handle: the one seen last (ties: the smaller handle); renames: distinct handles - 1.
  std::vector<TimeMs> latest(table.ids.size(), 0);
  for (const auto& row : merged) {
    const auto slot = row.account.value - table.first_index;
    auto& current = table.handle[slot];
    if (current.empty() || row.last_seen_ms > latest[slot] ||
        (row.last_seen_ms == latest[slot] && row.handle < current)) {
      current = row.handle;
      latest[slot] = row.last_seen_ms;
    }
  }
  for (std::size_t i = 0; i < merged.size(); ++i) {
    if (i > 0 && merged[i].account == merged[i - 1].account) {
      ++table.n_renames[merged[i].account.value - table.first_index];
    }
  }
  return merged;
}

std::vector<Action> globalise_actions(IngestResult& ingested, const RegisteredAccounts& accounts) {
  auto actions = std::move(ingested.actions);
  ingested.actions.clear();
  for (auto& a : actions) a.account = accounts.global_of_local[a.account.value];
  return actions;
}

}  // namespace coordnet
