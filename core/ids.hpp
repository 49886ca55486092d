// Distinct types for distinct identifiers, and the action layers.
//
// An AccountIndex is the dense position of an account in /accounts (0..n-1, ordered by the
// account's final 64-bit hash, so the numbering does not depend on the number of ranks).
// A KeyHash identifies the shared object of one layer (retweeted tweet, hashtag, URL, ...);
// a ContentHash the post that carried an action. Times are integer milliseconds since the
// Unix epoch (TimeMs); durations are DurationMs.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>

namespace coordnet {

template <class Tag, class Rep>
struct StrongId {
  Rep value{};
  friend constexpr auto operator<=>(const StrongId&, const StrongId&) = default;
};

using AccountIndex = StrongId<struct AccountIndexTag, std::uint64_t>;
using KeyHash = StrongId<struct KeyHashTag, std::uint64_t>;
using ContentHash = StrongId<struct ContentHashTag, std::uint64_t>;

using TimeMs = std::int64_t;
using DurationMs = std::int64_t;

// A time that the input does not give (an account's creation time, say): unknown, never zero.
inline constexpr TimeMs kUnknownTime = INT64_MIN;

// The earlier of two times, an unknown one left out (unknown when both are).
constexpr TimeMs earliest_known(TimeMs a, TimeMs b) {
  if (a == kUnknownTime) return b;
  if (b == kUnknownTime) return a;
  return a < b ? a : b;
}

// The kinds of co-action an input can express. The order is part of the HDF5 schema.
enum class Layer : std::uint8_t {
  retweet,
  reply,
  quote,
  hashtag,
  url,
  domain,
  mention,
  image,
  text,       // exact co-tweet on normalised text
  near_text,  // near-duplicate text (MinHash + LSH clusters)
  synchrony   // content-free: actions in the same short time bins
};

inline constexpr std::size_t kLayerCount = 11;
inline constexpr std::array<std::string_view, kLayerCount> kLayerNames = {
    "retweet", "reply", "quote", "hashtag",   "url",      "domain",
    "mention", "image", "text",  "near_text", "synchrony"};

constexpr std::string_view layer_name(Layer layer) {
  return kLayerNames[static_cast<std::size_t>(layer)];
}

constexpr std::optional<Layer> parse_layer(std::string_view name) {
  for (std::size_t i = 0; i < kLayerNames.size(); ++i) {
    if (kLayerNames[i] == name) return static_cast<Layer>(i);
  }
  return std::nullopt;
}

}  // namespace coordnet

template <class Tag, class Rep>
struct std::hash<coordnet::StrongId<Tag, Rep>> {
  std::size_t operator()(const coordnet::StrongId<Tag, Rep>& id) const noexcept {
    return std::hash<Rep>{}(id.value);
  }
};
