#include "io/mapped_csv_parser.hpp"

#include <algorithm>
#include <array>
#include <optional>
#include <string_view>
#include <vector>

#include "core/errors.hpp"
#include "io/account_fields.hpp"
#include "io/csv_columns.hpp"
#include "io/timestamp.hpp"

namespace coordnet {

namespace {

constexpr std::string_view kListSuffix = "[]";

struct LayerColumn {
  Layer layer;
  std::size_t column;
  bool is_list;  // mapped as COLUMN[]: blank-separated keys
};

bool is_blank(char c) { return c == ' ' || c == '\t'; }

// The distinct blank-separated items of a list cell, in order of first appearance.
void split_blank_separated(std::string_view cell, std::vector<std::string_view>& items) {
  items.clear();
  std::size_t pos = 0;
  while (pos < cell.size()) {
    while (pos < cell.size() && is_blank(cell[pos])) ++pos;
    const std::size_t start = pos;
    while (pos < cell.size() && !is_blank(cell[pos])) ++pos;
    const auto item = cell.substr(start, pos - start);
    if (!item.empty() && std::find(items.begin(), items.end(), item) == items.end()) {
      items.push_back(item);
    }
  }
}

class MappedCsvParser final : public RecordParser {
 public:
  MappedCsvParser(std::size_t n_columns, std::size_t account, std::size_t time,
                  std::optional<std::size_t> content, std::optional<std::size_t> handle,
                  ProfileColumns profile, std::vector<LayerColumn> layers)
      : n_columns_(n_columns),
        account_(account),
        time_(time),
        content_(content),
        handle_(handle),
        profile_(std::move(profile)),
        layers_(std::move(layers)) {}

  std::optional<Rejection> parse(const RecordView& record, ActionSink& sink) override {
    const auto& f = record.fields;
    if (f.size() != n_columns_) {
      return wrong_field_count(n_columns_, f.size());
    }
    ParsedAction action;
    action.account = f[account_];
    if (action.account.empty()) return Rejection{"missing_account", "account column is empty"};
    const auto t_ms = parse_timestamp(f[time_]);
    if (!t_ms) return Rejection{"bad_timestamp", "time '" + std::string(f[time_]) + "'"};
    action.t_ms = *t_ms;
    action.content = content_ ? f[*content_] : record.raw;
    if (handle_) action.handle = f[*handle_];
    if (auto rejection = read_profile(f, profile_, action)) return rejection;
    for (const auto& [layer, column, is_list] : layers_) {
      if (f[column].empty()) continue;
      action.layer = layer;
      if (!is_list) {
        action.key = f[column];
        sink.emit(action);
        continue;
      }
      split_blank_separated(f[column], items_);
      for (const auto item : items_) {
        action.key = item;
        sink.emit(action);
      }
    }
    return std::nullopt;
  }

 private:
  std::size_t n_columns_, account_, time_;
  std::optional<std::size_t> content_, handle_;
  ProfileColumns profile_;
  std::vector<LayerColumn> layers_;
  std::vector<std::string_view> items_;
};

}  // namespace

ColumnMap parse_column_map(std::string_view text) {
  ColumnMap map;
  while (!text.empty()) {
    const auto comma = text.find(',');
    const auto item = text.substr(0, comma);
    text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
    const auto eq = item.find('=');
    if (eq == std::string_view::npos || eq == 0 || eq + 1 == item.size()) {
      throw UsageError("--map: '" + std::string(item) + "' is not role=column");
    }
    const auto role = item.substr(0, eq);
    constexpr std::array<std::string_view, 7> kRoles = {"account", "time",     "content", "handle",
                                                        "created", "language", "location"};
    if (std::find(kRoles.begin(), kRoles.end(), role) == kRoles.end() && !parse_layer(role)) {
      throw UsageError("--map: unknown role '" + std::string(role) +
                       "' (account, time, content, handle, created, language, location or a "
                       "layer name)");
    }
    const auto column = item.substr(eq + 1);
    if (column.ends_with(kListSuffix) && !parse_layer(role)) {
      throw UsageError("--map: '" + std::string(item) + "': only a layer column can be a list");
    }
    if (column == kListSuffix) {
      throw UsageError("--map: '" + std::string(item) + "' names no column");
    }
    map.emplace_back(std::string(role), std::string(column));
  }
  auto has = [&](auto&& wanted) {
    return std::any_of(map.begin(), map.end(), [&](const auto& m) { return wanted(m.first); });
  };
  if (!has([](const std::string& r) { return r == "account"; }) ||
      !has([](const std::string& r) { return r == "time"; })) {
    throw UsageError("--map needs the roles account and time");
  }
  if (!has([](const std::string& r) { return parse_layer(r).has_value(); })) {
    throw UsageError("--map names no layer column (e.g. url=url_id)");
  }
  return map;
}

std::unique_ptr<RecordParser> make_mapped_csv_parser(std::span<const std::string_view> header,
                                                     const ColumnMap& map) {
  const CsvColumns columns(header);
  std::optional<std::size_t> account, time, content, handle;
  ProfileColumns profile;
  std::vector<LayerColumn> layers;
  std::string missing;
  for (const auto& [role, mapped] : map) {
    const bool is_list = std::string_view(mapped).ends_with(kListSuffix);
    const std::string column =
        is_list ? mapped.substr(0, mapped.size() - kListSuffix.size()) : mapped;
    const auto index = columns.find(column);
    if (!index) {
      missing += (missing.empty() ? "" : ", ") + column;
      continue;
    }
    if (role == "account")
      account = index;
    else if (role == "time")
      time = index;
    else if (role == "content")
      content = index;
    else if (role == "handle")
      handle = index;
    else if (role == "created")
      profile.created = ProfileColumn{*index, column};
    else if (role == "language")
      profile.language = ProfileColumn{*index, column};
    else if (role == "location")
      profile.location = ProfileColumn{*index, column};
    else
      layers.push_back({*parse_layer(role), *index, is_list});
  }
  if (!missing.empty()) throw DataError("--map: header lacks column(s) " + missing);
  return std::make_unique<MappedCsvParser>(columns.size(), *account, *time, content, handle,
                                           std::move(profile), std::move(layers));
}

}  // namespace coordnet
