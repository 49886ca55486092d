#include "io/io_archive_parser.hpp"

#include <algorithm>
#include <array>
#include <cassert>
#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/errors.hpp"
#include "io/account_fields.hpp"
#include "io/timestamp.hpp"

namespace coordnet {

namespace {

// The columns this reader uses; the first kRequiredColumns must be in the header.
enum class Column : std::size_t {
  tweetid,
  userid,
  tweet_time,
  user_screen_name,
  is_retweet,
  retweet_tweetid,
  in_reply_to_tweetid,
  quoted_tweet_tweetid,
  hashtags,
  urls,
  user_mentions,
  tweet_text,
  account_creation_date,
  tweet_language,
  user_reported_location,
};
constexpr std::array<std::string_view, 15> kColumnNames = {"tweetid",
                                                           "userid",
                                                           "tweet_time",
                                                           "user_screen_name",
                                                           "is_retweet",
                                                           "retweet_tweetid",
                                                           "in_reply_to_tweetid",
                                                           "quoted_tweet_tweetid",
                                                           "hashtags",
                                                           "urls",
                                                           "user_mentions",
                                                           "tweet_text",
                                                           "account_creation_date",
                                                           "tweet_language",
                                                           "user_reported_location"};
constexpr std::size_t kRequiredColumns = 3;
constexpr std::size_t kNotInHeader = static_cast<std::size_t>(-1);

// Above 2^53 a double no longer holds every integer: a float-formatted id there may be rounded.
constexpr std::uint64_t kLargestExactDouble = 1ULL << 53;

constexpr std::size_t kDetailMaxChars = 80;

using ColumnIndex = std::array<std::size_t, kColumnNames.size()>;

constexpr std::string_view column_name(Column column) {
  return kColumnNames[static_cast<std::size_t>(column)];
}

std::string_view trim(std::string_view text) {
  constexpr std::string_view kSpace = " \t\r\n";
  const std::size_t first = text.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(kSpace) - first + 1);
}

std::string_view header_name(std::string_view name) {
  constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";
  if (name.starts_with(kUtf8Bom)) name.remove_prefix(kUtf8Bom.size());
  return trim(name);
}

// Position of each used column in the header (the first one when a name repeats).
ColumnIndex index_columns(std::span<const std::string_view> header) {
  ColumnIndex index;
  index.fill(kNotInHeader);
  for (std::size_t position = 0; position < header.size(); ++position) {
    const auto name =
        std::find(kColumnNames.begin(), kColumnNames.end(), header_name(header[position]));
    if (name == kColumnNames.end()) continue;
    std::size_t& slot = index[static_cast<std::size_t>(name - kColumnNames.begin())];
    if (slot == kNotInHeader) slot = position;
  }
  return index;
}

std::string missing_required_columns(const ColumnIndex& index) {
  std::string missing;
  for (std::size_t c = 0; c < kRequiredColumns; ++c) {
    if (index[c] != kNotInHeader) continue;
    if (!missing.empty()) missing += ", ";
    missing += kColumnNames[c];
  }
  return missing;
}

// Empty cells and the spellings pandas and Python give a missing value.
bool is_missing_value(std::string_view text) {
  return text.empty() || text == "nan" || text == "NaN" || text == "None";
}

std::optional<std::uint64_t> parse_decimal_u64(std::string_view digits) {
  if (digits.empty()) return std::nullopt;
  std::uint64_t value = 0;
  const char* end = digits.data() + digits.size();
  const auto [stop, error] = std::from_chars(digits.data(), end, value);
  if (error != std::errc() || stop != end) return std::nullopt;
  return value;
}

// A tweet id is plain decimal digits that fit 64 bits; "7.8e17" or "780000000000000000.0" is not.
std::optional<std::uint64_t> parse_tweet_id(std::string_view text) {
  if (text.empty() || text.front() < '0' || text.front() > '9') return std::nullopt;
  return parse_decimal_u64(text);
}

// A referenced tweet id: missing, plain digits, or digits with a zero fraction ("123.0", as
// pandas writes an integer column holding NaN) when the value is small enough to have survived
// the double exactly. Returns false when malformed; `key` is empty when the id is missing.
bool parse_referenced_id(std::string_view text, std::string_view& key) {
  key = {};
  if (is_missing_value(text)) return true;
  const std::size_t dot = text.find('.');
  const std::string_view digits = text.substr(0, dot);
  const auto value = parse_tweet_id(digits);
  if (!value) return false;
  if (dot != std::string_view::npos) {
    const std::string_view fraction = text.substr(dot + 1);
    if (fraction.empty() || fraction.find_first_not_of('0') != std::string_view::npos) return false;
    if (*value > kLargestExactDouble) return false;
  }
  key = digits;
  return true;
}

enum class Flag { no, yes, unknown, invalid };

Flag parse_flag(std::string_view text) {
  if (is_missing_value(text)) return Flag::unknown;
  if (text == "True" || text == "true" || text == "TRUE" || text == "1") return Flag::yes;
  if (text == "False" || text == "false" || text == "FALSE" || text == "0") return Flag::no;
  return Flag::invalid;
}

bool is_quote(char c) { return c == '\'' || c == '"'; }

bool has_ascii_upper(std::string_view text) {
  return std::any_of(text.begin(), text.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

Rejection reject(std::string_view reason, std::string_view what, std::string_view value) {
  std::string detail(what);
  detail += " '";
  detail += value.substr(0, kDetailMaxChars);
  if (value.size() > kDetailMaxChars) detail += "...";
  detail += "'";
  return Rejection{std::string(reason), std::move(detail)};
}

// Bytes written while parsing one record (unescaped list items, lower-cased hashtags). The
// buffer is reserved up front for the whole record, so the views it hands out stay valid
// until the next reset().
class Scratch {
 public:
  void reset(std::size_t capacity) {
    bytes_.clear();
    bytes_.reserve(capacity);
  }

  // Python repr escapes: \\, \' and \" become the character; other escapes are kept verbatim.
  std::string_view append_unescaped(std::string_view text) {
    const std::size_t start = begin_append(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
      const bool escape =
          text[i] == '\\' && i + 1 < text.size() && (text[i + 1] == '\\' || is_quote(text[i + 1]));
      if (escape) ++i;
      bytes_.push_back(text[i]);
    }
    return view_from(start);
  }

  // ASCII letters lower-cased; bytes above 0x7F (UTF-8) kept as they are.
  std::string_view append_lowercased(std::string_view text) {
    const std::size_t start = begin_append(text.size());
    for (const char c : text) {
      bytes_.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c);
    }
    return view_from(start);
  }

 private:
  std::size_t begin_append([[maybe_unused]] std::size_t size) const {
    assert(bytes_.size() + size <= bytes_.capacity() && "Scratch would reallocate");
    return bytes_.size();
  }
  std::string_view view_from(std::size_t start) const {
    return std::string_view(bytes_).substr(start);
  }

  std::string bytes_;
};

// Reads one item of a Python list that starts with a quote at text[pos]; moves pos past the
// closing quote. Returns false when the quote is not closed.
bool read_quoted_item(std::string_view text, std::size_t& pos, Scratch& scratch,
                      std::string_view& item) {
  const char quote = text[pos];
  const std::size_t start = pos + 1;
  bool has_escape = false;
  for (std::size_t i = start; i < text.size(); ++i) {
    if (text[i] == '\\') {
      has_escape = true;
      ++i;
      continue;
    }
    if (text[i] != quote) continue;
    item = text.substr(start, i - start);
    if (has_escape) item = scratch.append_unescaped(item);
    pos = i + 1;
    return true;
  }
  return false;
}

// Reads one unquoted item, up to the next comma; pos is left on the comma or at the end.
bool read_bare_item(std::string_view text, std::size_t& pos, std::string_view& item) {
  const std::size_t comma = std::min(text.find(',', pos), text.size());
  item = trim(text.substr(pos, comma - pos));
  pos = comma;
  return !item.empty();
}

std::size_t skip_spaces(std::string_view text, std::size_t pos) {
  while (pos < text.size() && (text[pos] == ' ' || text[pos] == '\t')) ++pos;
  return pos;
}

// "['a', "b"]" or "[a, b]": items separated by commas, each quoted with ' or " or bare.
bool split_bracketed_list(std::string_view body, Scratch& scratch,
                          std::vector<std::string_view>& items) {
  std::size_t pos = skip_spaces(body, 0);
  if (pos == body.size()) return true;
  while (true) {
    pos = skip_spaces(body, pos);
    if (pos == body.size()) return false;
    std::string_view item;
    const bool ok = is_quote(body[pos]) ? read_quoted_item(body, pos, scratch, item)
                                        : read_bare_item(body, pos, item);
    if (!ok) return false;
    items.push_back(item);
    pos = skip_spaces(body, pos);
    if (pos == body.size()) return true;
    if (body[pos] != ',') return false;
    ++pos;
  }
}

// A list field of the archive: "['a', 'b']", "[]", empty, or a bare value ("a" or "'a'").
// Returns false when malformed.
bool split_list_field(std::string_view field, Scratch& scratch,
                      std::vector<std::string_view>& items) {
  items.clear();
  field = trim(field);
  if (is_missing_value(field)) return true;
  if (field.front() == '[') {
    if (field.size() < 2 || field.back() != ']') return false;
    return split_bracketed_list(field.substr(1, field.size() - 2), scratch, items);
  }
  if (!is_quote(field.front())) {
    items.push_back(field);
    return true;
  }
  std::size_t pos = 0;
  std::string_view item;
  if (!read_quoted_item(field, pos, scratch, item) || pos != field.size()) return false;
  items.push_back(item);
  return true;
}

void add_distinct(std::vector<std::string_view>& keys, std::string_view key) {
  if (key.empty() || std::find(keys.begin(), keys.end(), key) != keys.end()) return;
  keys.push_back(key);
}

class IoArchiveParser final : public RecordParser {
 public:
  IoArchiveParser(const ColumnIndex& columns, std::size_t field_count)
      : columns_(columns), field_count_(field_count) {
    const auto profile_column = [&](Column column) -> std::optional<ProfileColumn> {
      const std::size_t position = columns_[static_cast<std::size_t>(column)];
      if (position == kNotInHeader) return std::nullopt;
      return ProfileColumn{position, std::string(column_name(column))};
    };
    profile_.created = profile_column(Column::account_creation_date);
    profile_.language = profile_column(Column::tweet_language);
    profile_.location = profile_column(Column::user_reported_location);
  }

  std::optional<Rejection> parse(const RecordView& record, ActionSink& sink) override {
    if (auto rejection = read_record(record.fields)) return rejection;
    emit_actions(sink);
    return std::nullopt;
  }

 private:
  // What one record yields; views into the record's fields or into scratch_.
  struct Tweet {
    std::string_view tweet_id;
    std::string_view account;
    std::string_view handle;
    TimeMs t_ms = 0;
    std::string_view retweeted_id;
    std::string_view replied_id;
    std::string_view quoted_id;
    std::string_view text;
  };

  std::string_view field(std::span<const std::string_view> fields, Column column) const {
    const std::size_t position = columns_[static_cast<std::size_t>(column)];
    return position == kNotInHeader ? std::string_view{} : fields[position];
  }

  std::optional<Rejection> read_record(std::span<const std::string_view> fields) {
    if (fields.size() != field_count_) {
      return wrong_field_count(field_count_, fields.size());
    }
    if (auto rejection = read_identity_and_time(fields)) return rejection;
    if (auto rejection = read_references(fields)) return rejection;
    if (auto rejection = read_profile(fields, profile_, profile_fields_)) return rejection;
    return read_lists(fields);
  }

  std::optional<Rejection> read_identity_and_time(std::span<const std::string_view> fields) {
    tweet_.account = trim(field(fields, Column::userid));
    if (tweet_.account.empty()) return Rejection{"missing_account", "empty userid"};
    tweet_.handle = trim(field(fields, Column::user_screen_name));
    tweet_.tweet_id = trim(field(fields, Column::tweetid));
    tweet_.text = field(fields, Column::tweet_text);
    const auto id = parse_tweet_id(tweet_.tweet_id);
    if (!id) return reject("bad_id", "tweetid", tweet_.tweet_id);
    const std::string_view tweet_time = trim(field(fields, Column::tweet_time));
    const auto t_ms = is_snowflake(*id) ? snowflake_time_ms(*id) : parse_iso8601(tweet_time);
    if (!t_ms) return reject("bad_timestamp", "tweet_time", tweet_time);
    tweet_.t_ms = *t_ms;
    return std::nullopt;
  }

  std::optional<Rejection> read_reference(std::span<const std::string_view> fields, Column column,
                                          std::string_view& key) const {
    const std::string_view text = trim(field(fields, column));
    if (parse_referenced_id(text, key)) return std::nullopt;
    return reject("bad_id", column_name(column), text);
  }

  std::optional<Rejection> read_references(std::span<const std::string_view> fields) {
    std::string_view retweeted;
    if (auto rejection = read_reference(fields, Column::retweet_tweetid, retweeted)) {
      return rejection;
    }
    if (auto rejection = read_reference(fields, Column::in_reply_to_tweetid, tweet_.replied_id)) {
      return rejection;
    }
    if (auto rejection = read_reference(fields, Column::quoted_tweet_tweetid, tweet_.quoted_id)) {
      return rejection;
    }
    const std::string_view flag_text = trim(field(fields, Column::is_retweet));
    const Flag is_retweet = parse_flag(flag_text);
    if (is_retweet == Flag::invalid) return reject("bad_bool", "is_retweet", flag_text);
    if (is_retweet == Flag::yes && retweeted.empty()) {
      return Rejection{"missing_key", "is_retweet is true but retweet_tweetid is empty"};
    }
    tweet_.retweeted_id = is_retweet == Flag::no ? std::string_view{} : retweeted;
    return std::nullopt;
  }

  // Items are unescaped and hashtags lower-cased into scratch_ at most once each, so twice the
  // size of the list fields is enough and the views it hands out stay valid.
  std::optional<Rejection> read_lists(std::span<const std::string_view> fields) {
    scratch_.reset(2 *
                   (field(fields, Column::hashtags).size() + field(fields, Column::urls).size() +
                    field(fields, Column::user_mentions).size()));
    const auto hashtag = [this](std::string_view item) { return hashtag_key(item); };
    const auto as_given = [](std::string_view item) { return trim(item); };
    if (auto rejection = read_list(fields, Column::hashtags, hashtags_, hashtag)) return rejection;
    if (auto rejection = read_list(fields, Column::urls, urls_, as_given)) return rejection;
    return read_list(fields, Column::user_mentions, mentions_, as_given);
  }

  // The distinct keys of one list column, each item normalised by key_of.
  template <class KeyOf>
  std::optional<Rejection> read_list(std::span<const std::string_view> fields, Column column,
                                     std::vector<std::string_view>& keys, KeyOf key_of) {
    keys.clear();
    const std::string_view text = field(fields, column);
    if (!split_list_field(text, scratch_, items_)) {
      return reject("bad_list", column_name(column), text);
    }
    for (const std::string_view item : items_) add_distinct(keys, key_of(item));
    return std::nullopt;
  }

  std::string_view hashtag_key(std::string_view tag) {
    tag = trim(tag);
    if (tag.starts_with('#')) tag.remove_prefix(1);
    return has_ascii_upper(tag) ? scratch_.append_lowercased(tag) : tag;
  }

  void emit_actions(ActionSink& sink) const {
    ParsedAction action = profile_fields_;
    action.account = tweet_.account;
    action.handle = tweet_.handle;
    action.content = tweet_.tweet_id;
    action.t_ms = tweet_.t_ms;
    const auto emit = [&](Layer layer, std::string_view key) {
      action.layer = layer;
      action.key = key;
      sink.emit(action);
    };
    if (!tweet_.retweeted_id.empty()) emit(Layer::retweet, tweet_.retweeted_id);
    if (!tweet_.replied_id.empty()) emit(Layer::reply, tweet_.replied_id);
    if (!tweet_.quoted_id.empty()) emit(Layer::quote, tweet_.quoted_id);
    for (const std::string_view tag : hashtags_) emit(Layer::hashtag, tag);
    for (const std::string_view url : urls_) emit(Layer::url, url);
    for (const std::string_view user : mentions_) emit(Layer::mention, user);
    if (tweet_.retweeted_id.empty() && !tweet_.text.empty()) {
      emit(Layer::text, tweet_.text);  // co-tweet: original posts only, as QUT's co_tweet
      emit(Layer::near_text, tweet_.text);
    }
  }

  ColumnIndex columns_;
  std::size_t field_count_;
  ProfileColumns profile_;
  Tweet tweet_;
  ParsedAction profile_fields_;  // the record's profile fields only
  Scratch scratch_;
  std::vector<std::string_view> items_;
  std::vector<std::string_view> hashtags_;
  std::vector<std::string_view> urls_;
  std::vector<std::string_view> mentions_;
};

}  // namespace

std::unique_ptr<RecordParser> make_io_archive_parser(std::span<const std::string_view> header) {
  const ColumnIndex columns = index_columns(header);
  const std::string missing = missing_required_columns(columns);
  if (!missing.empty()) {
    throw DataError("not an X/Twitter information-operations archive header: missing column(s) " +
                    missing);
  }
  return std::make_unique<IoArchiveParser>(columns, header.size());
}

bool looks_like_io_archive_header(std::span<const std::string_view> header) {
  const ColumnIndex columns = index_columns(header);
  return missing_required_columns(columns).empty() &&
         columns[static_cast<std::size_t>(Column::is_retweet)] != kNotInHeader;
}

}  // namespace coordnet
