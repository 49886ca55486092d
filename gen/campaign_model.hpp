// Planted campaigns (DESIGN.md §1): how the members of a campaign answer one "post now" signal.
//
// A signal (time, kind, cause; built in World) is sent in the operators' working day. Member m
// follows it with its own probability follow_probability(c, m) after its own delay: 1 s plus an
// exponential with a per-member mean (mean_delay_s(c, m)), capped at delay_cap_s. What it posts:
// * seed_tweet: a retweet of the campaign's seed tweet, which carries the current cause's hashtag
//   (and, half the time, its URL); the organiser (the campaign's first account) posts the seed
//   tweet itself at the signal time;
// * boost_object: a retweet of a popular organic object;
// * hashtag_post: an original post with the cause's hashtag and, half the time, its URL.
// Every member also posts cover traffic around each signal: on average cover_posts organic
// retweets (organic_retweet), which look like anyone else's.
#pragma once

#include <cstddef>
#include <vector>

#include "gen/post.hpp"
#include "gen/world.hpp"

namespace coordnet::gen {

// Appends the posts answering signal `signal` of campaign `campaign` (its own random stream).
void campaign_signal_posts(const World& world, std::size_t campaign, std::size_t signal,
                           std::vector<Post>& out);

// Expected posts of one signal of a campaign (to balance work between ranks).
double expected_signal_posts(const World& world, std::size_t campaign);

}  // namespace coordnet::gen
