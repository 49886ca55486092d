#include "kernels/pair_accumulator.hpp"

#include <fmt/core.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <system_error>

#include "core/errors.hpp"

namespace coordnet {

namespace {

IoError file_error(const char* what, const std::filesystem::path& path) {
  return IoError(
      fmt::format("spill file {}: {} failed: {}", path.string(), what, std::strerror(errno)));
}

bool before(const PairPartial& a, const PairPartial& b) {
  return a.pair < b.pair || (a.pair == b.pair && a.key_tag < b.key_tag);
}

}  // namespace

PairAccumulator::PairAccumulator(std::size_t max_records, std::filesystem::path spill_dir)
    : max_records_(max_records), spill_dir_(std::move(spill_dir)) {
  // Address space only: the pages are touched as partials arrive, and the held partials never
  // move to a larger buffer (which would briefly hold both) before the first spill.
  if (max_records_ > 0) held_.reserve(max_records_);
}

PairAccumulator::~PairAccumulator() {
  for (const auto& run : runs_) {
    std::error_code ignored;
    std::filesystem::remove(run.path, ignored);
  }
}

void PairAccumulator::add(const std::vector<PairPartial>& received) {
  if (finished_) throw std::logic_error("PairAccumulator::add after finish");
  std::span<const PairPartial> left(received);
  while (!left.empty()) {
    const auto room =
        max_records_ == 0 ? left.size() : std::min(left.size(), max_records_ - held_.size());
    const auto from = held_.size();
    held_.insert(held_.end(), left.begin(), left.begin() + static_cast<std::ptrdiff_t>(room));
    index_.absorb_tail(held_, from);
    left = left.subspan(room);
    if (max_records_ > 0 && held_.size() == max_records_) {
      index_.release();
      sort_and_reduce(held_);
      spill();
      index_ = PartialIndex(max_records_);
    }
  }
}

void PairAccumulator::expect(std::size_t distinct) {
  if (finished_) return;
  distinct = std::min(distinct, kMostExpected);
  if (max_records_ > 0) distinct = std::min(distinct, max_records_);
  if (distinct > held_.capacity()) held_.reserve(distinct);
  index_ = PartialIndex(distinct);
  index_.absorb_tail(held_, 0);
}

void PairAccumulator::sort_held(std::size_t bytes_per_kept) {
  if (held_.size() * 2 < held_.capacity()) held_.shrink_to_fit();
  sort_and_reduce(held_);
  if (max_records_ == 0 || held_.empty()) return;
  const std::size_t limit_bytes = max_records_ * (sizeof(PairPartial) + kSortBytesPerRecord);
  if (held_.capacity() * sizeof(PairPartial) + held_.size() * bytes_per_kept <= limit_bytes) return;
  spill();
  std::vector<PairPartial>().swap(held_);
}

void PairAccumulator::spill() {
  const auto path = spill_dir_ / fmt::format("coordnet-spill-{}-{}.bin",
                                             static_cast<long>(::getpid()), runs_.size());
  std::FILE* file = std::fopen(path.c_str(), "wb");
  if (file == nullptr) throw file_error("open", path);
  runs_.push_back({path, held_.size()});
  const auto written = std::fwrite(held_.data(), sizeof(PairPartial), held_.size(), file);
  const bool closed = std::fclose(file) == 0;
  if (written != held_.size() || !closed) throw file_error("write", path);
  spilled_records_ += held_.size();
  held_.clear();
}

PairAccumulator::MergedRuns::MergedRuns(const PairAccumulator& owner) {
  sources_.resize(owner.runs_.size() + 1);
  for (std::size_t i = 0; i < owner.runs_.size(); ++i) {
    Source& s = sources_[i];
    s.path = owner.runs_[i].path;
    s.left = owner.runs_[i].records;
    s.file = std::fopen(s.path.c_str(), "rb");
    if (s.file == nullptr) throw file_error("open", s.path);
    refill(s);
  }
  sources_.back().view = owner.held_;
  auto greater = [this](std::size_t a, std::size_t b) {
    return before(*sources_[b].head(), *sources_[a].head());
  };
  for (std::size_t i = 0; i < sources_.size(); ++i) {
    if (sources_[i].head() != nullptr) heap_.push_back(i);
  }
  std::make_heap(heap_.begin(), heap_.end(), greater);
}

PairAccumulator::MergedRuns::~MergedRuns() {
  for (auto& s : sources_) {
    if (s.file != nullptr) std::fclose(s.file);
  }
}

void PairAccumulator::MergedRuns::refill(Source& s) {
  const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(s.left, kRunBufferRecords));
  s.block.resize(n);
  if (n > 0 && std::fread(s.block.data(), sizeof(PairPartial), n, s.file) != n) {
    throw file_error("read", s.path);
  }
  s.left -= n;
  s.view = s.block;
  s.at = 0;
}

const PairPartial* PairAccumulator::MergedRuns::next() {
  if (heap_.empty()) return nullptr;
  auto greater = [this](std::size_t a, std::size_t b) {
    return before(*sources_[b].head(), *sources_[a].head());
  };
  std::pop_heap(heap_.begin(), heap_.end(), greater);
  Source& s = sources_[heap_.back()];
  // The head is copied out before the source moves on (a refill reuses its block).
  out_ = s.view[s.at++];
  if (s.at == s.view.size() && s.file != nullptr && s.left > 0) refill(s);
  if (s.head() != nullptr) {
    std::push_heap(heap_.begin(), heap_.end(), greater);
  } else {
    heap_.pop_back();
  }
  return &out_;
}

}  // namespace coordnet
