// `coordnet generate`: synthetic input files with planted campaigns (docs/generator.md).
//
// Collective: every rank builds the same World and work plan and makes every n-th block of
// units, writing each block's rows to the output files (events.csv, io_archive.csv) while the
// other ranks make theirs (gen/block_ring_file.hpp); the truth file is written the same way in
// blocks of accounts. The files are byte-identical at any rank count.
#pragma once

#include <cstdint>
#include <string>

#include "core/comm.hpp"
#include "gen/generator_config.hpp"

namespace coordnet::gen {

struct GenerateOutputs {
  std::string out_dir;
  bool events = true;
  bool io_archive = false;
  // Expected posts of a block of units (truth.csv: accounts of a block); a rank holds one
  // block's rows in memory.
  std::uint64_t block_posts = 16'384;
};

// Totals over all ranks.
struct GenerateSummary {
  std::uint64_t posts = 0;
  std::uint64_t actions = 0;  // events rows
  std::uint64_t retweet_actions = 0;
  std::uint64_t hashtag_actions = 0;
  std::uint64_t url_actions = 0;
  std::uint64_t mention_actions = 0;
  std::uint64_t campaign_members = 0;
  std::uint64_t events_bytes = 0;
  std::uint64_t io_archive_bytes = 0;
  std::uint64_t truth_bytes = 0;
  double seconds = 0.0;
};

GenerateSummary generate(const GeneratorConfig& config, const GenerateOutputs& outputs,
                         const Comm& comm);

}  // namespace coordnet::gen
