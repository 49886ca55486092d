// exchange_by_owner: sends every record to the rank that owns it.
//
// owner_of(record) must return a rank in [0, comm.size()). Records for the same owner keep their
// relative order; the received records come grouped by source rank in rank order, so a reply
// built in the same order can be sent back with reply_to_sources. Collective: every rank calls it.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/comm.hpp"

namespace coordnet {

template <class T, class OwnerOf>
Received<T> exchange_by_owner(std::span<const T> records, OwnerOf&& owner_of, const Comm& comm) {
  const auto p = static_cast<std::size_t>(comm.size());
  std::vector<std::uint32_t> owner(records.size());
  std::vector<std::uint64_t> counts(p, 0);
  for (std::size_t i = 0; i < records.size(); ++i) {
    owner[i] = static_cast<std::uint32_t>(owner_of(records[i]));
    ++counts[owner[i]];
  }
  std::vector<std::uint64_t> next(p, 0);
  for (std::size_t d = 1; d < p; ++d) next[d] = next[d - 1] + counts[d - 1];
  std::vector<T> send(records.size());
  for (std::size_t i = 0; i < records.size(); ++i) send[next[owner[i]]++] = records[i];
  return comm.alltoallv<T>(send, counts);
}

template <class T, class OwnerOf>
Received<T> exchange_by_owner(const std::vector<T>& records, OwnerOf&& owner_of, const Comm& comm) {
  return exchange_by_owner(std::span<const T>(records), owner_of, comm);
}

// Indices 0..n-1 grouped by owner rank in rank order, stable within an owner (a counting sort):
// the order in which exchange_by_owner sends records, and so the order of the replies.
template <class OwnerOfIndex>
std::vector<std::size_t> order_by_owner(std::size_t n, OwnerOfIndex&& owner_of_index, int n_ranks) {
  std::vector<std::uint32_t> owner(n);
  std::vector<std::size_t> next(static_cast<std::size_t>(n_ranks) + 1, 0);
  for (std::size_t i = 0; i < n; ++i) {
    owner[i] = static_cast<std::uint32_t>(owner_of_index(i));
    ++next[owner[i] + 1];
  }
  for (std::size_t d = 1; d < next.size(); ++d) next[d] += next[d - 1];
  std::vector<std::size_t> order(n);
  for (std::size_t i = 0; i < n; ++i) order[next[owner[i]]++] = i;
  return order;
}

// Sends replies[i] back to the source of the i-th record of `request` (same length, same order).
// The requester receives them in the order it sent its requests when it sent them grouped by
// destination rank in rank order (as exchange_by_owner does after a stable grouping).
template <class T, class R>
std::vector<T> reply_to_sources(const Received<R>& request, std::span<const T> replies,
                                const Comm& comm) {
  return comm.alltoallv<T>(replies, request.counts_by_source).data;
}

// Strings sent to owner ranks: the characters of all strings travel in one message and their
// lengths in another. Returns the received strings grouped by source rank in rank order.
struct ReceivedStrings {
  std::vector<std::string> strings;
  std::vector<std::uint64_t> counts_by_source;
};

ReceivedStrings exchange_strings(std::span<const std::string> strings,
                                 std::span<const std::uint32_t> owners, const Comm& comm);

}  // namespace coordnet
