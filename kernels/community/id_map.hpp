// IdMap: a flat open-addressing hash map from a 64-bit vertex id to a 32-bit local slot.
//
// Used where records arrive keyed by global id (building a level's graph, applying label
// updates); the inner loops of the kernel index flat arrays by slot and never look ids up.
// Linear probing over a power-of-two table kept at most half full, or, for a map built by
// of_sorted from dense ids, a flat array over their range; ids equal to kEmpty are not allowed.
// Loops over many ids call prefetch(id of a later step) to hide cache misses (kPrefetchDistance
// steps ahead).
#pragma once

#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include "kernels/community/cluster_types.hpp"

namespace coordnet {

class IdMap {
 public:
  static constexpr VertexId kEmpty = std::numeric_limits<VertexId>::max();
  static constexpr std::uint32_t kMissing = std::numeric_limits<std::uint32_t>::max();
  static constexpr std::size_t kPrefetchDistance = 16;

  explicit IdMap(std::size_t expected = 0) { rehash(expected); }

  // ids[i] -> i for ascending, distinct ids. Dense ids (a run's accounts, a generated graph's
  // vertices: their range at most kDenseSpan times their count) get a flat array over their
  // range instead of the table: a look-up is one load from an array a quarter of the table's
  // size, where the cache holds far more of it.
  static IdMap of_sorted(std::span<const VertexId> ids) {
    IdMap map;
    if (!ids.empty() && ids.back() - ids.front() < kDenseSpan * ids.size()) {
      map.first_dense_ = ids.front();
      map.dense_.assign(static_cast<std::size_t>(ids.back() - ids.front() + 1), kMissing);
      for (std::size_t i = 0; i < ids.size(); ++i) {
        map.dense_[ids[i] - ids.front()] = static_cast<std::uint32_t>(i);
      }
      map.size_ = ids.size();
      return map;
    }
    map.rehash(ids.size());
    for (std::size_t i = 0; i < ids.size(); ++i) map.insert(ids[i], static_cast<std::uint32_t>(i));
    return map;
  }

  std::uint32_t find(VertexId id) const noexcept {
    if (!dense_.empty())
      return id - first_dense_ < dense_.size() ? dense_[id - first_dense_] : kMissing;
    for (std::size_t i = mix_vertex(id) & mask_;; i = (i + 1) & mask_) {
      if (slots_[i].key == id) return slots_[i].value;
      if (slots_[i].key == kEmpty) return kMissing;
    }
  }

  // Starts loading the table line where id's probe begins (for a look-up a few steps later):
  // look-ups of a batch of ids overlap their cache misses instead of waiting for each.
  void prefetch(VertexId id) const noexcept {
    if (!dense_.empty()) {
      if (id - first_dense_ < dense_.size()) __builtin_prefetch(&dense_[id - first_dense_]);
      return;
    }
    __builtin_prefetch(&slots_[mix_vertex(id) & mask_]);
  }

  // The slot of id, inserting `value` when id is absent.
  std::uint32_t insert(VertexId id, std::uint32_t value) {
    if (!dense_.empty()) to_table();
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

  // Leaves the dense array for the table (an insert into a map built dense).
  void to_table() {
    std::vector<std::uint32_t> dense;
    dense.swap(dense_);
    size_ = 0;
    rehash(dense.size());
    for (std::size_t i = 0; i < dense.size(); ++i) {
      if (dense[i] != kMissing) insert(first_dense_ + i, dense[i]);
    }
  }

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

  static constexpr std::uint64_t kDenseSpan = 4;

  std::vector<Slot> slots_;
  std::size_t mask_ = 0;
  std::size_t size_ = 0;
  // The dense form (of_sorted): the slot of first_dense_ + i at i; empty for the table.
  VertexId first_dense_ = 0;
  std::vector<std::uint32_t> dense_;
};

}  // namespace coordnet
