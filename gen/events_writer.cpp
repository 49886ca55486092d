#include "gen/events_writer.hpp"

#include <algorithm>
#include <cstring>

#include "gen/text_format.hpp"
#include "gen/vocabulary.hpp"

namespace coordnet::gen {

namespace {

// The parts every row of a post shares are formatted once into blocks of kPartBytes and copied
// whole into each row (a fixed-size copy the compiler inlines), then the row's end moves on by
// the part's length; a post's rows go to `out` in one append.
constexpr std::size_t kPartBytes = 128;

template <std::size_t N>
constexpr std::size_t longest(const std::array<std::string_view, N>& words) {
  std::size_t n = 0;
  for (const auto word : words) n = std::max(n, word.size());
  return n;
}

constexpr std::size_t longest_location() {
  auto n = longest(vocabulary::kLocations);
  for (const auto& op : vocabulary::kOperators) n = std::max(n, op.location.size());
  return n;
}

constexpr std::size_t longest_language() {
  std::size_t n = 3;  // "und"
  for (const auto& l : vocabulary::kOrganicLanguages) n = std::max(n, l.code.size());
  for (const auto& op : vocabulary::kOperators) n = std::max(n, op.language.size());
  return n;
}

// ",account,content,time," and ",handle,created,language,location\n" fit a part.
static_assert(1 + World::kMaxAccountIdChars + 1 + kMaxUintChars + 1 + kMaxUnixSecondsMsChars + 1 <=
              kPartBytes);
static_assert(1 + World::kMaxHandleChars + 1 + kMaxDateChars + 1 + longest_language() + 1 +
                  2 * longest_location() + 2 + 1 <=
              kPartBytes);

constexpr std::size_t kMaxKeyChars = std::max(
    {kMaxUintChars, World::kMaxAccountIdChars, World::kMaxHashtagChars, World::kMaxUrlChars});
constexpr std::size_t kMaxRowBytes = kMaxKeyChars + kPartBytes + 8 + kPartBytes;
constexpr std::size_t kMaxRows = 2 + kMaxTags + 1;

}  // namespace

void append_events_rows(const World& world, const Post& post, std::string& out) {
  char shared[kPartBytes];
  char* end = shared;
  *end++ = ',';
  end = world.write_account_id(post.account, end);
  *end++ = ',';
  end = write_uint(post.tweet_id, end);
  *end++ = ',';
  end = write_unix_seconds_ms(post.t_ms, end);
  *end++ = ',';
  const auto shared_size = static_cast<std::size_t>(end - shared);

  char tail[kPartBytes];
  end = tail;
  *end++ = ',';
  end = world.write_handle(post.account, post.t_ms, end);
  *end++ = ',';
  end = write_date(world.creation_day(post.account), end);
  *end++ = ',';
  end = write_text(world.post_language(post.account, post.tweet_id), end);
  *end++ = ',';
  end = write_csv_field(world.location(post.account), end);
  *end++ = '\n';
  const auto tail_size = static_cast<std::size_t>(end - tail);

  char rows[kMaxRows * kMaxRowBytes];
  char* row = rows;
  auto finish_row = [&](std::string_view layer) {
    std::memcpy(row, shared, kPartBytes);
    row += shared_size;
    row = write_text(layer, row);
    std::memcpy(row, tail, kPartBytes);
    row += tail_size;
  };
  if (post.is_retweet) {
    row = write_uint(post.object_tweet_id, row);
    finish_row("retweet");
    row = world.write_account_id(post.object_author, row);
    finish_row("mention");
  }
  for (int i = 0; i < post.n_tags; ++i) {
    row = world.write_hashtag(post.tags[i], true, row);
    finish_row("hashtag");
  }
  if (post.has_url) {
    row = world.write_url(post.url, row);
    finish_row("url");
  }
  out.append(rows, row);
}

}  // namespace coordnet::gen
