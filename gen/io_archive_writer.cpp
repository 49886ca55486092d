#include "gen/io_archive_writer.hpp"

#include "gen/random.hpp"
#include "gen/text_format.hpp"
#include "gen/vocabulary.hpp"

namespace coordnet::gen {

const std::string_view kIoArchiveHeader =
    "tweetid,userid,user_display_name,user_screen_name,user_reported_location,"
    "user_profile_description,user_profile_url,follower_count,following_count,"
    "account_creation_date,account_language,tweet_language,tweet_text,tweet_time,"
    "tweet_client_name,in_reply_to_userid,in_reply_to_tweetid,quoted_tweet_tweetid,is_retweet,"
    "retweet_userid,retweet_tweetid,latitude,longitude,quote_count,reply_count,like_count,"
    "retweet_count,hashtags,urls,user_mentions,poll_choices\n";

namespace {

namespace vocab = vocabulary;

// The spelling of a list cell, chosen per row.
enum class ListStyle { single_quotes, mixed_quotes, bare };

class ListCell {
 public:
  ListCell(ListStyle style, std::string& out) : style_(style), out_(out) { out_.push_back('['); }
  template <class AppendItem>
  void item(AppendItem&& append) {
    if (n_++ > 0) out_ += ", ";
    const char quote = style_ == ListStyle::bare                          ? '\0'
                       : style_ == ListStyle::mixed_quotes && n_ % 2 == 1 ? '"'
                                                                          : '\'';
    if (quote) out_.push_back(quote);
    append(out_);
    if (quote) out_.push_back(quote);
  }
  void close() { out_.push_back(']'); }

 private:
  ListStyle style_;
  std::string& out_;
  int n_ = 0;
};

// An empty list: mostly `[]`, sometimes an empty cell or `nan`.
void append_empty_list(std::uint64_t h, std::string& out) {
  const auto pick = h % 8;
  if (pick == 0) return;
  out += pick == 1 ? "nan" : "[]";
}

}  // namespace

void append_io_archive_row(const World& world, const Post& post, std::string& scratch,
                           std::string& out) {
  const auto h = mix64(post.tweet_id);
  const auto account_h = mix64(post.account * 0x9E3779B97F4A7C15ULL + world.config().seed);
  auto field = [&](auto&& fill) {
    scratch.clear();
    fill(scratch);
    append_csv_field(scratch, out);
    out.push_back(',');
  };

  append_uint(post.tweet_id, out);
  out.push_back(',');
  world.append_account_id(post.account, out);
  out.push_back(',');
  field([&](std::string& s) { world.append_display_name(post.account, s); });
  world.append_handle(post.account, post.t_ms, out);
  out.push_back(',');
  field([&](std::string& s) { s += world.location(post.account); });
  field([&](std::string& s) {
    s += vocab::kDescriptions[(account_h >> 8) % vocab::kDescriptions.size()];
  });
  if ((account_h >> 16) % 4 == 0) {
    out += "https://t.co/p";
    append_uint((account_h >> 20) % 100'000, out);
  }
  out.push_back(',');
  append_uint((account_h >> 24) % 50'000, out);  // follower_count
  out.push_back(',');
  append_uint((account_h >> 40) % 5'000, out);  // following_count
  out.push_back(',');
  append_date(world.creation_day(post.account), out);
  out.push_back(',');
  out += world.language(post.account);
  out.push_back(',');
  out += world.post_language(post.account, post.tweet_id);
  out.push_back(',');

  // tweet_text: "RT @author: text #Tag url" or "text #Tag url".
  field([&](std::string& s) {
    if (post.is_retweet) {
      s += "RT @";
      world.append_handle(post.object_author, post.object_t_ms, s);
      s += ": ";
      world.append_text(post.object_tweet_id, s);
    } else {
      world.append_text(post.tweet_id, s);
    }
    for (int i = 0; i < post.n_tags; ++i) {
      s += " #";
      world.append_hashtag(post.tags[i], false, s);
    }
    if (post.has_url) {
      s += ' ';
      world.append_url(post.url, s);
    }
  });
  append_minute_time(post.t_ms, out);
  out.push_back(',');
  out += world.client(post.account);
  out.push_back(',');
  out.push_back(',');                          // in_reply_to_userid
  out += (h >> 12) % 16 == 0 ? "nan," : ",";   // in_reply_to_tweetid
  out += (h >> 16) % 16 == 0 ? "None," : ",";  // quoted_tweet_tweetid
  static constexpr std::string_view kTrue[] = {"True", "True", "True", "true", "1", "TRUE"};
  static constexpr std::string_view kFalse[] = {"False", "False", "False", "false", "0", "FALSE"};
  const auto spelling = (h >> 20) % 6;
  out += post.is_retweet ? kTrue[spelling] : kFalse[spelling];
  out.push_back(',');
  if (post.is_retweet) {
    world.append_account_id(post.object_author, out);
    out.push_back(',');
    append_uint(post.object_tweet_id, out);
    out.push_back(',');
  } else {
    out += (h >> 24) % 8 == 0 ? ",nan," : ",,";
  }
  out += "absent,absent,0.0,";
  append_uint((h >> 28) % 4, out);  // reply_count
  out += ".0,";
  append_uint((h >> 32) % 40, out);  // like_count
  out += ".0,";
  append_uint((h >> 40) % 8, out);  // retweet_count
  out += ".0,";

  const auto style = static_cast<ListStyle>((h >> 44) % 3);
  if (post.n_tags == 0) {
    append_empty_list(h >> 48, out);
  } else {
    field([&](std::string& s) {
      ListCell list(style, s);
      for (int i = 0; i < post.n_tags; ++i) {
        list.item([&](std::string& o) {
          if ((h >> (50 + i)) % 8 == 0) o.push_back('#');
          world.append_hashtag(post.tags[i], false, o);
        });
      }
      list.close();
    });
    out.pop_back();
  }
  out.push_back(',');
  if (!post.has_url) {
    append_empty_list(h >> 54, out);
  } else {
    field([&](std::string& s) {
      ListCell list(style == ListStyle::bare ? ListStyle::single_quotes : style, s);
      list.item([&](std::string& o) { world.append_url(post.url, o); });
      list.close();
    });
    out.pop_back();
  }
  out.push_back(',');
  if (!post.is_retweet) {
    append_empty_list(h >> 58, out);
  } else {
    field([&](std::string& s) {
      ListCell list(style, s);
      list.item([&](std::string& o) { world.append_account_id(post.object_author, o); });
      list.close();
    });
    out.pop_back();
  }
  out += ",\n";  // poll_choices: empty
}

}  // namespace coordnet::gen
