#include "io/qut_csv_parser.hpp"

#include <algorithm>
#include <array>
#include <vector>

#include "io/csv_columns.hpp"
#include "io/timestamp.hpp"

namespace coordnet {

namespace {

constexpr std::array<std::string_view, 8> kColumns = {
    "message_id", "user_id", "username", "repost_id", "reply_id", "message", "timestamp", "urls"};

class QutCsvParser final : public RecordParser {
 public:
  explicit QutCsvParser(const CsvColumns& columns)
      : n_columns_(columns.size()),
        message_(columns.index("message_id")),
        text_(columns.index("message")),
        user_(columns.index("user_id")),
        username_(columns.index("username")),
        repost_(columns.index("repost_id")),
        reply_(columns.index("reply_id")),
        time_(columns.index("timestamp")),
        urls_(columns.index("urls")) {}

  std::optional<Rejection> parse(const RecordView& record, ActionSink& sink) override {
    const auto& f = record.fields;
    if (f.size() != n_columns_) {
      return wrong_field_count(n_columns_, f.size());
    }
    ParsedAction action;
    action.account = f[user_];
    action.handle = f[username_];
    action.content = f[message_];
    if (action.account.empty()) return Rejection{"missing_account", "user_id is empty"};
    const auto t_ms = parse_timestamp(f[time_]);
    if (!t_ms) return Rejection{"bad_timestamp", "timestamp '" + std::string(f[time_]) + "'"};
    action.t_ms = *t_ms;
    if (!f[repost_].empty()) emit(sink, action, Layer::retweet, f[repost_]);
    if (!f[reply_].empty()) emit(sink, action, Layer::reply, f[reply_]);
    split_urls(f[urls_]);
    for (auto url : urls_seen_) emit(sink, action, Layer::url, url);
    if (f[repost_].empty() && !f[text_].empty()) {
      emit(sink, action, Layer::text, f[text_]);  // co-tweet: original posts only
      emit(sink, action, Layer::near_text, f[text_]);
    }
    return std::nullopt;
  }

 private:
  static void emit(ActionSink& sink, ParsedAction action, Layer layer, std::string_view key) {
    action.layer = layer;
    action.key = key;
    sink.emit(action);
  }

  void split_urls(std::string_view urls) {
    urls_seen_.clear();
    std::size_t pos = 0;
    while (pos < urls.size()) {
      const std::size_t space = std::min(urls.find(' ', pos), urls.size());
      const auto url = urls.substr(pos, space - pos);
      if (!url.empty() &&
          std::find(urls_seen_.begin(), urls_seen_.end(), url) == urls_seen_.end()) {
        urls_seen_.push_back(url);
      }
      pos = space + 1;
    }
  }

  std::size_t n_columns_, message_, text_, user_, username_, repost_, reply_, time_, urls_;
  std::vector<std::string_view> urls_seen_;
};

}  // namespace

bool looks_like_qut_header(std::span<const std::string_view> header) {
  return CsvColumns(header).has_all(kColumns);
}

std::unique_ptr<RecordParser> make_qut_csv_parser(std::span<const std::string_view> header) {
  const CsvColumns columns(header);
  columns.require_all("QUT CSV", kColumns);
  return std::make_unique<QutCsvParser>(columns);
}

}  // namespace coordnet
