// StringPool: strings stored end to end in one buffer and read back as std::string_view, with no
// allocation per string. A rank's dictionary of account ids holds hundreds of thousands of them,
// and an id of 16 characters or more is a heap allocation of its own as a std::string (651,598
// such mallocs were 4% of ingest at 2 ranks on the 13M-row input).
//
// Local (no MPI).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace coordnet {

class StringPool {
 public:
  std::size_t size() const { return starts_.size() - 1; }
  bool empty() const { return size() == 0; }
  std::string_view operator[](std::size_t i) const {
    return std::string_view(chars_).substr(starts_[i], starts_[i + 1] - starts_[i]);
  }
  void push_back(std::string_view s) {
    chars_.append(s);
    starts_.push_back(chars_.size());
  }
  void append(const StringPool& other) {
    for (std::size_t i = 0; i < other.size(); ++i) push_back(other[i]);
  }
  friend bool operator==(const StringPool& a, const StringPool& b) {
    return a.chars_ == b.chars_ && a.starts_ == b.starts_;
  }

 private:
  std::string chars_;
  std::vector<std::uint64_t> starts_{0};  // string i is chars_[starts_[i], starts_[i + 1])
};

}  // namespace coordnet
