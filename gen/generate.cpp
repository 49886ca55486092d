#include "gen/generate.hpp"

#include <mpi.h>

#include <algorithm>
#include <filesystem>
#include <initializer_list>
#include <optional>
#include <vector>

#include "core/errors.hpp"
#include "gen/block_ring_file.hpp"
#include "gen/events_writer.hpp"
#include "gen/io_archive_writer.hpp"
#include "gen/text_format.hpp"
#include "gen/work_plan.hpp"
#include "gen/world.hpp"

namespace coordnet::gen {

namespace {

// Makes this rank's blocks round by round: make(b) fills the files' blocks with block b
// (b = round * n + rank; block 0 is made even when there are no blocks, it carries the
// headers), then every file ends its block. After a failure a rank keeps ending (empty) blocks,
// so that the other ranks are not left waiting for its offsets.
template <class Make>
void in_rounds(std::size_t n_blocks, const Comm& comm, std::initializer_list<BlockRingFile*> files,
               std::exception_ptr& failure, Make&& make) {
  const auto n_ranks = static_cast<std::size_t>(comm.size());
  const auto rounds = std::max<std::size_t>(1, (n_blocks + n_ranks - 1) / n_ranks);
  for (std::size_t round = 0; round < rounds; ++round) {
    const auto block = round * n_ranks + static_cast<std::size_t>(comm.rank());
    if (!failure && (block < n_blocks || block == 0)) {
      try {
        make(block);
      } catch (...) {
        failure = std::current_exception();
      }
    }
    for (auto* file : files) {
      if (file != nullptr) file->end_block();
    }
  }
}

void append_truth_rows(const World& world, std::uint64_t first, std::uint64_t last,
                       std::string& out) {
  for (auto account = first; account < last; ++account) {
    world.append_account_id(account, out);
    out.push_back(',');
    const int campaign = world.campaign_of(account);
    if (campaign < 0) {
      out += "-1";
    } else {
      append_uint(static_cast<std::uint64_t>(campaign), out);
    }
    out.push_back('\n');
  }
}

}  // namespace

GenerateSummary generate(const GeneratorConfig& config, const GenerateOutputs& outputs,
                         const Comm& comm) {
  const double started = MPI_Wtime();
  std::exception_ptr failure;
  try {
    std::filesystem::create_directories(outputs.out_dir);
  } catch (const std::exception& e) {
    failure =
        std::make_exception_ptr(IoError("cannot create " + outputs.out_dir + ": " + e.what()));
  }
  comm.throw_if_any_failed(failure);

  const World world(config);
  const auto units = plan_units(world);
  const auto blocks = plan_blocks(units, static_cast<double>(outputs.block_posts));
  const std::filesystem::path dir(outputs.out_dir);

  std::optional<BlockRingFile> events;
  std::optional<BlockRingFile> archive;
  if (outputs.events) events.emplace((dir / "events.csv").string(), comm);
  if (outputs.io_archive) archive.emplace((dir / "io_archive.csv").string(), comm);
  BlockRingFile truth((dir / "truth.csv").string(), comm);
  GenerateSummary local;
  std::vector<Post> posts;
  std::string scratch;
  in_rounds(blocks.size(), comm, {events ? &*events : nullptr, archive ? &*archive : nullptr},
            failure, [&](std::size_t block) {
              if (block == 0 && events) events->block() += kEventsHeader;
              if (block == 0 && archive) archive->block() += kIoArchiveHeader;
              if (block >= blocks.size()) return;
              for (auto i = blocks[block].begin; i < blocks[block].end; ++i) {
                posts.clear();
                generate_unit(world, units[i], posts);
                for (const auto& post : posts) {
                  if (events) append_events_rows(world, post, events->block());
                  if (archive) append_io_archive_row(world, post, scratch, archive->block());
                  local.retweet_actions += post.is_retweet ? 1 : 0;
                  local.mention_actions += post.is_retweet ? 1 : 0;
                  local.hashtag_actions += post.n_tags;
                  local.url_actions += post.has_url ? 1 : 0;
                }
                local.posts += posts.size();
              }
            });
  const auto n_accounts = world.n_accounts();
  const auto block_accounts = outputs.block_posts;
  in_rounds((n_accounts + block_accounts - 1) / block_accounts, comm, {&truth}, failure,
            [&](std::size_t block) {
              if (block == 0) truth.block() += "account_id,campaign\n";
              const auto first = std::min(n_accounts, block * block_accounts);
              const auto last = std::min(n_accounts, first + block_accounts);
              append_truth_rows(world, first, last, truth.block());
            });
  comm.throw_if_any_failed(failure);

  GenerateSummary total;
  total.posts = comm.allreduce(local.posts, ReduceOp::sum);
  total.retweet_actions = comm.allreduce(local.retweet_actions, ReduceOp::sum);
  total.mention_actions = comm.allreduce(local.mention_actions, ReduceOp::sum);
  total.hashtag_actions = comm.allreduce(local.hashtag_actions, ReduceOp::sum);
  total.url_actions = comm.allreduce(local.url_actions, ReduceOp::sum);
  total.actions =
      total.retweet_actions + total.mention_actions + total.hashtag_actions + total.url_actions;
  total.campaign_members = world.n_accounts() - world.member_begin();
  if (events) total.events_bytes = events->commit();
  if (archive) total.io_archive_bytes = archive->commit();
  total.truth_bytes = truth.commit();
  total.seconds = comm.allreduce(MPI_Wtime() - started, ReduceOp::max);
  return total;
}

}  // namespace coordnet::gen
