// ask_owners: one request/reply round trip between every rank and the owners of some keys.
//
// Each rank passes keys and the owner of each; the owner answers every key it receives with
// answer(key, source_rank); the answers come back in the order of the keys. Collective: every
// rank calls it (with zero keys if it has none).
#pragma once

#include <span>
#include <vector>

#include "core/exchange.hpp"

namespace coordnet {

template <class R, class K, class OwnerOf, class Answer>
std::vector<R> ask_owners(std::span<const K> keys, OwnerOf&& owner_of, Answer&& answer,
                          const Comm& comm) {
  const auto grouped = order_by_owner(
      keys.size(), [&](std::size_t i) { return owner_of(keys[i]); }, comm.size());
  std::vector<K> send;
  send.reserve(keys.size());
  for (auto i : grouped.order) send.push_back(keys[i]);
  const auto received = comm.alltoallv<K>(send, grouped.counts);
  std::vector<R> replies;
  replies.reserve(received.data.size());
  std::size_t next = 0;
  for (std::size_t source = 0; source < received.counts_by_source.size(); ++source) {
    for (std::uint64_t j = 0; j < received.counts_by_source[source]; ++j) {
      replies.push_back(answer(received.data[next++], static_cast<int>(source)));
    }
  }
  const auto answers = reply_to_sources<R>(received, replies, comm);
  std::vector<R> result(keys.size());
  for (std::size_t k = 0; k < grouped.order.size(); ++k) result[grouped.order[k]] = answers[k];
  return result;
}

template <class R, class K, class OwnerOf, class Answer>
std::vector<R> ask_owners(const std::vector<K>& keys, OwnerOf&& owner_of, Answer&& answer,
                          const Comm& comm) {
  return ask_owners<R>(std::span<const K>(keys), owner_of, answer, comm);
}

// Sends records[i] to dest[i] (records for one rank keep their order). Collective.
template <class T>
Received<T> send_to_ranks(std::span<const T> records, std::span<const int> dest, const Comm& comm) {
  const auto grouped = order_by_owner(
      records.size(), [&](std::size_t i) { return dest[i]; }, comm.size());
  std::vector<T> send;
  send.reserve(records.size());
  for (auto i : grouped.order) send.push_back(records[i]);
  return comm.alltoallv<T>(send, grouped.counts);
}

}  // namespace coordnet
