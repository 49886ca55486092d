// Typed collectives and exchange_by_owner, also with messages forced into many rounds.
#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <span>
#include <stdexcept>
#include <tuple>
#include <utility>

#include "core/comm.hpp"
#include "core/exchange.hpp"

namespace coordnet {
namespace {

struct Record {
  std::uint64_t value;
  std::int32_t from;
};

class CommTest : public ::testing::TestWithParam<std::uint64_t> {
 protected:
  void SetUp() override { Comm::set_max_message_elements(GetParam()); }
  void TearDown() override { Comm::set_max_message_elements(INT32_MAX); }
  Comm comm;
};

TEST_P(CommTest, ReductionsAndScans) {
  const int r = comm.rank(), p = comm.size();
  EXPECT_EQ(comm.allreduce(r + 1, ReduceOp::sum), p * (p + 1) / 2);
  EXPECT_EQ(comm.allreduce(r, ReduceOp::max), p - 1);
  EXPECT_EQ(comm.allreduce(r, ReduceOp::min), 0);
  EXPECT_EQ(comm.exscan_sum<std::uint64_t>(static_cast<std::uint64_t>(r + 1)),
            static_cast<std::uint64_t>(r * (r + 1) / 2));
  const auto all = comm.allgather(r * 10);
  for (int i = 0; i < p; ++i) EXPECT_EQ(all[static_cast<std::size_t>(i)], i * 10);
}

TEST_P(CommTest, AllgathervConcatenatesInRankOrder) {
  std::vector<std::uint64_t> mine(static_cast<std::size_t>(comm.rank() * 7 + 3));
  std::iota(mine.begin(), mine.end(), static_cast<std::uint64_t>(comm.rank()) * 1000);
  const auto all = comm.allgatherv<std::uint64_t>(mine);
  std::vector<std::uint64_t> expected;
  for (int r = 0; r < comm.size(); ++r) {
    for (int i = 0; i < r * 7 + 3; ++i)
      expected.push_back(static_cast<std::uint64_t>(r * 1000 + i));
  }
  EXPECT_EQ(all, expected);
}

TEST_P(CommTest, ExchangeByOwnerDeliversEveryRecordOnceInOrder) {
  const int p = comm.size();
  std::vector<Record> records;
  for (std::uint64_t i = 0; i < 100 + static_cast<std::uint64_t>(comm.rank()) * 13; ++i) {
    records.push_back({i * 31 + static_cast<std::uint64_t>(comm.rank()), comm.rank()});
  }
  const auto received = exchange_by_owner(
      records,
      [&](const Record& r) { return static_cast<int>(r.value % static_cast<std::uint64_t>(p)); },
      comm);
  std::uint64_t expected_total = 0;
  std::size_t pos = 0;
  for (int src = 0; src < p; ++src) {
    std::vector<std::uint64_t> expected;
    for (std::uint64_t i = 0; i < 100 + static_cast<std::uint64_t>(src) * 13; ++i) {
      const auto v = i * 31 + static_cast<std::uint64_t>(src);
      if (static_cast<int>(v % static_cast<std::uint64_t>(p)) == comm.rank()) expected.push_back(v);
    }
    ASSERT_EQ(received.counts_by_source[static_cast<std::size_t>(src)], expected.size());
    for (auto v : expected) {
      EXPECT_EQ(received.data[pos].value, v);
      EXPECT_EQ(received.data[pos].from, src);
      ++pos;
    }
    expected_total += expected.size();
  }
  EXPECT_EQ(received.data.size(), expected_total);
  // Replies travel back to the requesters in request order.
  std::vector<std::uint64_t> doubled;
  for (const auto& r : received.data) doubled.push_back(r.value * 2);
  const auto answers = reply_to_sources<std::uint64_t>(received, doubled, comm);
  std::vector<Record> sorted = records;
  std::stable_sort(sorted.begin(), sorted.end(), [&](const Record& a, const Record& b) {
    return a.value % static_cast<std::uint64_t>(p) < b.value % static_cast<std::uint64_t>(p);
  });
  ASSERT_EQ(answers.size(), sorted.size());
  for (std::size_t i = 0; i < answers.size(); ++i) EXPECT_EQ(answers[i], sorted[i].value * 2);
  // Records given up arrive as the copied ones do, from the same sources (in no particular order
  // within a source: they are grouped in place).
  auto given_up = records;
  auto moved = exchange_by_owner(
      std::move(given_up),
      [&](const Record& r) { return static_cast<int>(r.value % static_cast<std::uint64_t>(p)); },
      comm);
  EXPECT_EQ(moved.counts_by_source, received.counts_by_source);
  ASSERT_EQ(moved.data.size(), received.data.size());
  auto in_order = received.data;
  const auto by_value = [](const Record& a, const Record& b) {
    return std::tie(a.value, a.from) < std::tie(b.value, b.from);
  };
  std::size_t first = 0;
  for (const auto count : received.counts_by_source) {
    std::sort(moved.data.begin() + first, moved.data.begin() + first + count, by_value);
    std::sort(in_order.begin() + first, in_order.begin() + first + count, by_value);
    first += count;
  }
  for (std::size_t i = 0; i < moved.data.size(); ++i) {
    EXPECT_EQ(moved.data[i].value, in_order[i].value);
    EXPECT_EQ(moved.data[i].from, in_order[i].from);
  }
}

TEST_P(CommTest, AlltoallvOfAGivenUpBufferDeliversWhatTheCopyingOneDoes) {
  // Rank r sends d + 1 records to rank d: (r, d, i).
  const int p = comm.size();
  std::vector<Record> send;
  std::vector<std::uint64_t> counts;
  for (int d = 0; d < p; ++d) {
    counts.push_back(static_cast<std::uint64_t>(d) + 1);
    for (int i = 0; i <= d; ++i)
      send.push_back({static_cast<std::uint64_t>(d * 100 + i), comm.rank()});
  }
  const auto copied = comm.alltoallv<Record>(std::span<const Record>(send), counts);
  auto given_up = send;
  const auto moved = comm.alltoallv<Record>(std::move(given_up), counts);
  ASSERT_EQ(moved.counts_by_source, copied.counts_by_source);
  ASSERT_EQ(moved.data.size(), static_cast<std::size_t>(p) * (comm.rank() + 1));
  std::size_t k = 0;
  for (int source = 0; source < p; ++source) {
    EXPECT_EQ(moved.counts_by_source[static_cast<std::size_t>(source)],
              static_cast<std::uint64_t>(comm.rank()) + 1);
    for (int i = 0; i <= comm.rank(); ++i, ++k) {
      EXPECT_EQ(moved.data[k].value, static_cast<std::uint64_t>(comm.rank() * 100 + i));
      EXPECT_EQ(moved.data[k].from, source);
      EXPECT_EQ(copied.data[k].value, moved.data[k].value);
    }
  }
  std::vector<std::uint64_t> wrong(static_cast<std::size_t>(p), 0);
  if (p == 1) {
    EXPECT_THROW(comm.alltoallv<Record>(std::vector<Record>(send), wrong), std::logic_error);
  }
}

TEST_P(CommTest, ExchangeStrings) {
  std::vector<std::string> strings;
  std::vector<std::uint32_t> owners;
  for (int d = 0; d < comm.size(); ++d) {
    strings.push_back("from" + std::to_string(comm.rank()) + "to" + std::to_string(d));
    strings.push_back("");
    owners.push_back(static_cast<std::uint32_t>(d));
    owners.push_back(static_cast<std::uint32_t>(d));
  }
  const auto received = exchange_strings(strings, owners, comm);
  ASSERT_EQ(received.strings.size(), 2u * static_cast<std::size_t>(comm.size()));
  for (int s = 0; s < comm.size(); ++s) {
    EXPECT_EQ(received.strings[2 * static_cast<std::size_t>(s)],
              "from" + std::to_string(s) + "to" + std::to_string(comm.rank()));
    EXPECT_EQ(received.strings[2 * static_cast<std::size_t>(s) + 1], "");
  }
  EXPECT_EQ(comm.broadcast(std::string(comm.is_root() ? "root says hi" : ""), 0), "root says hi");
}

// 2^31 - 1 (one round) and 5 / 1 elements per call (many rounds through the chunked path).
INSTANTIATE_TEST_SUITE_P(MessageLimits, CommTest, ::testing::Values(INT32_MAX, 5, 1));

}  // namespace
}  // namespace coordnet
