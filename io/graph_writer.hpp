// Streaming writers of a graph for analysts' tools: Gephi's node and edge CSV tables, and
// GraphML (networkx, Gephi, igraph, Cytoscape). Nodes are written in slices, then edges in
// slices; only the current slice is in memory. Output is atomic (io/atomic_file.hpp): nothing
// is visible under the final names until commit().
//
// Columns keep their names with two exceptions that the tools look for: the node column
// `handle` becomes Gephi's `Label` (GraphML key `label`), the edge column `weight` Gephi's
// `Weight` (GraphML key `weight`). Node ids are written as given (strings; in Gephi `Id` is
// always a string column, so 64-bit ids are never rounded). GraphML leaves out empty strings
// (no <data> element), the CSV tables write them as empty fields.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "io/hdf5_reader.hpp"

namespace coordnet {

struct NodeRows {
  std::vector<std::string> ids;
  std::vector<ColumnValues> columns;  // one per node column, same order as given to the writer
};

struct EdgeRows {
  std::vector<std::string> sources;
  std::vector<std::string> targets;
  std::vector<ColumnValues> columns;  // one per edge column
};

class GraphWriter {
 public:
  virtual ~GraphWriter() = default;
  // Every node slice comes before the first edge slice.
  virtual void write_nodes(const NodeRows& rows) = 0;
  virtual void write_edges(const EdgeRows& rows) = 0;
  virtual void commit() = 0;
};

// DIR/nodes.csv (Id, Label, node columns) and DIR/edges.csv (Source, Target, Type, Weight, edge
// columns); DIR is created when missing.
std::unique_ptr<GraphWriter> make_gephi_csv_writer(const std::string& dir,
                                                   const std::vector<ColumnInfo>& node_columns,
                                                   const std::vector<ColumnInfo>& edge_columns,
                                                   bool directed);

// One GraphML file with typed keys (string, long, double).
std::unique_ptr<GraphWriter> make_graphml_writer(const std::string& path,
                                                 const std::vector<ColumnInfo>& node_columns,
                                                 const std::vector<ColumnInfo>& edge_columns,
                                                 bool directed);

}  // namespace coordnet
