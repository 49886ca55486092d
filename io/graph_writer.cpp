#include "io/graph_writer.hpp"

#include <fmt/format.h>

#include <filesystem>

#include "core/errors.hpp"
#include "io/atomic_file.hpp"
#include "io/text_escape.hpp"

namespace coordnet {

namespace {

const char* graphml_type(ValueKind kind) {
  switch (kind) {
    case ValueKind::text:
      return "string";
    case ValueKind::int64:
    case ValueKind::uint64:
      return "long";
    case ValueKind::float64:
      return "double";
  }
  return "string";
}

std::string node_key_name(const ColumnInfo& c) { return c.name == "handle" ? "label" : c.name; }

// Text of a slice is handed to the file in pieces of about this size.
constexpr std::size_t kFlushBytes = std::size_t{1} << 20;

void flush_if_large(std::string& text, AtomicFile& file) {
  if (text.size() < kFlushBytes) return;
  file.write(text);
  text.clear();
}

class GephiCsvWriter final : public GraphWriter {
 public:
  GephiCsvWriter(const std::string& dir, const std::vector<ColumnInfo>& node_columns,
                 const std::vector<ColumnInfo>& edge_columns, bool directed)
      : nodes_(make_dir(dir) + "/nodes.csv"), edges_(dir + "/edges.csv"), directed_(directed) {
    std::string header = "Id";
    for (const auto& c : node_columns) {
      header += "," + csv_field(c.name == "handle" ? "Label" : c.name);
    }
    nodes_.write(header + "\n");
    header = "Source,Target,Type";
    for (const auto& c : edge_columns)
      header += "," + csv_field(c.name == "weight" ? "Weight" : c.name);
    edges_.write(header + "\n");
  }

  void write_nodes(const NodeRows& rows) override {
    std::string out;
    for (std::size_t i = 0; i < rows.ids.size(); ++i) {
      out += csv_field(rows.ids[i]);
      for (const auto& column : rows.columns) out += "," + csv_field(value_text(column, i));
      out += '\n';
      flush_if_large(out, nodes_);
    }
    nodes_.write(out);
  }

  void write_edges(const EdgeRows& rows) override {
    std::string out;
    const char* type = directed_ ? ",Directed" : ",Undirected";
    for (std::size_t i = 0; i < rows.sources.size(); ++i) {
      out += csv_field(rows.sources[i]) + "," + csv_field(rows.targets[i]) + type;
      for (const auto& column : rows.columns) out += "," + csv_field(value_text(column, i));
      out += '\n';
      flush_if_large(out, edges_);
    }
    edges_.write(out);
  }

  void commit() override {
    nodes_.commit();
    edges_.commit();
  }

 private:
  static std::string make_dir(const std::string& dir) {
    std::error_code error;
    std::filesystem::create_directories(dir, error);
    if (error) throw IoError("cannot create directory " + dir + ": " + error.message());
    return dir;
  }

  AtomicFile nodes_;
  AtomicFile edges_;
  bool directed_;
};

class GraphmlWriter final : public GraphWriter {
 public:
  GraphmlWriter(const std::string& path, const std::vector<ColumnInfo>& node_columns,
                const std::vector<ColumnInfo>& edge_columns, bool directed)
      : out_(path) {
    std::string header =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\" "
        "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
        "xsi:schemaLocation=\"http://graphml.graphdrawing.org/xmlns "
        "http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd\">\n";
    for (const auto& c : node_columns) {
      node_keys_.push_back("v_" + c.name);
      header += fmt::format("  <key id=\"{}\" for=\"node\" attr.name=\"{}\" attr.type=\"{}\"/>\n",
                            xml_text(node_keys_.back()), xml_text(node_key_name(c)),
                            graphml_type(c.kind));
    }
    for (const auto& c : edge_columns) {
      edge_keys_.push_back("e_" + c.name);
      header += fmt::format("  <key id=\"{}\" for=\"edge\" attr.name=\"{}\" attr.type=\"{}\"/>\n",
                            xml_text(edge_keys_.back()), xml_text(c.name), graphml_type(c.kind));
    }
    header += fmt::format("  <graph id=\"coordnet\" edgedefault=\"{}\">\n",
                          directed ? "directed" : "undirected");
    out_.write(header);
  }

  void write_nodes(const NodeRows& rows) override {
    std::string out;
    for (std::size_t i = 0; i < rows.ids.size(); ++i) {
      out += fmt::format("    <node id=\"{}\">", xml_text(rows.ids[i]));
      append_data(out, node_keys_, rows.columns, i);
      out += "</node>\n";
      flush_if_large(out, out_);
    }
    out_.write(out);
  }

  void write_edges(const EdgeRows& rows) override {
    std::string out;
    for (std::size_t i = 0; i < rows.sources.size(); ++i) {
      out += fmt::format("    <edge source=\"{}\" target=\"{}\">", xml_text(rows.sources[i]),
                         xml_text(rows.targets[i]));
      append_data(out, edge_keys_, rows.columns, i);
      out += "</edge>\n";
      flush_if_large(out, out_);
    }
    out_.write(out);
  }

  void commit() override {
    out_.write("  </graph>\n</graphml>\n");
    out_.commit();
  }

 private:
  static void append_data(std::string& out, const std::vector<std::string>& keys,
                          const std::vector<ColumnValues>& columns, std::size_t i) {
    for (std::size_t k = 0; k < columns.size(); ++k) {
      const auto value = value_text(columns[k], i);
      if (value.empty()) continue;  // an absent value: readers treat <data></data> unevenly
      out += fmt::format("<data key=\"{}\">{}</data>", xml_text(keys[k]), xml_text(value));
    }
  }

  AtomicFile out_;
  std::vector<std::string> node_keys_;
  std::vector<std::string> edge_keys_;
};

}  // namespace

std::unique_ptr<GraphWriter> make_gephi_csv_writer(const std::string& dir,
                                                   const std::vector<ColumnInfo>& node_columns,
                                                   const std::vector<ColumnInfo>& edge_columns,
                                                   bool directed) {
  return std::make_unique<GephiCsvWriter>(dir, node_columns, edge_columns, directed);
}

std::unique_ptr<GraphWriter> make_graphml_writer(const std::string& path,
                                                 const std::vector<ColumnInfo>& node_columns,
                                                 const std::vector<ColumnInfo>& edge_columns,
                                                 bool directed) {
  return std::make_unique<GraphmlWriter>(path, node_columns, edge_columns, directed);
}

}  // namespace coordnet
