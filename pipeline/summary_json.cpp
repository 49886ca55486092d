#include "pipeline/summary_json.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cstdlib>

#include "io/text_escape.hpp"

namespace coordnet {

namespace {

std::string json_value(const Field& f) {
  if (f.kind == ValueKind::text) return json_string(f.text);
  if (f.kind == ValueKind::float64) return json_number(std::strtod(f.text.c_str(), nullptr));
  return f.text;
}

// A TOML value as written by coordnet (numbers, booleans, basic strings) as JSON.
std::string toml_value_json(const std::string& raw) {
  if (raw == "true" || raw == "false") return raw;
  if (raw.size() >= 2 && raw.front() == '"' && raw.back() == '"') {
    std::string text;
    for (std::size_t i = 1; i + 1 < raw.size(); ++i) {
      if (raw[i] == '\\' && i + 2 < raw.size()) ++i;
      text += raw[i];
    }
    return json_string(text);
  }
  char* end = nullptr;
  const double number = std::strtod(raw.c_str(), &end);
  if (!raw.empty() && end == raw.c_str() + raw.size()) return json_number(number);
  return json_string(raw);
}

template <class Range, class Format>
std::string json_list(const Range& items, Format format, const char* open, const char* close,
                      const std::string& indent) {
  std::string out = open;
  bool first = true;
  for (const auto& item : items) {
    out += (first ? "\n" : ",\n") + indent + "  " + format(item);
    first = false;
  }
  return out + (first ? "" : "\n" + indent) + close;
}

std::string fields_object(const std::vector<Field>& fields, const std::string& indent) {
  return json_list(
      fields, [](const Field& f) { return json_string(f.name) + ": " + json_value(f); }, "{", "}",
      indent);
}

std::string community_json(const CommunityDetail& c) {
  std::string out = "{\n      \"id\": " + std::to_string(c.id);
  for (const auto& f : c.features) out += ",\n      " + json_string(f.name) + ": " + json_value(f);
  out += fmt::format(",\n      \"evidence_rows\": {}", c.evidence_rows);
  out += ",\n      \"evidence\": " +
         json_list(
             c.evidence, [](const auto& row) { return fields_object(row, "        "); }, "[", "]",
             "      ");
  return out + "\n    }";
}

}  // namespace

std::string format_summary_json(const RunSummary& run, const CommunityFilter& filter,
                                const SelectedCommunities& selection,
                                const std::vector<CommunityDetail>& listed) {
  std::string out = "{\n  \"file\": " + json_string(run.path);
  for (const auto& a : run.attributes) out += ",\n  " + json_string(a.name) + ": " + json_value(a);
  out += ",\n  \"config\": " + json_string(run.config);
  out += ",\n  \"inputs\": " + json_list(
                                   run.inputs,
                                   [](const CountRow& r) {
                                     return fmt::format("{{\"path\": {}, \"size_bytes\": {}}}",
                                                        json_string(r.name), r.count);
                                   },
                                   "[", "]", "  ");
  const auto count_entry = [](const CountRow& r) {
    return fmt::format("{}: {}", json_string(r.name), r.count);
  };
  out += ",\n  \"counts\": " + json_list(run.counts, count_entry, "{", "}", "  ");
  out += ",\n  \"layers\": " +
         json_list(
             run.layers, [](const std::string& l) { return json_string(l); }, "[", "]", "  ");
  out += ",\n  \"rejects\": " + json_list(run.rejects, count_entry, "{", "}", "  ");
  out += ",\n  \"stages\": " + json_list(
                                   run.stages,
                                   [](const TomlTable& t) {
                                     return json_string(t.name) + ": " +
                                            json_list(
                                                t.values,
                                                [](const auto& kv) {
                                                  return json_string(kv.first) + ": " +
                                                         toml_value_json(kv.second);
                                                },
                                                "{", "}", "    ");
                                   },
                                   "{", "}", "  ");
  out += fmt::format(
      ",\n  \"selection\": {{\"flagged_only\": {}, \"min_score\": {}, \"top\": {}, "
      "\"communities\": [{}], \"order\": {}, \"selected\": {}, \"listed\": {}}}",
      filter.flagged_only, filter.min_score ? json_number(*filter.min_score) : "null",
      filter.top ? std::to_string(*filter.top) : "null", fmt::join(filter.ids, ", "),
      json_string(selection.order), selection.ids.size(), listed.size());
  out += ",\n  \"communities\": " + json_list(listed, community_json, "[", "]", "  ");
  return out + "\n}\n";
}

}  // namespace coordnet
