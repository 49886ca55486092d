// IdMap: a flat open-addressing hash map from a 64-bit vertex id to a 32-bit local slot.
//
// Used where records arrive keyed by global id (building a level's graph, applying label
// updates); the inner loops of the kernel index flat arrays by slot and never look ids up.
// Linear probing over a power-of-two table kept at most half full, or, for a map built by
// for_range or of over dense ids, a flat array over their range; ids equal to kEmpty are not
// allowed. Loops over many ids call prefetch(id of a later step) to hide cache misses
// (kPrefetchDistance steps ahead). Its arrays are on huge pages (core/huge_pages.hpp): looked up
// at random, on small pages they miss the TLB as well as the cache.
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include "core/huge_pages.hpp"
#include "kernels/community/cluster_types.hpp"

namespace coordnet {

class IdMap {
 public:
  static constexpr VertexId kEmpty = std::numeric_limits<VertexId>::max();
  static constexpr std::uint32_t kMissing = std::numeric_limits<std::uint32_t>::max();
  static constexpr std::size_t kPrefetchDistance = 16;

  explicit IdMap(std::size_t expected = 0) { rehash(expected); }

  // An empty map for about `expected` ids, most of them within [first, last]. Dense ids (a run's
  // accounts, a generated graph's vertices: the range at most kDenseSpan times `expected`) get a
  // flat array over the range instead of the table: a look-up is one load from an array a
  // quarter of the table's size, where the cache holds far more of it. An id outside the range
  // turns the array into the table.
  static IdMap for_range(VertexId first, VertexId last, std::size_t expected) {
    IdMap map;
    if (last - first < kDenseSpan * expected) {
      map.first_dense_ = first;
      map.dense_.assign(static_cast<std::size_t>(last - first + 1), kMissing);
    } else {
      map.rehash(expected);
    }
    return map;
  }

  // ids[i] -> i for distinct ids (dense or not, as for_range decides).
  static IdMap of(std::span<const VertexId> ids) {
    if (ids.empty()) return IdMap();
    const auto [lowest, highest] = std::minmax_element(ids.begin(), ids.end());
    auto map = for_range(*lowest, *highest, ids.size());
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
    if (!dense_.empty()) {
      if (id - first_dense_ < dense_.size()) {
        auto& slot = dense_[id - first_dense_];
        if (slot == kMissing) {
          slot = value;
          ++size_;
        }
        return slot;
      }
      to_table();
    }
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

  // Leaves the dense array for the table (an insert outside its range).
  void to_table() {
    HugePageVector<std::uint32_t> dense;
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
    HugePageVector<Slot> old(capacity, Slot{kEmpty, 0});
    old.swap(slots_);
    mask_ = capacity - 1;
    size_ = 0;
    for (const auto& slot : old) {
      if (slot.key != kEmpty) insert(slot.key, slot.value);
    }
  }

  static constexpr std::uint64_t kDenseSpan = 4;

  HugePageVector<Slot> slots_;
  std::size_t mask_ = 0;
  std::size_t size_ = 0;
  // The dense form (for_range): the slot of first_dense_ + i at i; empty for the table.
  VertexId first_dense_ = 0;
  HugePageVector<std::uint32_t> dense_;
};

}  // namespace coordnet
