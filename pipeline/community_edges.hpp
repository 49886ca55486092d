// The strongest internal edges of one community with the keys that bind each pair
// (/edge_evidence, docs/schema.md), for `coordnet inspect --community` and the exports. Serial:
// one process reads, in slices; memory holds the community's members and the edges kept.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "io/hdf5_reader.hpp"
#include "pipeline/result_tables.hpp"

namespace coordnet {

struct EdgeKey {
  std::string layer;
  std::string key;
  std::uint64_t n_coactions;
  std::int64_t first_ms;
  std::int64_t last_ms;
};

struct CommunityEdge {
  std::uint64_t src, dst;  // rows in /accounts
  double weight;
  std::vector<EdgeKey> keys;  // strongest first
};

// At most `max_edges` internal edges of `community` by weight (heaviest first, ties by pair) and
// the `internal_edges` it has in all.
struct StrongestEdges {
  std::vector<CommunityEdge> edges;
  std::uint64_t internal_edges = 0;
};

StrongestEdges read_strongest_edges(const Hdf5Reader& file, const ResultTables& tables,
                                    std::uint64_t community, std::uint64_t max_edges);

// The /edge_evidence rows of the pair (src, dst), strongest first (none when the file has no
// /edge_evidence). The rows are ordered by (src, dst): found by binary search.
std::vector<EdgeKey> read_edge_keys(const Hdf5Reader& file, std::uint64_t src, std::uint64_t dst);

// `layer key (n)` joined by "; ", the form of the exports' evidence attribute.
std::string edge_keys_text(const std::vector<EdgeKey>& keys);

// The evidence text (edge_keys_text) of pairs asked in ascending (src, dst) order, read by one
// pass over /edge_evidence in slices (both tables are ordered by pair). Empty for a pair without
// rows, and for every pair when the file has no /edge_evidence.
class EdgeEvidenceCursor {
 public:
  explicit EdgeEvidenceCursor(const Hdf5Reader& file);
  std::string text_of(std::uint64_t src, std::uint64_t dst);

 private:
  void read_slice();

  const Hdf5Reader& file_;
  std::uint64_t rows_ = 0;
  std::uint64_t slice_begin_ = 0;
  std::size_t at_ = 0;  // in the slice
  std::vector<std::uint64_t> src_, dst_, n_coactions_;
  std::vector<std::string> layer_, key_;
};

}  // namespace coordnet
