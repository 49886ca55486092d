// RankBuffers: records written straight into one buffer per destination rank, for exchanges
// repeated round after round (the sub-rounds of local moving, the pre-count's counter slots): no
// destination array, no regrouping pass, and the buffers, the send buffer and the received data
// keep their memory from round to round.
//
// Local, except send(), which every rank must call together.
#pragma once

#include <cstdint>
#include <vector>

#include "core/comm.hpp"

namespace coordnet {

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
