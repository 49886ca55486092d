#include "io/account_profile.hpp"

#include <absl/container/flat_hash_map.h>

#include <tuple>

#include "core/exchange.hpp"

namespace coordnet {

namespace {

struct ValueCount {
  std::uint64_t account;
  std::uint64_t n_actions;
};

// The value with the most actions per account of this rank's slice, written into `dominant`.
void merge_values(const std::vector<ProfileValueCount>& counts, const RegisteredAccounts& accounts,
                  std::vector<std::string>& dominant, const Comm& comm) {
  const auto& table = accounts.table;
  auto owner = [&](std::size_t i) {
    return table.owner_of(accounts.global_of_local[counts[i].local_account]);
  };
  std::vector<ValueCount> records;
  std::vector<std::string> values;
  std::vector<std::uint32_t> owners;
  for (const auto i : order_by_owner(counts.size(), owner, comm.size()).order) {
    records.push_back(
        {accounts.global_of_local[counts[i].local_account].value, counts[i].n_actions});
    values.push_back(counts[i].value);
    owners.push_back(static_cast<std::uint32_t>(owner(i)));
  }
  const auto received = exchange_by_owner(
      records, [&](const ValueCount& r) { return table.owner_of(AccountIndex{r.account}); }, comm);
  const auto received_values = exchange_strings(values, owners, comm);

  absl::flat_hash_map<std::pair<std::uint64_t, std::string_view>, std::uint64_t> summed;
  for (std::size_t i = 0; i < received.data.size(); ++i) {
    summed[{received.data[i].account, received_values.strings[i]}] += received.data[i].n_actions;
  }
  std::vector<std::uint64_t> best(dominant.size(), 0);
  for (const auto& [key, n] : summed) {
    const auto slot = key.first - table.first_index;
    auto& current = dominant[slot];
    if (n > best[slot] || (n == best[slot] && key.second < current)) {
      current = std::string(key.second);
      best[slot] = n;
    }
  }
}

}  // namespace

void merge_account_profile(const IngestResult& ingested, RegisteredAccounts& accounts,
                           const Comm& comm) {
  merge_values(ingested.languages, accounts, accounts.table.language, comm);
  merge_values(ingested.locations, accounts, accounts.table.location, comm);
}

}  // namespace coordnet
