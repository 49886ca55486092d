// send_to_ranks and RankBuffers: records sent to explicitly chosen ranks (ask_owners, for
// request/reply rounds, is in core/exchange.hpp).
#pragma once

#include <span>
#include <utility>
#include <vector>

#include "core/exchange.hpp"

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

// Records written straight into one buffer per destination rank, for exchanges repeated round
// after round (the sub-rounds of local moving): no destination array, no regrouping copy, and the
// buffers, the send buffer and the received data keep their memory from round to round.
template <class T>
class RankBuffers {
 public:
  explicit RankBuffers(int n_ranks)
      : by_rank_(static_cast<std::size_t>(n_ranks)), counts_(static_cast<std::size_t>(n_ranks)) {}

  void add(int rank, const T& record) {
    by_rank_[static_cast<std::size_t>(rank)].push_back(record);
  }

  // Sends every record added since the last send to its rank; the result is valid until the
  // next send. Collective.
  const Received<T>& send(const Comm& comm) {
    send_.clear();
    for (std::size_t r = 0; r < by_rank_.size(); ++r) {
      counts_[r] = by_rank_[r].size();
      send_.insert(send_.end(), by_rank_[r].begin(), by_rank_[r].end());
      by_rank_[r].clear();
    }
    comm.alltoallv_into<T>(send_, counts_, received_);
    return received_;
  }

 private:
  std::vector<std::vector<T>> by_rank_;
  std::vector<std::uint64_t> counts_;
  std::vector<T> send_;
  Received<T> received_;
};

}  // namespace coordnet
