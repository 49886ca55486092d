#include "gen/generate.hpp"

#include <mpi.h>

#include <filesystem>
#include <optional>
#include <vector>

#include "core/errors.hpp"
#include "gen/events_writer.hpp"
#include "gen/io_archive_writer.hpp"
#include "gen/text_format.hpp"
#include "gen/work_plan.hpp"
#include "gen/world.hpp"

namespace coordnet::gen {

namespace {

constexpr std::size_t kFlushBytes = 8 << 20;

// A RankSliceFile behind a buffer that is flushed in large blocks.
class BufferedSlice {
 public:
  BufferedSlice(const std::string& path, const Comm& comm, std::uint64_t memory_bytes)
      : file_(path, comm, memory_bytes) {
    buffer_.reserve(kFlushBytes + (1 << 20));
  }
  std::string& buffer() { return buffer_; }
  void maybe_flush() {
    if (buffer_.size() >= kFlushBytes) flush();
  }
  std::uint64_t commit() {
    flush();
    return file_.commit();
  }

 private:
  void flush() {
    file_.append(buffer_);
    buffer_.clear();
  }
  RankSliceFile file_;
  std::string buffer_;
};

void write_truth(const World& world, BufferedSlice& truth, const Comm& comm) {
  const auto n = world.n_accounts();
  const auto size = static_cast<std::uint64_t>(comm.size());
  const auto rank = static_cast<std::uint64_t>(comm.rank());
  const auto first = n * rank / size;
  const auto last = n * (rank + 1) / size;
  auto& out = truth.buffer();
  if (comm.is_root()) out += "account_id,campaign\n";
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
    truth.maybe_flush();
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
  const auto mine = split_units(units, comm.rank(), comm.size());
  const std::filesystem::path dir(outputs.out_dir);

  std::optional<BufferedSlice> events;
  std::optional<BufferedSlice> archive;
  BufferedSlice truth((dir / "truth.csv").string(), comm, outputs.slice_memory_bytes);
  GenerateSummary local;
  try {
    if (outputs.events)
      events.emplace((dir / "events.csv").string(), comm, outputs.slice_memory_bytes);
    if (outputs.io_archive)
      archive.emplace((dir / "io_archive.csv").string(), comm, outputs.slice_memory_bytes);
    if (comm.is_root()) {
      if (events) events->buffer() += kEventsHeader;
      if (archive) archive->buffer() += kIoArchiveHeader;
    }
    std::vector<Post> posts;
    std::string scratch;
    for (const auto& unit : mine) {
      posts.clear();
      generate_unit(world, unit, posts);
      for (const auto& post : posts) {
        if (events) append_events_rows(world, post, events->buffer());
        if (archive) append_io_archive_row(world, post, scratch, archive->buffer());
        local.retweet_actions += post.is_retweet ? 1 : 0;
        local.mention_actions += post.is_retweet ? 1 : 0;
        local.hashtag_actions += post.n_tags;
        local.url_actions += post.has_url ? 1 : 0;
      }
      local.posts += posts.size();
      if (events) events->maybe_flush();
      if (archive) archive->maybe_flush();
    }
    write_truth(world, truth, comm);
  } catch (...) {
    failure = std::current_exception();
  }
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
