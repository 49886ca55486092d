// The generator's work split into units. A unit (a chunk of organic posts, a chunk of a
// cascade's retweets, or one campaign signal) draws from its own random stream, so its posts
// do not depend on which rank makes it. Units are listed in a fixed order, which is the order of
// the rows in the output files. Consecutive units form blocks of about the same expected number
// of posts (plan_blocks); the ranks take the blocks in turn, so that each rank writes a block
// while the others make theirs (gen/block_ring_file.hpp).
#pragma once

#include <cstddef>
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

// Consecutive units, [begin, end) in the list of units.
struct UnitBlock {
  std::size_t begin;
  std::size_t end;
};

// The units grouped in order into blocks of at least `block_posts` expected posts (the last
// block may have fewer). Block b is made by rank b mod n in round b / n.
std::vector<UnitBlock> plan_blocks(std::span<const WorkUnit> units, double block_posts);

// Appends the posts of one unit.
void generate_unit(const World& world, const WorkUnit& unit, std::vector<Post>& out);

}  // namespace coordnet::gen
