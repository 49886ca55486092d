#include "io/events_csv_parser.hpp"

#include <array>

#include "io/account_fields.hpp"
#include "io/csv_columns.hpp"
#include "io/timestamp.hpp"

namespace coordnet {

namespace {

constexpr std::array<std::string_view, 4> kRequired = {"object_id", "account_id", "content_id",
                                                       "timestamp_share"};

class EventsCsvParser final : public RecordParser {
 public:
  explicit EventsCsvParser(const CsvColumns& columns)
      : n_columns_(columns.size()),
        object_(columns.index("object_id")),
        account_(columns.index("account_id")),
        content_(columns.index("content_id")),
        time_(columns.index("timestamp_share")),
        layer_(columns.find("layer")),
        handle_(columns.find("handle")) {
    const auto profile_column = [&](const char* name) -> std::optional<ProfileColumn> {
      const auto position = columns.find(name);
      if (!position) return std::nullopt;
      return ProfileColumn{*position, name};
    };
    profile_.created = profile_column("account_created");
    profile_.language = profile_column("language");
    profile_.location = profile_column("location");
  }

  std::optional<Rejection> parse(const RecordView& record, ActionSink& sink) override {
    const auto& f = record.fields;
    if (f.size() != n_columns_) {
      return wrong_field_count(n_columns_, f.size());
    }
    ParsedAction action;
    action.key = f[object_];
    action.account = f[account_];
    action.content = f[content_];
    if (action.account.empty()) return Rejection{"missing_account", "account_id is empty"};
    if (action.key.empty()) return Rejection{"missing_key", "object_id is empty"};
    const auto t_ms = parse_timestamp(f[time_]);
    if (!t_ms) return Rejection{"bad_timestamp", "timestamp_share '" + std::string(f[time_]) + "'"};
    action.t_ms = *t_ms;
    if (layer_ && !f[*layer_].empty()) {
      const auto layer = parse_layer(f[*layer_]);
      if (!layer) return Rejection{"unknown_layer", "layer '" + std::string(f[*layer_]) + "'"};
      action.layer = *layer;
    }
    if (handle_) action.handle = f[*handle_];
    if (auto rejection = read_profile(f, profile_, action)) return rejection;
    sink.emit(action);
    return std::nullopt;
  }

 private:
  std::size_t n_columns_, object_, account_, content_, time_;
  std::optional<std::size_t> layer_, handle_;
  ProfileColumns profile_;
};

}  // namespace

bool looks_like_events_header(std::span<const std::string_view> header) {
  return CsvColumns(header).has_all(kRequired);
}

std::unique_ptr<RecordParser> make_events_csv_parser(std::span<const std::string_view> header) {
  const CsvColumns columns(header);
  columns.require_all("events CSV", kRequired);
  return std::make_unique<EventsCsvParser>(columns);
}

}  // namespace coordnet
