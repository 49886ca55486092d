// available_memory (core/node_memory.hpp) on fixture /proc and cgroup folders: MemAvailable,
// lowered by v2 and v1 memory cgroups of the process and their ancestors.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "core/node_memory.hpp"

namespace coordnet {
namespace {

constexpr std::uint64_t kMiB = 1 << 20;

class NodeMemory : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = std::filesystem::temp_directory_path() /
            ("coordnet-node-memory-" + std::to_string(::getpid()));
    std::filesystem::remove_all(root_);
    write("proc/meminfo",
          "MemTotal:       24684092 kB\nMemFree:         1000000 kB\n"
          "MemAvailable:    8388608 kB\nBuffers:           12345 kB\n");  // 8 GiB available
  }
  void TearDown() override { std::filesystem::remove_all(root_); }

  void write(const std::string& file, const std::string& text) {
    const auto path = root_ / file;
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path) << text;
  }
  std::uint64_t available() { return available_memory(root_ / "proc", root_ / "cgroup"); }

  std::filesystem::path root_;
};

TEST_F(NodeMemory, MemAvailableWithoutCgroups) { EXPECT_EQ(available(), 8192 * kMiB); }

TEST_F(NodeMemory, UnlimitedCgroupV2KeepsMemAvailable) {
  write("proc/self/cgroup", "0::/user.slice/job\n");
  write("cgroup/user.slice/job/memory.max", "max\n");
  write("cgroup/user.slice/job/memory.current", "1048576\n");
  EXPECT_EQ(available(), 8192 * kMiB);
}

TEST_F(NodeMemory, CgroupV2LimitMinusUsage) {
  write("proc/self/cgroup", "0::/slurm/job_7/step_0\n");
  write("cgroup/slurm/job_7/step_0/memory.max", "max\n");
  // The job's limit sits on the parent of the step's cgroup: 4 GiB, of which 1 GiB is used.
  write("cgroup/slurm/job_7/memory.max", std::to_string(4096 * kMiB) + "\n");
  write("cgroup/slurm/job_7/memory.current", std::to_string(1024 * kMiB) + "\n");
  EXPECT_EQ(available(), 3072 * kMiB);
}

TEST_F(NodeMemory, TightestAncestorWins) {
  write("proc/self/cgroup", "0::/a/b\n");
  write("cgroup/a/b/memory.max", std::to_string(2048 * kMiB) + "\n");
  write("cgroup/a/b/memory.current", std::to_string(512 * kMiB) + "\n");
  write("cgroup/a/memory.max", std::to_string(6144 * kMiB) + "\n");
  write("cgroup/a/memory.current", std::to_string(5632 * kMiB) + "\n");  // 512 MiB left
  EXPECT_EQ(available(), 512 * kMiB);
}

TEST_F(NodeMemory, CgroupV1MemoryController) {
  write("proc/self/cgroup", "5:cpu,cpuacct:/\n4:memory:/docker/abc\n0::/\n");
  write("cgroup/memory/docker/abc/memory.limit_in_bytes", std::to_string(2048 * kMiB) + "\n");
  write("cgroup/memory/docker/abc/memory.usage_in_bytes", std::to_string(1536 * kMiB) + "\n");
  // The v1 root's "no limit" (the largest page-aligned int64) is not a limit.
  write("cgroup/memory/memory.limit_in_bytes", "9223372036854771712\n");
  EXPECT_EQ(available(), 512 * kMiB);
}

TEST_F(NodeMemory, CgroupLimitWithoutMeminfo) {
  std::filesystem::remove(root_ / "proc/meminfo");
  write("proc/self/cgroup", "0::/\n");
  write("cgroup/memory.max", std::to_string(1024 * kMiB) + "\n");
  EXPECT_EQ(available(), 1024 * kMiB);
}

TEST_F(NodeMemory, NothingReadableIsZero) {
  std::filesystem::remove(root_ / "proc/meminfo");
  EXPECT_EQ(available(), 0u);
}

TEST_F(NodeMemory, UsagePastLimitLeavesNothing) {
  write("proc/self/cgroup", "0::/x\n");
  write("cgroup/x/memory.max", std::to_string(1024 * kMiB) + "\n");
  write("cgroup/x/memory.current", std::to_string(1100 * kMiB) + "\n");
  EXPECT_EQ(available(), 0u);
}

TEST(NodeMemoryOfThisMachine, SomethingIsAvailable) {
  EXPECT_GT(available_memory(), 0u);  // every Linux has /proc/meminfo
}

}  // namespace
}  // namespace coordnet
