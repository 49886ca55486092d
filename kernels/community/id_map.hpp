// IdMap: a flat open-addressing hash map from a 64-bit vertex id to a 32-bit local slot.
//
// Used where records arrive keyed by global id (building a level's graph, applying label
// updates); the inner loops of the kernel index flat arrays by slot and never look ids up.
// Linear probing over a power-of-two table kept at most half full; ids equal to kEmpty are not
// allowed. Loops over many ids call prefetch(id of a later step) to hide cache misses
// (kPrefetchDistance steps ahead).
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
  static constexpr std::size_t kPrefetchDistance = 16;

  explicit IdMap(std::size_t expected = 0) { rehash(expected); }

  std::uint32_t find(VertexId id) const noexcept {
    for (std::size_t i = mix_vertex(id) & mask_;; i = (i + 1) & mask_) {
      if (slots_[i].key == id) return slots_[i].value;
      if (slots_[i].key == kEmpty) return kMissing;
    }
  }

  // Starts loading the table line where id's probe begins (for a look-up a few steps later):
  // look-ups of a batch of ids overlap their cache misses instead of waiting for each.
  void prefetch(VertexId id) const noexcept { __builtin_prefetch(&slots_[mix_vertex(id) & mask_]); }

  // The slot of id, inserting `value` when id is absent.
  std::uint32_t insert(VertexId id, std::uint32_t value) {
    if (2 * (size_ + 1) > slots_.size()) rehash(2 * (size_ + 1));
    for (std::size_t i = mix_vertex(id) & mask_;; i = (i + 1) & mask_) {
      if (slots_[i].key == id) return slots_[i].value;
      if (slots_[i].key == kEmpty) {
        slots_[i] = {id, value};
        ++size_;
        return value;
      }
    }
  }

  std::size_t size() const noexcept { return size_; }

 private:
  // Key and value side by side: a look-up touches one cache line.
  struct Slot {
    VertexId key;
    std::uint32_t value;
  };

  void rehash(std::size_t expected) {
    std::size_t capacity = 16;
    while (capacity < 2 * expected) capacity *= 2;
    std::vector<Slot> old(capacity, Slot{kEmpty, 0});
    old.swap(slots_);
    mask_ = capacity - 1;
    size_ = 0;
    for (const auto& slot : old) {
      if (slot.key != kEmpty) insert(slot.key, slot.value);
    }
  }

  std::vector<Slot> slots_;
  std::size_t mask_ = 0;
  std::size_t size_ = 0;
};

}  // namespace coordnet
