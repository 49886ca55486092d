#include "kernels/pair_accumulator.hpp"

#include <fmt/core.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
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
  if (max_records_ > 0) buffer_.reserve(max_records_);
}

PairAccumulator::~PairAccumulator() {
  for (const auto& run : runs_) {
    std::error_code ignored;
    std::filesystem::remove(run.path, ignored);
  }
}

void PairAccumulator::add(const std::vector<PairPartial>& received) {
  std::size_t from = 0;
  while (from < received.size()) {
    const std::size_t room = max_records_ == 0
                                 ? received.size() - from
                                 : std::min(received.size() - from, max_records_ - buffer_.size());
    buffer_.insert(buffer_.end(), received.begin() + static_cast<std::ptrdiff_t>(from),
                   received.begin() + static_cast<std::ptrdiff_t>(from + room));
    from += room;
    if (room > 0) sorted_ = false;
    reduce_or_spill();
  }
}

void PairAccumulator::reduce_or_spill() {
  if (max_records_ == 0) {
    if (unlimited_reduce_.maybe(buffer_, [](auto& b) { sort_and_reduce(b); })) sorted_ = true;
    return;
  }
  if (buffer_.size() < max_records_) return;
  sort_and_reduce(buffer_);
  sorted_ = true;
  if (buffer_.size() > max_records_ / 2) spill();
}

void PairAccumulator::make_room(std::size_t bytes_per_pair) {
  if (max_records_ == 0 || buffer_.empty()) return;
  finish_buffer();
  const std::size_t limit_bytes = max_records_ * (sizeof(PairPartial) + kSortBytesPerRecord);
  if (buffer_.size() * (sizeof(PairPartial) + bytes_per_pair) <= limit_bytes) return;
  spill();
  std::vector<PairPartial>().swap(buffer_);
}

void PairAccumulator::finish_buffer() {
  if (!sorted_) sort_and_reduce(buffer_);
  sorted_ = true;
}

void PairAccumulator::spill() {
  const auto path = spill_dir_ / fmt::format("coordnet-spill-{}-{}.bin",
                                             static_cast<long>(::getpid()), runs_.size());
  std::FILE* file = std::fopen(path.c_str(), "wb");
  if (file == nullptr) throw file_error("open", path);
  runs_.push_back({path, buffer_.size()});
  const auto written = std::fwrite(buffer_.data(), sizeof(PairPartial), buffer_.size(), file);
  const bool closed = std::fclose(file) == 0;
  if (written != buffer_.size() || !closed) throw file_error("write", path);
  spilled_records_ += buffer_.size();
  buffer_.clear();
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
  sources_.back().view = owner.buffer_;
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
