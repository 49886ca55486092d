// The owner's accumulation of pair partials within a memory allowance (kernels/coaction.hpp).
//
// What it computes: the reduced partials of every (pair, key tag) added to it, handed out in
// (pair, tag) order by for_each. add() appends to a buffer. Without a limit, the buffer is sorted
// and reduced whenever it doubles past what the previous reduction left, as long as reductions
// remove a tenth or more (pairs that repeat across rounds, a viral key's pair space, stay bounded;
// pairs that do not are sorted once, at the end). With a limit of max_records, the buffer is
// sorted and reduced when it is full, and written to a file in spill_dir as a sorted run (then
// emptied) when the reduction left more than half of it. for_each merges the runs and the buffer.
// The run files are removed by the destructor; failing to write or read one is an IoError naming
// the file.
//
// Memory: at most max_records partials (72 bytes) plus the radix sort's 32 bytes per partial,
// and a read buffer of kRunBufferRecords per run while merging.
//
// Local (no MPI).
#pragma once

#include <cstdio>
#include <filesystem>
#include <span>
#include <vector>

#include "kernels/doubling_reduce.hpp"
#include "kernels/pair_partial.hpp"

namespace coordnet {

class PairAccumulator {
 public:
  static constexpr std::size_t kRunBufferRecords = 1 << 14;
  static constexpr std::size_t kSortBytesPerRecord = 32;

  // max_records 0: no limit, nothing is spilled.
  PairAccumulator(std::size_t max_records, std::filesystem::path spill_dir);
  ~PairAccumulator();
  PairAccumulator(const PairAccumulator&) = delete;
  PairAccumulator& operator=(const PairAccumulator&) = delete;

  void add(const std::vector<PairPartial>& received);

  // Before the last merge, when what the caller will build from it (bytes_per_pair for each
  // reduced partial) would not fit beside the buffer in the limit: writes the buffer as a run
  // and frees it, so the merge holds only the runs' read buffers. Nothing without a limit.
  void make_room(std::size_t bytes_per_pair);

  // Calls visit(const PairPartial&) once per (pair, tag), in (pair, tag) order, each reduced over
  // everything added. Can be called more than once.
  template <class Visit>
  void for_each(Visit&& visit) {
    finish_buffer();
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
  // The runs and the buffer merged in (pair, tag) order; equal ones come one after the other.
  class MergedRuns {
   public:
    explicit MergedRuns(const PairAccumulator& owner);
    ~MergedRuns();
    MergedRuns(const MergedRuns&) = delete;
    MergedRuns& operator=(const MergedRuns&) = delete;
    const PairPartial* next();

   private:
    // A run read in blocks through `block`, or the buffer (no file) viewed in place.
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

  void reduce_or_spill();
  void finish_buffer();
  void spill();

  std::size_t max_records_;
  std::filesystem::path spill_dir_;
  std::vector<PairPartial> buffer_;
  DoublingReduce unlimited_reduce_{std::size_t{1} << 21};
  bool sorted_ = true;
  std::vector<Run> runs_;
  std::uint64_t spilled_records_ = 0;
};

}  // namespace coordnet
