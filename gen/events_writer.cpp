#include "gen/events_writer.hpp"

#include "gen/text_format.hpp"

namespace coordnet::gen {

void append_events_rows(const World& world, const Post& post, std::string& scratch,
                        std::string& out) {
  // ",account,content,time," shared by every row of the post, and ",handle,created,language,
  // location\n" after the layer.
  scratch.clear();
  scratch.push_back(',');
  world.append_account_id(post.account, scratch);
  scratch.push_back(',');
  append_uint(post.tweet_id, scratch);
  scratch.push_back(',');
  append_unix_seconds_ms(post.t_ms, scratch);
  scratch.push_back(',');
  const auto middle = scratch.size();
  scratch.push_back(',');
  world.append_handle(post.account, post.t_ms, scratch);
  scratch.push_back(',');
  append_date(world.creation_day(post.account), scratch);
  scratch.push_back(',');
  scratch += world.post_language(post.account, post.tweet_id);
  scratch.push_back(',');
  append_csv_field(world.location(post.account), scratch);
  scratch.push_back('\n');
  const std::string_view shared(scratch.data(), middle);
  const std::string_view tail(scratch.data() + middle, scratch.size() - middle);

  auto row = [&](std::string_view layer) {
    out.append(shared);
    out.append(layer);
    out.append(tail);
  };
  if (post.is_retweet) {
    append_uint(post.object_tweet_id, out);
    row("retweet");
    world.append_account_id(post.object_author, out);
    row("mention");
  }
  for (int i = 0; i < post.n_tags; ++i) {
    world.append_hashtag(post.tags[i], true, out);
    row("hashtag");
  }
  if (post.has_url) {
    world.append_url(post.url, out);
    row("url");
  }
}

}  // namespace coordnet::gen
