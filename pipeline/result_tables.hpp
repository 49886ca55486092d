// The tables of a coordnet result file (docs/schema.md), found generically so that columns added
// by later stages are shown and exported without code changes: every one-dimensional dataset
// directly under /accounts with one value per account is a node attribute, every one under
// /communities with one value per community a community feature, every one under /edges with
// one value per edge an edge attribute. Datasets of another length (statistics, histograms)
// and subgroups are not columns of these tables. Serial: one process reads.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "io/hdf5_reader.hpp"

namespace coordnet {

struct ResultTables {
  std::uint64_t n_accounts = 0;
  std::uint64_t n_edges = 0;
  std::uint64_t n_communities = 0;
  std::vector<ColumnInfo> account_columns;    // /accounts/* but id: handle, then by name
  std::vector<ColumnInfo> edge_columns;       // /edges/* but src, dst: weight, then by name
  std::vector<ColumnInfo> community_columns;  // /communities/* but id, by name
  std::vector<ColumnInfo> evidence_columns;   // /communities/evidence/*, all of one length
  bool has_account_ids = false;               // /accounts/id present (else rows are the ids)
  bool directed = false;                      // /edges written by --compat qut
};

// DataError when /accounts has no column to count accounts by.
ResultTables read_result_tables(const Hdf5Reader& file);

// The column called `name` in `columns`, or nullptr.
const ColumnInfo* find_named(const std::vector<ColumnInfo>& columns, const std::string& name);

// Rows of a table are read in slices of this many: one HDF5 chunk of coordnet's writer
// (io/hdf5_file.cpp), so a slice of every column of /edges stays in the tens of MiB.
inline constexpr std::uint64_t kRowsPerSlice = std::uint64_t{1} << 16;

}  // namespace coordnet
