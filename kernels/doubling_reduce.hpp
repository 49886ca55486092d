// When to pre-aggregate a growing buffer of pair partials (kernels/synchrony.hpp).
//
// What it decides: sort-reduce the buffer whenever it reaches twice what the previous reduction
// left (and at least `floor`), as long as reductions pay: once one removes less than a tenth,
// pairs barely repeat there and the buffer is left to grow unreduced. `reduce(buffer)` must sort
// and merge equal pairs. Local (no MPI).
#pragma once

#include <algorithm>
#include <cstddef>

namespace coordnet {

class DoublingReduce {
 public:
  explicit DoublingReduce(std::size_t floor) : floor_(floor), reduce_at_(floor) {}

  // Reduces `buffer` if it is due; returns whether it did.
  template <class Buffer, class Reduce>
  bool maybe(Buffer& buffer, Reduce&& reduce) {
    if (!pays_ || buffer.size() < reduce_at_) return false;
    const auto before = buffer.size();
    reduce(buffer);
    pays_ = buffer.size() * 10 < before * 9;
    reduce_at_ = std::max(floor_, 2 * buffer.size());
    return true;
  }
  // Whether reductions still pay (the last one removed a tenth or more).
  bool pays() const { return pays_; }

 private:
  std::size_t floor_;
  std::size_t reduce_at_;
  bool pays_ = true;
};

}  // namespace coordnet
