// BlockRingFile at any rank count: the file holds every round's blocks in rank order, whatever
// the blocks' sizes (empty ones and ones of a MiB among them), commit() returns the file's size
// on every rank, and no NAME.tmp remains.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "gen/block_ring_file.hpp"
#include "mpi_test_util.hpp"

namespace coordnet {
namespace {

// Block b of the serial file: a length that varies with b (empty for every 5th block, a MiB
// for block 7), filled with text that names the block.
std::string block_text(std::size_t b) {
  const std::size_t length = b % 5 == 0 ? 0 : b == 7 ? (std::size_t{1} << 20) : (b * 7919) % 3001;
  std::string text;
  while (text.size() < length) text += "<" + std::to_string(b) + ">";
  text.resize(length);
  return text;
}

std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TEST(BlockRingFile, BlocksLandInRoundAndRankOrder) {
  const Comm comm;
  const auto n_ranks = static_cast<std::size_t>(comm.size());
  const std::string path = testing::shared_path(comm, "ring.txt");
  for (const std::size_t n_blocks : {std::size_t{1}, std::size_t{23}}) {
    std::string expected;
    for (std::size_t b = 0; b < n_blocks; ++b) expected += block_text(b);
    std::uint64_t total = 0;
    {
      gen::BlockRingFile file(path, comm);
      const auto rounds = (n_blocks + n_ranks - 1) / n_ranks;
      for (std::size_t round = 0; round < rounds; ++round) {
        const auto b = round * n_ranks + static_cast<std::size_t>(comm.rank());
        if (b < n_blocks) file.block() = block_text(b);
        file.end_block();
      }
      total = file.commit();
    }
    EXPECT_EQ(total, expected.size()) << n_blocks << " blocks";
    EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
    if (comm.is_root()) {
      EXPECT_EQ(read_all(path), expected) << n_blocks << " blocks";
    }
    comm.barrier();
    if (comm.is_root()) std::filesystem::remove(path);
  }
}

TEST(BlockRingFile, NoRoundsGiveAnEmptyFile) {
  const Comm comm;
  const std::string path = testing::shared_path(comm, "ring-empty.txt");
  {
    gen::BlockRingFile file(path, comm);
    EXPECT_EQ(file.commit(), 0u);
  }
  if (comm.is_root()) {
    EXPECT_TRUE(std::filesystem::exists(path));
    EXPECT_EQ(std::filesystem::file_size(path), 0u);
    std::filesystem::remove(path);
  }
  comm.barrier();
}

}  // namespace
}  // namespace coordnet
