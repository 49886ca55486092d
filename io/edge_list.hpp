// Reads a weighted, undirected edge list for `coordnet cluster`, in parallel.
//
// Two inputs:
// - CSV `src,dst[,weight]` with arbitrary vertex ids (strings or integers, optionally wrapped in
//   double quotes, no commas inside ids); a first line `src,dst[,weight]` / `source,target[,..]`
//   is a header; empty lines are skipped; weight defaults to 1. Every rank parses the lines that
//   start in its byte range. Ids are interned: hashed (xxHash3), sent to the owner of the hash,
//   numbered in hash order (so the numbering does not depend on the rank count); two ids with
//   the same 64-bit hash are reported as a data error, never merged.
// - HDF5 (recognised by its signature): the /edges group of a coordnet file, src and dst uint64
//   row indexes and weight float64; each rank reads one slice. The vertex count is the length
//   of /accounts/id when present, else the largest index + 1.
//
// Vertices come out in contiguous blocks: rank r holds [first_vertex_by_rank[r],
// first_vertex_by_rank[r+1]). Collective: every rank calls read_edge_list.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/comm.hpp"

namespace coordnet {

struct EdgeRow {
  std::uint64_t src;
  std::uint64_t dst;
  double weight;
};

struct EdgeList {
  std::vector<EdgeRow> edges;                       // this rank's share
  std::vector<std::uint64_t> first_vertex_by_rank;  // size p + 1
  std::vector<std::string> vertex_ids;              // CSV: ids of this rank's vertices
};

EdgeList read_edge_list(const std::string& path, const Comm& comm);

}  // namespace coordnet
