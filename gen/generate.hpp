// `coordnet generate`: synthetic input files with planted campaigns (docs/generator.md).
//
// Collective: every rank builds the same World and work plan, generates its run of units, and
// appends their rows to its slice of each output file (events.csv, io_archive.csv); the truth
// file is written in account order, each rank a contiguous range of accounts. The files are
// byte-identical at any rank count.
#pragma once

#include <cstdint>
#include <string>

#include "core/comm.hpp"
#include "gen/generator_config.hpp"
#include "gen/rank_slice_file.hpp"

namespace coordnet::gen {

struct GenerateOutputs {
  std::string out_dir;
  bool events = true;
  bool io_archive = false;
  // Bytes of its slice of each file a rank > 0 holds in memory before it uses a part file.
  std::uint64_t slice_memory_bytes = RankSliceFile::kDefaultMemoryBytes;
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
