// The generator's work split into units. A unit (a chunk of organic posts, a chunk of a
// cascade's retweets, or one campaign signal) draws from its own random stream, so its posts
// do not depend on which rank makes it. Units are listed in a fixed order, which is the order of
// the rows in the output files; each rank takes a contiguous run of units with about the same
// expected number of posts (split_units).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "gen/post.hpp"
#include "gen/world.hpp"

namespace coordnet::gen {

enum class UnitKind : std::uint8_t { organic, cascade, signal };

struct WorkUnit {
  UnitKind kind;
  std::uint64_t source;  // organic: unused; cascade: cascade index; signal: campaign index
  std::uint64_t part;    // organic and cascade: chunk number; signal: signal index
  std::uint64_t posts;   // organic and cascade: exact count; signal: 0 (drawn)
  double expected_posts;
};

// Mean actions of an organic post under the model (organic_model.hpp), used to turn the target
// action count into a number of organic posts.
double expected_organic_actions_per_post(const GeneratorConfig& config);

// Every unit, in output order: organic chunks, cascade chunks, campaign signals.
std::vector<WorkUnit> plan_units(const World& world);

// The contiguous run of units of one rank.
std::span<const WorkUnit> split_units(std::span<const WorkUnit> units, int rank, int n_ranks);

// Appends the posts of one unit.
void generate_unit(const World& world, const WorkUnit& unit, std::vector<Post>& out);

}  // namespace coordnet::gen
