#include "pipeline/result_writer.hpp"

#include <fmt/core.h>
#include <fmt/ranges.h>

#include <chrono>
#include <ctime>

#include "io/hdf5_file.hpp"
#include "pipeline/analysis_writer.hpp"
#include "pipeline/community_writer.hpp"
#include "pipeline/version.hpp"

namespace coordnet {

namespace {

std::string utc_now_iso8601() {
  const auto now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&now, &tm);
  char text[32];
  std::strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

std::string toml_string(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string inputs_toml(const std::vector<InputFile>& files) {
  std::string out;
  for (const auto& f : files) {
    out += fmt::format("[[input]]\npath = {}\nsize_bytes = {}\ngzip = {}\n", toml_string(f.path),
                       f.size_bytes, f.gzip);
  }
  return out;
}

void write_accounts(Hdf5Writer& w, const AccountTable& t) {
  w.write_strings("/accounts/id", t.ids);
  w.write_strings("/accounts/handle", t.handle);
  w.write_column("/accounts/n_actions", t.n_actions);
  w.write_column("/accounts/n_renames", t.n_renames);
  w.write_column("/accounts/created_ms", t.created_ms);
  w.write_strings("/accounts/language", t.language);
  w.write_strings("/accounts/location", t.location);
}

void write_handles(Hdf5Writer& w, const std::vector<HandleRow>& rows) {
  std::vector<std::uint64_t> account, n_actions;
  std::vector<std::string> handle;
  std::vector<std::int64_t> first, last;
  for (const auto& r : rows) {
    account.push_back(r.account.value);
    handle.push_back(r.handle);
    first.push_back(r.first_seen_ms);
    last.push_back(r.last_seen_ms);
    n_actions.push_back(r.n_actions);
  }
  w.write_column("/handles/account", account);
  w.write_strings("/handles/handle", handle);
  w.write_column("/handles/first_seen_ms", first);
  w.write_column("/handles/last_seen_ms", last);
  w.write_column("/handles/n_actions", n_actions);
}

// The columns of an undirected edge list under `group` (/edges or /edges_by_layer/LAYER).
void write_edge_columns(Hdf5Writer& w, const std::string& group,
                        const std::vector<CoactionEdge>& edges) {
  auto column = [&](auto field) {
    std::vector<decltype(field(std::declval<const CoactionEdge&>()))> values;
    values.reserve(edges.size());
    for (const auto& e : edges) values.push_back(field(e));
    return values;
  };
  w.write_column(group + "/src", column([](const CoactionEdge& e) { return e.src.value; }));
  w.write_column(group + "/dst", column([](const CoactionEdge& e) { return e.dst.value; }));
  w.write_column(group + "/weight", column([](const CoactionEdge& e) { return e.weight; }));
  w.write_column(group + "/count", column([](const CoactionEdge& e) { return e.count; }));
  w.write_column(group + "/n_keys", column([](const CoactionEdge& e) { return e.n_keys; }));
  w.write_column(group + "/n_fast", column([](const CoactionEdge& e) { return e.n_fast; }));
  w.write_column(group + "/min_delay_s", column([](const CoactionEdge& e) {
                   return static_cast<double>(e.min_delay_ms) / 1000.0;
                 }));
  w.write_column(group + "/mean_delay_s",
                 column([](const CoactionEdge& e) { return e.mean_delay_ms() / 1000.0; }));
  w.write_column(group + "/first_ms", column([](const CoactionEdge& e) { return e.first_ms; }));
  w.write_column(group + "/last_ms", column([](const CoactionEdge& e) { return e.last_ms; }));
  w.write_column(group + "/n_older", column([](const CoactionEdge& e) { return e.n_older; }));
  w.write_column(group + "/n_newer", column([](const CoactionEdge& e) { return e.n_newer; }));
  w.write_column(group + "/symmetry", column([](const CoactionEdge& e) { return e.symmetry(); }));
}

void write_directed_columns(Hdf5Writer& w, const std::string& group,
                            const std::vector<DirectedEdge>& edges) {
  std::vector<std::uint64_t> src, dst, weight;
  for (const auto& e : edges) {
    src.push_back(e.src.value);
    dst.push_back(e.dst.value);
    weight.push_back(e.weight);
  }
  w.write_column(group + "/src", src);
  w.write_column(group + "/dst", dst);
  w.write_column(group + "/weight", weight);
}

void write_projection(Hdf5Writer& w, const Projection& p) {
  std::vector<std::string> layer_names;
  for (const auto& layer : p.layers) {
    const std::string name(layer_name(layer.layer));
    layer_names.push_back(name);
    const std::string group = "/edges_by_layer/" + name;
    if (p.compat == Compat::qut) {
      write_directed_columns(w, group, layer.directed);
    } else {
      write_edge_columns(w, group, layer.edges);
    }
    if (p.compat == Compat::coortweet) {
      std::vector<std::uint8_t> above;
      for (const auto& e : layer.edges) above.push_back(e.weight > layer.weight_threshold ? 1 : 0);
      w.write_column(group + "/weight_threshold", above);
      w.set_attribute(group, "weight_threshold_value", layer.weight_threshold);
    }
    if (layer.layer == Layer::synchrony) {
      w.write_column(group + "/expected_co_bins", layer.expected_co_bins);
    }
    w.set_attribute(group, layer.layer == Layer::synchrony ? "bin_s" : "window_s",
                    static_cast<double>(layer.window_ms) / 1000.0);
    if (layer.weight_quantile > 0) {
      w.set_attribute(group, "weight_quantile_value", layer.weight_quantile);
    }
  }
  const auto& weights =
      p.compat == Compat::qut ? p.fused_directed.layer_weights : p.fused.layer_weights;
  if (p.compat == Compat::qut) {
    write_directed_columns(w, "/edges", p.fused_directed.edges);
  } else {
    write_edge_columns(w, "/edges", p.fused.edges);
    w.write_column("/edges/n_layers", p.fused.n_layers);
  }
  for (std::size_t l = 0; l < p.layers.size(); ++l) {
    w.write_column("/edges/weight_" + layer_names[l], weights[l]);
  }
  w.set_attribute("/edges", "layers", fmt::format("{}", fmt::join(layer_names, ",")));
}

void write_rejects(Hdf5Writer& w, const IngestResult& in, const Comm& comm) {
  const auto counts = in.bad.global_counts(comm);
  std::vector<std::string> reasons;
  std::vector<std::uint64_t> totals;
  if (comm.is_root()) {
    for (const auto& [reason, count] : counts) {
      reasons.push_back(reason);
      totals.push_back(count);
    }
  }
  w.write_strings("/rejects/reason", reasons);
  w.write_column("/rejects/count", totals);

  std::vector<std::uint32_t> file;
  std::vector<std::int64_t> line;
  std::vector<std::string> reason, detail, text;
  std::vector<std::uint8_t> truncated;
  for (const auto& q : in.bad.quarantine()) {
    file.push_back(q.file);
    line.push_back(q.line);
    reason.push_back(q.reason);
    detail.push_back(q.detail);
    text.push_back(q.text);
    truncated.push_back(q.truncated);
  }
  w.write_column("/rejects/records/file", file);
  w.write_column("/rejects/records/line", line);
  w.write_strings("/rejects/records/reason", reason);
  w.write_strings("/rejects/records/detail", detail);
  w.write_strings("/rejects/records/text", text);
  w.write_column("/rejects/records/truncated", truncated);

  std::vector<std::string> paths;
  std::vector<std::uint64_t> sizes;
  if (comm.is_root()) {
    for (const auto& f : in.files) {
      paths.push_back(f.path);
      sizes.push_back(f.size_bytes);
    }
  }
  w.write_strings("/inputs/path", paths);
  w.write_column("/inputs/size_bytes", sizes);
}

}  // namespace

std::string stages_toml(const std::vector<StageReport>& stages) {
  std::string out;
  for (const auto& s : stages) {
    out += fmt::format(
        "[{}]\nseconds_min = {:.6f}\nseconds_max = {:.6f}\nseconds_mean = {:.6f}\n"
        "peak_rss_mib_min = {:.1f}\npeak_rss_mib_max = {:.1f}\npeak_rss_mib_mean = {:.1f}\n",
        s.name, s.seconds.min, s.seconds.max, s.seconds.mean, s.peak_rss_mib.min,
        s.peak_rss_mib.max, s.peak_rss_mib.mean);
    for (const auto& [key, value] : s.counts) out += fmt::format("{} = {}\n", key, value);
  }
  return out;
}

void write_run_attributes(Hdf5Writer& writer, const std::string& config_toml, const Comm& comm) {
  writer.set_attribute("schema", std::string(kSchema));
  writer.set_attribute("version", std::string(kVersion));
  writer.set_attribute("git_sha", std::string(kGitSha));
  writer.set_attribute("created", comm.broadcast(utc_now_iso8601(), 0));
  writer.set_attribute("ranks", static_cast<std::int64_t>(comm.size()));
  writer.set_attribute("config", config_toml);
}

void write_result(const std::string& path, const RunResult& result, const Comm& comm) {
  Hdf5Writer writer(path, comm);
  write_run_attributes(writer, result.config_toml, comm);
  writer.set_attribute("inputs", inputs_toml(result.ingested.files));
  writer.set_attribute("stages", stages_toml(result.stages));
  write_accounts(writer, result.accounts);
  write_handles(writer, result.handles);
  write_projection(writer, result.projection);
  write_rejects(writer, result.ingested, comm);
  write_communities(writer, result.communities, comm);
  write_analysis(writer, result.analysis);
  if (result.flags != nullptr) write_flags(writer, result.projection, *result.flags);
  writer.commit();
}

}  // namespace coordnet
