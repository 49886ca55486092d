#include "pipeline/export_command.hpp"

#include <algorithm>
#include <filesystem>

#include "core/errors.hpp"
#include "io/atomic_file.hpp"
#include "io/graph_writer.hpp"
#include "pipeline/community_edges.hpp"
#include "pipeline/result_summary.hpp"
#include "pipeline/root_only.hpp"
#include "pipeline/summary_json.hpp"

namespace coordnet {

namespace {

// Communities listed by the JSON summary when --top is not given.
constexpr std::uint64_t kDefaultJsonCommunities = 100;

std::string default_out(const ExportCommand& command) {
  const std::filesystem::path result(command.result);
  const auto stem = (result.parent_path() / result.stem()).string();
  if (command.format == "gephi") return stem + "_gephi";
  if (command.format == "graphml") return stem + ".graphml";
  return stem + ".summary.json";
}

// Node ids (the account id strings, or row numbers when the file has none) of ascending rows,
// packed into one buffer; looked up by row for the edges.
class NodeIds {
 public:
  NodeIds(const Hdf5Reader& file, const ResultTables& tables, std::vector<std::uint64_t> rows)
      : rows_(std::move(rows)) {
    offsets_.push_back(0);
    for (std::size_t begin = 0; begin < rows_.size(); begin += kRowsPerSlice) {
      const auto end = std::min<std::size_t>(rows_.size(), begin + kRowsPerSlice);
      for (const auto& id : slice_ids(file, tables, begin, end)) {
        chars_ += id;
        offsets_.push_back(chars_.size());
      }
    }
  }

  const std::vector<std::uint64_t>& rows() const { return rows_; }
  bool contains(std::uint64_t row) const {
    return std::binary_search(rows_.begin(), rows_.end(), row);
  }
  std::string of_row(std::uint64_t row) const {
    const auto k =
        static_cast<std::size_t>(std::lower_bound(rows_.begin(), rows_.end(), row) - rows_.begin());
    return chars_.substr(offsets_[k], offsets_[k + 1] - offsets_[k]);
  }
  std::vector<std::string> of_slice(std::size_t begin, std::size_t end) const {
    std::vector<std::string> ids;
    for (auto k = begin; k < end; ++k) {
      ids.push_back(chars_.substr(offsets_[k], offsets_[k + 1] - offsets_[k]));
    }
    return ids;
  }

 private:
  // Ids of rows_[begin, end): read as one contiguous range of /accounts/id, then picked.
  std::vector<std::string> slice_ids(const Hdf5Reader& file, const ResultTables& tables,
                                     std::size_t begin, std::size_t end) const {
    std::vector<std::string> ids;
    const auto first = rows_[begin], last = rows_[end - 1];
    if (!tables.has_account_ids) {
      for (auto k = begin; k < end; ++k) ids.push_back(std::to_string(rows_[k]));
      return ids;
    }
    // Rows far apart are read one by one so a sparse selection does not read the whole column.
    if (last - first + 1 > 4 * (end - begin)) {
      for (auto k = begin; k < end; ++k) {
        ids.push_back(file.read_strings("/accounts/id", rows_[k], 1).front());
      }
      return ids;
    }
    const auto range = file.read_strings("/accounts/id", first, last - first + 1);
    for (auto k = begin; k < end; ++k) ids.push_back(range[rows_[k] - first]);
    return ids;
  }

  std::vector<std::uint64_t> rows_;
  std::string chars_;
  std::vector<std::size_t> offsets_;
};

// Values of `columns` at the given ascending rows (all within [first, first + n)).
std::vector<ColumnValues> pick_rows(const Hdf5Reader& file, const std::vector<ColumnInfo>& columns,
                                    std::uint64_t first, std::uint64_t n,
                                    const std::vector<std::uint64_t>& rows) {
  std::vector<ColumnValues> picked;
  for (const auto& c : columns) {
    const auto values = file.read(c, first, n);
    picked.push_back(std::visit(
        [&](const auto& v) -> ColumnValues {
          std::decay_t<decltype(v)> out;
          out.reserve(rows.size());
          for (const auto r : rows) out.push_back(v[r - first]);
          return out;
        },
        values));
  }
  return picked;
}

void write_nodes(const Hdf5Reader& file, const ResultTables& tables, const NodeIds& nodes,
                 GraphWriter& writer) {
  const auto& rows = nodes.rows();
  for (std::size_t begin = 0; begin < rows.size();) {
    // A slice: consecutive selected rows spanning at most kRowsPerSlice rows of the file.
    auto end = begin;
    while (end < rows.size() && rows[end] - rows[begin] < kRowsPerSlice) ++end;
    const auto first = rows[begin], n = rows[end - 1] - first + 1;
    const std::vector<std::uint64_t> picked(rows.begin() + static_cast<long>(begin),
                                            rows.begin() + static_cast<long>(end));
    writer.write_nodes(
        {nodes.of_slice(begin, end), pick_rows(file, tables.account_columns, first, n, picked)});
    begin = end;
  }
}

// The edge attributes exported: the /edges columns, then `evidence` (the keys that bind the
// pair, /edge_evidence) when the file has it and the edges are undirected.
std::vector<ColumnInfo> exported_edge_columns(const Hdf5Reader& file, const ResultTables& tables) {
  auto columns = tables.edge_columns;
  if (!tables.directed && file.find_column("/edge_evidence/src")) {
    columns.push_back({"/edge_evidence", "evidence", ValueKind::text, tables.n_edges});
  }
  return columns;
}

void write_edges(const Hdf5Reader& file, const ResultTables& tables, const NodeIds& nodes, bool all,
                 GraphWriter& writer) {
  const bool with_evidence =
      exported_edge_columns(file, tables).size() > tables.edge_columns.size();
  EdgeEvidenceCursor evidence(file);
  const auto dst_n = file.column("/edges/dst").length;
  if (dst_n != tables.n_edges) {
    throw DataError(file.path() + ": /edges/dst has " + std::to_string(dst_n) +
                    " values, /edges/src " + std::to_string(tables.n_edges));
  }
  for (std::uint64_t begin = 0; begin < tables.n_edges; begin += kRowsPerSlice) {
    const auto n = std::min(kRowsPerSlice, tables.n_edges - begin);
    const auto src = file.read_numbers<std::uint64_t>("/edges/src", begin, n);
    const auto dst = file.read_numbers<std::uint64_t>("/edges/dst", begin, n);
    EdgeRows rows;
    std::vector<std::uint64_t> kept;
    for (std::uint64_t i = 0; i < n; ++i) {
      for (const auto end : {src[i], dst[i]}) {
        if (end >= tables.n_accounts) {
          throw DataError(file.path() + ": /edges row " + std::to_string(begin + i) +
                          " names account " + std::to_string(end) + ", the file has " +
                          std::to_string(tables.n_accounts));
        }
      }
      if (!all && !(nodes.contains(src[i]) && nodes.contains(dst[i]))) continue;
      kept.push_back(begin + i);
      rows.sources.push_back(nodes.of_row(src[i]));
      rows.targets.push_back(nodes.of_row(dst[i]));
    }
    if (kept.empty()) continue;
    rows.columns = pick_rows(file, tables.edge_columns, begin, n, kept);
    if (with_evidence) {
      std::vector<std::string> texts;
      for (const auto row : kept)
        texts.push_back(evidence.text_of(src[row - begin], dst[row - begin]));
      rows.columns.emplace_back(std::move(texts));
    }
    writer.write_edges(rows);
  }
}

void export_graph(const ExportCommand& command, const std::string& out, const Hdf5Reader& file,
                  const ResultTables& tables, const SelectedCommunities& selection) {
  file.column("/edges/src");
  const NodeIds nodes(file, tables, select_accounts(file, tables, selection));
  const auto edge_columns = exported_edge_columns(file, tables);
  auto writer =
      command.format == "gephi"
          ? make_gephi_csv_writer(out, tables.account_columns, edge_columns, tables.directed)
          : make_graphml_writer(out, tables.account_columns, edge_columns, tables.directed);
  write_nodes(file, tables, nodes, *writer);
  write_edges(file, tables, nodes, selection.all, *writer);
  writer->commit();
}

void export_summary(const ExportCommand& command, const std::string& out, const Hdf5Reader& file,
                    const ResultTables& tables, const SelectedCommunities& selection) {
  auto listed = selection.ids;
  if (!command.filter.top && listed.size() > kDefaultJsonCommunities) {
    listed.resize(kDefaultJsonCommunities);
  }
  const auto details = read_community_details(file, tables, listed, command.max_evidence, 0);
  write_file_atomically(
      out, format_summary_json(read_run_summary(file, tables), command.filter, selection, details));
}

}  // namespace

void add_export_command(CLI::App& app, ExportCommand& command) {
  auto* e = app.add_subcommand(
      "export",
      "Write a result for analysts' tools: Gephi node/edge CSV, GraphML or a JSON "
      "summary (docs/exports.md)");
  command.app = e;
  e->add_option("result", command.result, "Result HDF5 file of coordnet run")->required();
  e->add_option("--format", command.format, "gephi (nodes.csv + edges.csv), graphml or json")
      ->capture_default_str()
      ->check(CLI::IsMember({"gephi", "graphml", "json"}));
  e->add_option("--out,-o", command.out,
                "Output: a directory for gephi, a file otherwise (default: beside RESULT, "
                "RESULT_gephi/, RESULT.graphml, RESULT.summary.json)");
  e->add_flag("--flagged-only", command.filter.flagged_only,
              "Only flagged communities (needs /communities/flagged)");
  e->add_option_function<std::uint64_t>(
      "--top", [&command](const std::uint64_t& n) { command.filter.top = n; },
      "Only the first N communities (by rank, else score, else size); json lists 100 without it");
  e->add_option_function<double>(
      "--min-score", [&command](const double& x) { command.filter.min_score = x; },
      "Only communities with score >= X (needs /communities/score)");
  e->add_option("--community", command.filter.ids, "Only these communities (repeatable)");
  e->add_option("--max-evidence", command.max_evidence, "json: evidence rows per community")
      ->capture_default_str();
  // Not run parameters: kept out of the configuration a run writes into its result.
  for (auto* option : e->get_options()) option->configurable(false);
}

void run_export(const ExportCommand& command, const Comm& comm) {
  run_on_root(comm, [&] {
    const Hdf5Reader file(command.result);
    const auto tables = read_result_tables(file);
    const auto selection = select_communities(file, tables, command.filter);
    const auto out = command.out.empty() ? default_out(command) : command.out;
    if (command.format == "json") {
      export_summary(command, out, file, tables, selection);
    } else {
      export_graph(command, out, file, tables, selection);
    }
  });
}

}  // namespace coordnet
