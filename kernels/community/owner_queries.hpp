// send_to_ranks: records sent to explicitly chosen ranks (ask_owners, for request/reply rounds,
// is in core/exchange.hpp; RankBuffers, for rounds of records written by rank, in
// core/rank_buffers.hpp).
#pragma once

#include <span>
#include <utility>
#include <vector>

#include "core/exchange.hpp"
#include "core/rank_buffers.hpp"

namespace coordnet {

// Sends records[i] to dest[i] (records for one rank keep their order). Collective.
template <class T>
Received<T> send_to_ranks(std::span<const T> records, std::span<const int> dest, const Comm& comm) {
  const auto grouped = order_by_owner(
      records.size(), [&](std::size_t i) { return dest[i]; }, comm.size());
  std::vector<T> send;
  send.reserve(records.size());
  for (auto i : grouped.order) send.push_back(records[i]);
  return comm.alltoallv<T>(std::move(send), grouped.counts);
}

}  // namespace coordnet
