#include "pipeline/community_edges.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <tuple>

namespace coordnet {

namespace {

bool heavier(const CommunityEdge& a, const CommunityEdge& b) {
  return std::tie(b.weight, a.src, a.dst) < std::tie(a.weight, b.src, b.dst);
}

std::vector<std::uint64_t> members_of(const Hdf5Reader& file, const ResultTables& tables,
                                      std::uint64_t community) {
  std::vector<std::uint64_t> members;
  for (std::uint64_t begin = 0; begin < tables.n_accounts; begin += kRowsPerSlice) {
    const auto n = std::min(kRowsPerSlice, tables.n_accounts - begin);
    const auto owner = file.read_numbers<std::uint64_t>("/accounts/community", begin, n);
    for (std::uint64_t i = 0; i < n; ++i) {
      if (owner[i] == community) members.push_back(begin + i);
    }
  }
  return members;
}

}  // namespace

StrongestEdges read_strongest_edges(const Hdf5Reader& file, const ResultTables& tables,
                                    std::uint64_t community, std::uint64_t max_edges) {
  StrongestEdges out;
  if (max_edges == 0 || !file.find_column("/accounts/community")) return out;
  const auto members = members_of(file, tables, community);
  auto is_member = [&](std::uint64_t a) {
    return std::binary_search(members.begin(), members.end(), a);
  };
  auto keep_heaviest = [&] {
    const auto n = std::min<std::size_t>(max_edges, out.edges.size());
    std::partial_sort(out.edges.begin(), out.edges.begin() + static_cast<long>(n), out.edges.end(),
                      heavier);
    out.edges.resize(n);
  };
  for (std::uint64_t begin = 0; begin < tables.n_edges; begin += kRowsPerSlice) {
    const auto n = std::min(kRowsPerSlice, tables.n_edges - begin);
    const auto src = file.read_numbers<std::uint64_t>("/edges/src", begin, n);
    const auto dst = file.read_numbers<std::uint64_t>("/edges/dst", begin, n);
    const auto weight = file.read_numbers<double>("/edges/weight", begin, n);
    for (std::uint64_t i = 0; i < n; ++i) {
      if (!is_member(src[i]) || !is_member(dst[i])) continue;
      ++out.internal_edges;
      out.edges.push_back({src[i], dst[i], weight[i], {}});
    }
    if (out.edges.size() > 2 * max_edges) keep_heaviest();
  }
  keep_heaviest();
  for (auto& e : out.edges) e.keys = read_edge_keys(file, e.src, e.dst);
  return out;
}

std::vector<EdgeKey> read_edge_keys(const Hdf5Reader& file, std::uint64_t src, std::uint64_t dst) {
  const auto column = file.find_column("/edge_evidence/src");
  if (!column) return {};
  auto pair_at = [&](std::uint64_t row) {
    return std::make_pair(file.read_numbers<std::uint64_t>("/edge_evidence/src", row, 1).front(),
                          file.read_numbers<std::uint64_t>("/edge_evidence/dst", row, 1).front());
  };
  const auto wanted = std::make_pair(src, dst);
  std::uint64_t lo = 0, hi = column->length;
  while (lo < hi) {
    const auto mid = lo + (hi - lo) / 2;
    if (pair_at(mid) < wanted) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  std::vector<EdgeKey> keys;
  for (auto row = lo; row < column->length && pair_at(row) == wanted; ++row) {
    keys.push_back({file.read_strings("/edge_evidence/layer", row, 1).front(),
                    file.read_strings("/edge_evidence/key", row, 1).front(),
                    file.read_numbers<std::uint64_t>("/edge_evidence/n_coactions", row, 1).front(),
                    file.read_numbers<std::int64_t>("/edge_evidence/first_ms", row, 1).front(),
                    file.read_numbers<std::int64_t>("/edge_evidence/last_ms", row, 1).front()});
  }
  return keys;
}

std::string edge_keys_text(const std::vector<EdgeKey>& keys) {
  std::string out;
  for (const auto& k : keys) {
    out += fmt::format("{}{} {} ({})", out.empty() ? "" : "; ", k.layer, k.key, k.n_coactions);
  }
  return out;
}

EdgeEvidenceCursor::EdgeEvidenceCursor(const Hdf5Reader& file) : file_(file) {
  if (const auto column = file.find_column("/edge_evidence/src")) rows_ = column->length;
  if (rows_ > 0) read_slice();
}

void EdgeEvidenceCursor::read_slice() {
  const auto n = std::min(kRowsPerSlice, rows_ - slice_begin_);
  src_ = file_.read_numbers<std::uint64_t>("/edge_evidence/src", slice_begin_, n);
  dst_ = file_.read_numbers<std::uint64_t>("/edge_evidence/dst", slice_begin_, n);
  n_coactions_ = file_.read_numbers<std::uint64_t>("/edge_evidence/n_coactions", slice_begin_, n);
  layer_ = file_.read_strings("/edge_evidence/layer", slice_begin_, n);
  key_ = file_.read_strings("/edge_evidence/key", slice_begin_, n);
  at_ = 0;
}

std::string EdgeEvidenceCursor::text_of(std::uint64_t src, std::uint64_t dst) {
  const auto wanted = std::make_pair(src, dst);
  std::vector<EdgeKey> keys;
  while (slice_begin_ + at_ < rows_) {
    if (at_ == src_.size()) {
      slice_begin_ += src_.size();
      read_slice();
      continue;
    }
    const auto pair = std::make_pair(src_[at_], dst_[at_]);
    if (pair > wanted) break;
    if (pair == wanted) keys.push_back({layer_[at_], key_[at_], n_coactions_[at_], 0, 0});
    ++at_;
  }
  return edge_keys_text(keys);
}

}  // namespace coordnet
