// The owner's accumulation of pair partials within a memory allowance (kernels/coaction.hpp).
//
// What it computes: the reduced partials of every (pair, key tag) added to it, handed out in
// (pair, tag) order by for_each. add() merges each received partial into the one of its (pair,
// tag) through a hash index (kernels/partial_index.hpp), so nothing is sorted while the stream
// runs. With a limit of max_records, the held partials are sorted and written to a file in
// spill_dir as a sorted run (then dropped) when they reach the limit. finish() ends the adding: it
// frees the index, drops the pairs that cannot make an edge (when no run was spilled: a pair
// whose co-action and key counts over all of its partials its caller's test rejects), sorts the
// rest and, when they would not fit beside what the caller builds from them, spills them too.
// for_each merges the runs and the held partials. The run files are removed by the destructor;
// failing to write or read one is an IoError naming the file.
//
// Memory: at most max_records partials (72 bytes) plus 32 bytes each for the index while adding,
// the pairs' totals while dropping (kernels/pair_totals.hpp) or the radix sort while sorting, and
// a read buffer of kRunBufferRecords per run while merging.
//
// Local (no MPI).
#pragma once

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <span>
#include <vector>

#include "kernels/pair_partial.hpp"
#include "kernels/pair_totals.hpp"
#include "kernels/partial_index.hpp"

namespace coordnet {

class PairAccumulator {
 public:
  static constexpr std::size_t kRunBufferRecords = 1 << 14;
  // What a held partial costs besides its 72 bytes: the index while adding, the sort's entries
  // while sorting.
  static constexpr std::size_t kSortBytesPerRecord = PartialIndex::kMaxBytesPerPartial;
  static_assert(kSortBytesPerRecord >= 32, "the radix sort takes 32 bytes per record");

  // max_records 0: no limit, nothing is spilled.
  PairAccumulator(std::size_t max_records, std::filesystem::path spill_dir);
  ~PairAccumulator();
  PairAccumulator(const PairAccumulator&) = delete;
  PairAccumulator& operator=(const PairAccumulator&) = delete;

  void add(const std::vector<PairPartial>& received);

  // Makes room for `distinct` (pair, tag)s at once, sparing the regrowth of the held partials
  // and of the index (capped at kMostExpected and at the limit; the index grows past it).
  static constexpr std::size_t kMostExpected = std::size_t{1} << 25;
  void expect(std::size_t distinct);

  // Ends the adding. When no run was spilled, every partial of a pair is held, so its totals over
  // all of its partials (co-actions and keys, as its edge will count them) are known: a pair
  // whose totals fail keep_pair(count, n_keys) is dropped, all of its partials, before the sort
  // (kernels/pair_totals.hpp). The rest is sorted; with a limit, when they and bytes_per_kept for
  // each would not fit in it, they are written as a run and freed, so the merge holds only the
  // runs' read buffers.
  template <class KeepPair>
  void finish(std::size_t bytes_per_kept, KeepPair&& keep_pair) {
    if (finished_) return;
    finished_ = true;
    index_.release();
    if (runs_.empty()) drop_failing_pairs(keep_pair);
    sort_held(bytes_per_kept);
  }
  // The same, dropping nothing.
  void finish(std::size_t bytes_per_kept = 0) {
    if (finished_) return;
    finished_ = true;
    index_.release();
    sort_held(bytes_per_kept);
  }

  // Calls visit(const PairPartial&) once per (pair, tag), in (pair, tag) order, each reduced over
  // everything added (finishing first if that was not done). Can be called more than once.
  template <class Visit>
  void for_each(Visit&& visit) {
    finish();
    MergedRuns merged(*this);
    PairPartial current;
    bool have = false;
    while (const PairPartial* p = merged.next()) {
      if (have && current.pair == p->pair && current.key_tag == p->key_tag) {
        merge_partial(current, *p);
        continue;
      }
      if (have) visit(static_cast<const PairPartial&>(current));
      current = *p;
      have = true;
    }
    if (have) visit(static_cast<const PairPartial&>(current));
  }

  std::size_t runs() const { return runs_.size(); }
  std::uint64_t spilled_records() const { return spilled_records_; }

 private:
  struct Run {
    std::filesystem::path path;
    std::uint64_t records = 0;
  };
  // The runs and the held partials merged in (pair, tag) order; equal ones come one after the
  // other.
  class MergedRuns {
   public:
    explicit MergedRuns(const PairAccumulator& owner);
    ~MergedRuns();
    MergedRuns(const MergedRuns&) = delete;
    MergedRuns& operator=(const MergedRuns&) = delete;
    const PairPartial* next();

   private:
    // A run read in blocks through `block`, or the held partials (no file) viewed in place.
    struct Source {
      std::FILE* file = nullptr;
      std::filesystem::path path;
      std::uint64_t left = 0;  // records not yet read from the file
      std::vector<PairPartial> block;
      std::span<const PairPartial> view;
      std::size_t at = 0;
      const PairPartial* head() const { return at < view.size() ? &view[at] : nullptr; }
    };
    void refill(Source& s);
    std::vector<Source> sources_;
    std::vector<std::size_t> heap_;  // sources with a head, as a min-heap on it
    PairPartial out_;
  };

  // Drops every partial of the pairs whose totals fail keep_pair (every partial of a pair is held).
  template <class KeepPair>
  void drop_failing_pairs(KeepPair&& keep_pair) {
    const PairTotals totals(held_);
    constexpr std::size_t kAhead = 16;
    std::size_t out = 0;
    for (std::size_t i = 0; i < held_.size(); ++i) {
      if (i + kAhead < held_.size()) totals.prefetch(held_[i + kAhead]);
      const auto counts = totals.of(held_[i]);
      if (keep_pair(counts.count, counts.n_keys)) held_[out++] = held_[i];
    }
    held_.resize(out);
  }
  void sort_held(std::size_t bytes_per_kept);
  void spill();

  std::size_t max_records_;
  std::filesystem::path spill_dir_;
  std::vector<PairPartial> held_;  // each (pair, tag) once; sorted once finished
  PartialIndex index_;
  bool finished_ = false;
  std::vector<Run> runs_;
  std::uint64_t spilled_records_ = 0;
};

}  // namespace coordnet
