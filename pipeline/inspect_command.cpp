#include "pipeline/inspect_command.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <sstream>

#include "core/ids.hpp"
#include "pipeline/community_edges.hpp"
#include "pipeline/community_selection.hpp"
#include "pipeline/root_only.hpp"

namespace coordnet {

namespace {

// Milliseconds since the epoch as UTC ISO-8601 (with .mmm only when not whole seconds).
std::string utc_time(std::int64_t ms) {
  const auto seconds = static_cast<std::time_t>(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char text[32];
  std::strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%S", &tm);
  const auto rest = ms - static_cast<std::int64_t>(seconds) * 1000;
  return rest == 0 ? fmt::format("{}Z", text) : fmt::format("{}.{:03}Z", text, rest);
}

// A field for a person: times (integer columns named *_ms) in UTC (`unknown` for kUnknownTime),
// everything else as stored.
std::string shown(const Field& f) {
  const bool is_time = f.name.size() > 3 && f.name.ends_with("_ms") && f.kind == ValueKind::int64;
  if (!is_time) return f.text;
  const auto ms = std::stoll(f.text);
  return ms == kUnknownTime ? "unknown" : utc_time(ms);
}

const Field* field_named(const std::vector<Field>& fields, const std::string& name) {
  const auto it =
      std::find_if(fields.begin(), fields.end(), [&](const Field& f) { return f.name == name; });
  return it == fields.end() ? nullptr : &*it;
}

// `name value` pairs joined by ", ", wrapped at 100 columns with `indent`.
std::string wrapped(const std::vector<std::string>& parts, const std::string& indent) {
  std::string out, line = indent;
  for (const auto& part : parts) {
    if (line.size() > indent.size() && line.size() + part.size() + 2 > 100) {
      out += line + ",\n";
      line = indent;
    } else if (line.size() > indent.size()) {
      line += ", ";
    }
    line += part;
  }
  return line.size() > indent.size() ? out + line + "\n" : out;
}

// `layer key: N accounts, M actions, first .. last`, then any other evidence columns.
std::string evidence_line(const std::vector<Field>& row) {
  const auto text = [&](const char* name) {
    const auto* f = field_named(row, name);
    return f != nullptr ? shown(*f) : std::string();
  };
  std::string what = text("layer");
  if (const auto key = text("key"); !key.empty()) what += (what.empty() ? "" : " ") + key;
  std::vector<std::string> parts;
  for (const char* counted : {"n_accounts", "n_actions"}) {
    if (field_named(row, counted)) parts.push_back(text(counted) + " " + (counted + 2));
  }
  if (field_named(row, "first_ms") && field_named(row, "last_ms")) {
    parts.push_back(text("first_ms") + " .. " + text("last_ms"));
  }
  for (const auto& f : row) {
    const bool known = f.name == "layer" || f.name == "key" || f.name == "n_accounts" ||
                       f.name == "n_actions" || f.name == "first_ms" || f.name == "last_ms";
    if (!known) parts.push_back(f.name + " " + shown(f));
  }
  return wrapped({what + ": " + fmt::format("{}", fmt::join(parts, ", "))}, "    ");
}

std::string format_members(const CommunityDetail& c) {
  if (c.members.empty()) return "";
  std::vector<std::string> names;
  for (const auto& f : c.members.front().fields) names.push_back(f.name);
  std::vector<std::size_t> width(names.size());
  for (std::size_t k = 0; k < names.size(); ++k) width[k] = names[k].size();
  for (const auto& m : c.members) {
    for (std::size_t k = 0; k < m.fields.size(); ++k) {
      width[k] = std::max(width[k], shown(m.fields[k]).size());
    }
  }
  const auto row = [&](const auto& text_of) {
    std::string line = "   ";
    for (std::size_t k = 0; k < names.size(); ++k)
      line += " " + fmt::format("{:<{}}", text_of(k), width[k]);
    while (!line.empty() && line.back() == ' ') line.pop_back();
    return line + "\n";
  };
  std::string out = fmt::format("  members ({} of {}):\n", c.members.size(), c.member_rows);
  out += row([&](std::size_t k) { return names[k]; });
  for (const auto& m : c.members) {
    out += row([&](std::size_t k) { return shown(m.fields[k]); });
    if (m.handles.size() > 1) {
      std::vector<std::string> spans;
      for (const auto& h : m.handles) {
        spans.push_back(fmt::format("{} ({} .. {})", h.handle, utc_time(h.first_seen_ms),
                                    utc_time(h.last_seen_ms)));
      }
      out += "      handles: " + fmt::format("{}", fmt::join(spans, " -> ")) + "\n";
    }
  }
  return out;
}

std::string account_name(const Hdf5Reader& file, const ResultTables& tables, std::uint64_t row) {
  return tables.has_account_ids ? file.read_strings("/accounts/id", row, 1).front()
                                : std::to_string(row);
}

// `a - b (weight w)`, then one line per key that binds the pair.
std::string format_edges(const Hdf5Reader& file, const ResultTables& tables,
                         const StrongestEdges& strongest) {
  if (strongest.edges.empty()) return "";
  std::string out = fmt::format("  strongest edges ({} of {}), with the keys that bind them:\n",
                                strongest.edges.size(), strongest.internal_edges);
  for (const auto& e : strongest.edges) {
    out += fmt::format("    {} - {} (weight {})\n", account_name(file, tables, e.src),
                       account_name(file, tables, e.dst), e.weight);
    for (const auto& k : e.keys) {
      out += fmt::format("      {} {}: {} co-actions, {} .. {}\n", k.layer, k.key, k.n_coactions,
                         utc_time(k.first_ms), utc_time(k.last_ms));
    }
  }
  return out;
}

}  // namespace

std::string format_run_summary(const RunSummary& run) {
  std::string out = fmt::format("result: {}\n", run.path);
  std::vector<std::string> about;
  for (const auto& a : run.attributes) about.push_back(a.name + " " + a.text);
  out += wrapped(about, "  ");
  out += "\ninputs\n";
  for (const auto& i : run.inputs) out += fmt::format("  {}  {} bytes\n", i.name, i.count);
  if (run.inputs.empty()) out += "  (none recorded)\n";
  out += "\nparameters\n";
  // The file's configuration holds every subcommand's options; the producing command's count.
  const bool clustered = std::any_of(run.stages.begin(), run.stages.end(),
                                     [](const auto& s) { return s.name == "read"; });
  const std::string prefix = clustered ? "cluster." : "run.";
  std::stringstream config(run.config);
  for (std::string line; std::getline(config, line);) {
    const auto eq = line.find('=');
    if (!line.starts_with(prefix) || eq == std::string::npos || line.substr(eq + 1) == "\"\"") {
      continue;
    }
    out += fmt::format("  {} = {}\n", line.substr(prefix.size(), eq - prefix.size()),
                       line.substr(eq + 1));
  }
  out += "\ncounts\n";
  for (const auto& c : run.counts) out += fmt::format("  {:<20} {}\n", c.name, c.count);
  if (!run.layers.empty())
    out += fmt::format("  {:<20} {}\n", "layers", fmt::join(run.layers, ","));
  out += "\nrejects\n";
  for (const auto& r : run.rejects) out += fmt::format("  {:<20} {}\n", r.name, r.count);
  if (run.rejects.empty()) out += "  (none)\n";
  out += fmt::format("\n{:<22} {:>9} {:>9}  counts\n", "stages", "seconds", "peak MiB");
  for (const auto& s : run.stages) {
    std::string seconds = "-", memory = "-";
    std::vector<std::string> counts;
    for (const auto& [key, value] : s.values) {
      if (key == "seconds_max")
        seconds = value;
      else if (key == "peak_rss_mib_max")
        memory = value;
      else if (!key.starts_with("seconds_") && !key.starts_with("peak_rss_mib_")) {
        counts.push_back(key + " " + value);
      }
    }
    out +=
        fmt::format("  {:<20} {:>9} {:>9}  {}\n", s.name, seconds, memory, fmt::join(counts, ", "));
  }
  return out;
}

std::string format_community(const CommunityDetail& c) {
  std::string out = fmt::format("\ncommunity {}", c.id);
  if (const auto* size = field_named(c.features, "size")) out += ": " + size->text + " accounts";
  std::vector<std::string> heading, features;
  for (const auto& f : c.features) {
    if (f.name == "size") continue;
    if (f.name == "rank" || f.name == "score") {
      heading.push_back(f.name + " " + f.text);
    } else if (f.name == "flagged") {
      if (f.text != "0") heading.push_back("flagged");
    } else {
      features.push_back(f.name + " " + shown(f));
    }
  }
  if (!heading.empty()) out += fmt::format(" ({})", fmt::join(heading, ", "));
  out += "\n" + wrapped(features, "    ");
  if (!c.evidence.empty()) {
    out += fmt::format("  evidence ({} of {}):\n", c.evidence.size(), c.evidence_rows);
    for (const auto& row : c.evidence) out += evidence_line(row);
  }
  return out + format_members(c);
}

void add_inspect_command(CLI::App& app, InspectCommand& command) {
  auto* i =
      app.add_subcommand("inspect",
                         "Summarise a result in the terminal: run, counts, rejects, timings, top "
                         "communities with features and evidence (docs/exports.md)");
  command.app = i;
  i->add_option("result", command.result, "Result HDF5 file of coordnet run")->required();
  i->add_option_function<std::uint64_t>(
      "--community", [&command](const std::uint64_t& id) { command.community = id; },
      "Show this community with its members");
  i->add_option("--top", command.top, "Communities shown (by rank, else score, else size)")
      ->capture_default_str();
  i->add_option("--max-evidence", command.max_evidence, "Evidence rows shown per community")
      ->capture_default_str();
  i->add_option("--max-members", command.max_members, "Members shown with --community")
      ->capture_default_str();
  i->add_option("--max-edges", command.max_edges,
                "Strongest internal edges shown with --community, with their binding keys")
      ->capture_default_str();
  // Not run parameters: kept out of the configuration a run writes into its result.
  for (auto* option : i->get_options()) option->configurable(false);
}

void run_inspect(const InspectCommand& command, const Comm& comm) {
  run_on_root(comm, [&] {
    const Hdf5Reader file(command.result);
    const auto tables = read_result_tables(file);
    std::string out;
    if (command.community) {
      CommunityFilter filter;
      filter.ids = {*command.community};
      const auto selected = select_communities(file, tables, filter);
      for (const auto& c : read_community_details(file, tables, selected.ids, command.max_evidence,
                                                  command.max_members)) {
        out += format_community(c);
        out +=
            format_edges(file, tables, read_strongest_edges(file, tables, c.id, command.max_edges));
      }
    } else {
      out = format_run_summary(read_run_summary(file, tables));
      CommunityFilter filter;
      filter.top = command.top;
      const auto selected = select_communities(file, tables, filter);
      out += fmt::format("\ntop {} communities by {}\n", selected.ids.size(), selected.order);
      for (const auto& c :
           read_community_details(file, tables, selected.ids, command.max_evidence, 0)) {
        out += format_community(c);
      }
    }
    std::fputs(out.c_str(), stdout);
    std::fflush(stdout);
  });
}

}  // namespace coordnet
