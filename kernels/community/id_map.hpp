// IdMap: a flat open-addressing hash map from a 64-bit vertex id to a 32-bit local slot.
//
// Used where records arrive keyed by global id (building a level's graph, applying label
// updates); the inner loops of the kernel index flat arrays by slot and never look ids up.
// Linear probing over a power-of-two table kept at most half full; ids equal to kEmpty are not
// allowed.
#pragma once

#include <cstdint>
#include <limits>
#include <vector>

#include "kernels/community/cluster_types.hpp"

namespace coordnet {

class IdMap {
 public:
  static constexpr VertexId kEmpty = std::numeric_limits<VertexId>::max();
  static constexpr std::uint32_t kMissing = std::numeric_limits<std::uint32_t>::max();

  explicit IdMap(std::size_t expected = 0) { rehash(expected); }

  std::uint32_t find(VertexId id) const noexcept {
    for (std::size_t i = mix_vertex(id) & mask_;; i = (i + 1) & mask_) {
      if (keys_[i] == id) return values_[i];
      if (keys_[i] == kEmpty) return kMissing;
    }
  }

  // The slot of id, inserting `value` when id is absent.
  std::uint32_t insert(VertexId id, std::uint32_t value) {
    if (2 * (size_ + 1) > keys_.size()) rehash(2 * (size_ + 1));
    for (std::size_t i = mix_vertex(id) & mask_;; i = (i + 1) & mask_) {
      if (keys_[i] == id) return values_[i];
      if (keys_[i] == kEmpty) {
        keys_[i] = id;
        values_[i] = value;
        ++size_;
        return value;
      }
    }
  }

  std::size_t size() const noexcept { return size_; }

 private:
  void rehash(std::size_t expected) {
    std::size_t capacity = 16;
    while (capacity < 2 * expected) capacity *= 2;
    std::vector<VertexId> old_keys(capacity, kEmpty);
    std::vector<std::uint32_t> old_values(capacity);
    old_keys.swap(keys_);
    old_values.swap(values_);
    mask_ = capacity - 1;
    size_ = 0;
    for (std::size_t i = 0; i < old_keys.size(); ++i) {
      if (old_keys[i] != kEmpty) insert(old_keys[i], old_values[i]);
    }
  }

  std::vector<VertexId> keys_;
  std::vector<std::uint32_t> values_;
  std::size_t mask_ = 0;
  std::size_t size_ = 0;
};

}  // namespace coordnet
