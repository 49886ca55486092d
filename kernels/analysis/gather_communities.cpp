#include "kernels/analysis/gather_communities.hpp"

#include <absl/container/flat_hash_map.h>

#include <algorithm>
#include <bit>

#include "core/exchange.hpp"
#include "kernels/community/cluster_types.hpp"
#include "kernels/community/id_map.hpp"

namespace coordnet {

namespace {

struct AccountCommunity {
  std::uint64_t community;
  std::uint64_t size;
};

struct ProfileRecord {
  std::uint64_t community;
  AccountIndex account;
  TimeMs created_ms;
};

struct CutRecord {
  std::uint64_t community;
  FixedWeight weight;
};

template <class T>
std::vector<T> sorted_unique(std::vector<T> values) {
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
  return values;
}

// The community and community size of each of this rank's accounts.
std::vector<AccountCommunity> communities_of_own_accounts(const AnalysisInput& in,
                                                          const Comm& comm) {
  const auto communities =
      sorted_unique(std::vector<std::uint64_t>(in.community.begin(), in.community.end()));
  const auto index = IdMap::of(communities);
  const auto first = in.first_community_by_rank[static_cast<std::size_t>(comm.rank())];
  const auto sizes = ask_owners<std::uint64_t>(
      communities, [&](std::uint64_t c) { return owner_of_block(in.first_community_by_rank, c); },
      each_answer<std::uint64_t, std::uint64_t>(
          [&](std::uint64_t c) { return in.community_size[c - first]; }),
      comm);
  std::vector<AccountCommunity> out;
  out.reserve(in.community.size());
  for (const auto c : in.community) out.push_back({c, sizes[index.find(c)]});
  return out;
}

// Community and size of every account an edge or action of this rank refers to, by account. When
// the rank refers to a good share of all accounts, as a rank's actions do, they are marked in a
// bitmap over all accounts and their answers kept in a flat array indexed by account (at most 16
// bytes per reference, so per-rank memory stays bounded by the rank's own data), beside a bit per
// account saying whether its community has two members or more. Otherwise the accounts are indexed
// in the order first met by an IdMap: a flat array of 4 bytes over all accounts while that costs at
// most 16 bytes per reference, else a table that grows with the accounts met. On the 13M-row input
// at 1 rank (11.7M actions) a binary search per action cost 2.5 s of 3.7, a hash map look-up about
// 0.8 s, and the order met through a flat index over all accounts 0.65 s (this function's share of
// the samples) against 0.22 s for the bitmap and the flat array.
class CommunityLookup {
 public:
  CommunityLookup(const AnalysisInput& in, const std::vector<AccountCommunity>& own,
                  const Comm& comm) {
    const auto n_accounts = in.first_account_by_rank.back();
    const auto references = in.actions.size() + 2 * in.edges.size();
    const bool flat = n_accounts > 0 && n_accounts <= references;
    if (!flat && n_accounts > 0 && n_accounts <= 4 * references) {
      index_ = IdMap::for_range(0, n_accounts - 1, n_accounts);
    }
    const auto accounts = flat ? referred_in_order(in, n_accounts) : referred_as_met(in);
    const auto first = in.first_account_by_rank[static_cast<std::size_t>(comm.rank())];
    auto found = ask_owners<AccountCommunity>(
        accounts, [&](std::uint64_t a) { return owner_of_block(in.first_account_by_rank, a); },
        each_answer<AccountCommunity, std::uint64_t>(
            [&](std::uint64_t a) { return own[a - first]; }),
        comm);
    if (!flat) {
      found_ = std::move(found);
      return;
    }
    by_account_.resize(n_accounts);
    in_group_.assign((n_accounts + 63) / 64, 0);
    for (std::size_t k = 0; k < accounts.size(); ++k) {
      by_account_[accounts[k]] = found[k];
      if (found[k].size >= 2) in_group_[accounts[k] / 64] |= std::uint64_t{1} << (accounts[k] % 64);
    }
  }

  const AccountCommunity& of(AccountIndex account) const {
    return by_account_.empty() ? found_[index_.find(account.value)] : by_account_[account.value];
  }

  // The account's community when it has two members or more, else null. With the flat array, an
  // account alone is told by a bitmap over all accounts that stays in cache: most actions are by
  // accounts alone in their community (13M-row input: all but 23k of 11.7M actions), and a
  // look-up in the array is a cache miss (at 1 rank this function and its look-ups took 0.22 s by
  // samples, now 0.18 s).
  const AccountCommunity* group_of(AccountIndex account) const {
    if (!by_account_.empty() && (in_group_[account.value / 64] >> (account.value % 64) & 1) == 0)
      return nullptr;
    const auto& c = of(account);
    return c.size >= 2 ? &c : nullptr;
  }

 private:
  // The accounts referred to, ascending, from a bitmap over all of them.
  static std::vector<std::uint64_t> referred_in_order(const AnalysisInput& in,
                                                      std::uint64_t n_accounts) {
    std::vector<std::uint64_t> referred((n_accounts + 63) / 64, 0);
    const auto mark = [&](AccountIndex a) {
      referred[a.value / 64] |= std::uint64_t{1} << (a.value % 64);
    };
    for (const auto& e : in.edges) {
      mark(e.src);
      mark(e.dst);
    }
    for (const auto& a : in.actions) mark(a.account);
    std::vector<std::uint64_t> accounts;
    for (std::size_t w = 0; w < referred.size(); ++w) {
      for (auto bits = referred[w]; bits != 0; bits &= bits - 1)
        accounts.push_back(64 * w + static_cast<std::uint64_t>(std::countr_zero(bits)));
    }
    return accounts;
  }

  // The accounts referred to, in the order first met, indexed by index_.
  std::vector<std::uint64_t> referred_as_met(const AnalysisInput& in) {
    std::vector<std::uint64_t> accounts;
    const auto add = [&](AccountIndex a) {
      const auto next = static_cast<std::uint32_t>(accounts.size());
      if (index_.insert(a.value, next) == next) accounts.push_back(a.value);
    };
    for (const auto& e : in.edges) {
      add(e.src);
      add(e.dst);
    }
    for (const auto& a : in.actions) add(a.account);
    return accounts;
  }

  IdMap index_;
  std::vector<AccountCommunity> found_;       // by index_ (the accounts as met)
  std::vector<AccountCommunity> by_account_;  // or by account, over all accounts
  std::vector<std::uint64_t> in_group_;       // with it, a bit per account: group_of()
};

struct KeyCount {
  std::uint64_t key;
  std::uint64_t count;
};

// Actions by all accounts on each hashtag of this rank's actions, keyed by hash.
absl::flat_hash_map<std::uint64_t, std::uint64_t> hashtag_totals(std::span<const Action> actions,
                                                                 const Comm& comm) {
  absl::flat_hash_map<std::uint64_t, std::uint64_t> local;
  for (const auto& a : actions) {
    if (a.layer == Layer::hashtag) ++local[a.key.value];
  }
  std::vector<KeyCount> counts;
  counts.reserve(local.size());
  for (const auto& [key, count] : local) counts.push_back({key, count});
  auto owner = [&](std::uint64_t key) { return owner_of_hash(key, comm.size()); };
  absl::flat_hash_map<std::uint64_t, std::uint64_t> owned;
  for (const auto& c : exchange_by_owner(
                           counts, [&](const KeyCount& c) { return owner(c.key); }, comm)
                           .data) {
    owned[c.key] += c.count;
  }
  std::vector<std::uint64_t> keys;
  keys.reserve(counts.size());
  for (const auto& c : counts) keys.push_back(c.key);
  const auto totals = ask_owners<std::uint64_t>(
      keys, owner,
      each_answer<std::uint64_t, std::uint64_t>([&](std::uint64_t k) { return owned.at(k); }),
      comm);
  absl::flat_hash_map<std::uint64_t, std::uint64_t> out;
  for (std::size_t i = 0; i < keys.size(); ++i) out[keys[i]] = totals[i];
  return out;
}

template <class T>
std::vector<T> send_to_community_owners(const std::vector<T>& records, const Comm& comm) {
  return exchange_by_owner(
             records, [&](const T& r) { return owner_of_community(r.community, comm.size()); },
             comm)
      .data;
}

// The profiles of this rank's accounts, at the owners of their communities.
std::vector<MemberProfile> send_profiles(const AnalysisInput& in,
                                         const std::vector<AccountCommunity>& own,
                                         const Comm& comm) {
  const auto first_account = in.first_account_by_rank[static_cast<std::size_t>(comm.rank())];
  std::vector<ProfileRecord> records;
  std::vector<std::uint32_t> owners;
  records.reserve(own.size());
  owners.reserve(own.size());
  for (std::size_t i = 0; i < own.size(); ++i) {
    records.push_back({own[i].community, AccountIndex{first_account + i}, in.created_ms[i]});
    owners.push_back(static_cast<std::uint32_t>(owner_of_community(own[i].community, comm.size())));
  }
  // exchange_by_owner and exchange_strings keep the records of one owner in order, so the i-th
  // record received and the i-th strings received belong together.
  const auto received = send_to_community_owners(records, comm);
  const auto language = exchange_strings(in.language, owners, comm);
  const auto location = exchange_strings(in.location, owners, comm);
  std::vector<MemberProfile> out;
  out.reserve(received.size());
  for (std::size_t i = 0; i < received.size(); ++i) {
    out.push_back(
        {received[i].account, received[i].created_ms, language.strings[i], location.strings[i]});
  }
  return out;
}

}  // namespace

int owner_of_community(std::uint64_t community, int n_ranks) {
  return owner_of_hash(mix_vertex(community), n_ranks);
}

int owner_of_block(std::span<const std::uint64_t> first_by_rank, std::uint64_t index) {
  const auto after = std::upper_bound(first_by_rank.begin(), first_by_rank.end(), index);
  return static_cast<int>(after - first_by_rank.begin()) - 1;
}

double total_volume(std::span<const AnalysisEdge> edges, const Comm& comm) {
  FixedWeight local = 0;
  for (const auto& e : edges) local += 2 * to_fixed_weight(e.weight);
  return static_cast<double>(comm.allreduce(local, ReduceOp::sum)) / kWeightScale;
}

std::vector<CommunityInput> gather_communities(const AnalysisInput& in, const Comm& comm) {
  const auto own = communities_of_own_accounts(in, comm);
  const auto first_account = in.first_account_by_rank[static_cast<std::size_t>(comm.rank())];
  std::vector<MemberRecord> members;
  members.reserve(own.size());
  for (std::size_t i = 0; i < own.size(); ++i) {
    members.push_back({own[i].community, AccountIndex{first_account + i}, in.n_renames[i]});
  }
  const CommunityLookup lookup(in, own, comm);

  std::vector<InternalEdge> internal;
  absl::flat_hash_map<std::uint64_t, FixedWeight> cut;
  for (const auto& e : in.edges) {
    const auto cu = lookup.of(e.src).community;
    const auto cv = lookup.of(e.dst).community;
    if (cu == cv) {
      internal.push_back({cu, e});
    } else {
      cut[cu] += to_fixed_weight(e.weight);
      cut[cv] += to_fixed_weight(e.weight);
    }
  }
  std::vector<CutRecord> cuts;
  for (const auto& [community, weight] : cut) cuts.push_back({community, weight});
  const auto hashtag_actions = hashtag_totals(in.actions, comm);
  std::vector<CommunityAction> actions;
  for (const auto& a : in.actions) {
    if (!in.projected[static_cast<std::size_t>(a.layer)]) continue;
    const auto* c = lookup.group_of(a.account);
    if (c == nullptr) continue;
    const auto total = a.layer == Layer::hashtag ? hashtag_actions.at(a.key.value) : 0;
    actions.push_back({c->community, a.key, a.content, a.account, a.t_ms, a.layer, total});
  }

  const auto my_members = send_to_community_owners(members, comm);
  auto my_profiles = send_profiles(in, own, comm);
  const auto my_edges = send_to_community_owners(internal, comm);
  const auto my_cuts = send_to_community_owners(cuts, comm);
  const auto my_actions = send_to_community_owners(actions, comm);

  std::vector<std::uint64_t> ids;
  for (const auto& m : my_members) ids.push_back(m.community);
  ids = sorted_unique(std::move(ids));
  std::vector<CommunityInput> out(ids.size());
  const auto index = IdMap::of(ids);
  auto slot = [&](std::uint64_t c) -> CommunityInput& { return out[index.find(c)]; };
  for (std::size_t i = 0; i < ids.size(); ++i) out[i].community = ids[i];
  for (std::size_t i = 0; i < my_members.size(); ++i) {
    auto& community = slot(my_members[i].community);
    community.members.push_back(my_members[i]);
    community.profiles.push_back(std::move(my_profiles[i]));
  }
  for (const auto& e : my_edges) slot(e.community).edges.push_back(e);
  for (const auto& a : my_actions) slot(a.community).actions.push_back(a);
  std::vector<FixedWeight> cut_sum(ids.size(), 0);
  for (const auto& c : my_cuts) {
    cut_sum[static_cast<std::size_t>(&slot(c.community) - out.data())] += c.weight;
  }
  for (std::size_t i = 0; i < ids.size(); ++i) {
    out[i].cut_weight = static_cast<double>(cut_sum[i]) / kWeightScale;
  }
  if (in.with_excess) {
    const auto first = in.first_community_by_rank[static_cast<std::size_t>(comm.rank())];
    const auto excess = ask_owners<double>(
        ids, [&](std::uint64_t c) { return owner_of_block(in.first_community_by_rank, c); },
        each_answer<double, std::uint64_t>(
            [&](std::uint64_t c) { return in.community_excess[c - first]; }),
        comm);
    for (std::size_t i = 0; i < ids.size(); ++i) out[i].excess = excess[i];
  }
  return out;
}

}  // namespace coordnet
