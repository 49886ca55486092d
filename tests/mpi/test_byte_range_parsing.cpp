// Ingest at any rank count: every record of an adversarial CSV is parsed exactly once (plain
// files split by byte range, gzip files whole), bad records are reported with their line.
#include <gtest/gtest.h>
#include <zlib.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>
#include <sstream>

#include "core/exchange.hpp"
#include "core/hash.hpp"
#include "core/stage_metrics.hpp"
#include "io/ingest.hpp"
#include "mpi_test_util.hpp"

namespace coordnet {
namespace {

struct Adversarial {
  std::string text;
  std::vector<std::string> good_contents;  // content ids of good records
  std::vector<std::int64_t> bad_lines;
};

// Events CSV with a BOM, CRLF and LF endings, blank lines, handles with quoted commas, doubled
// quotes and newlines, a few bad records, and no newline after the last record.
Adversarial make_adversarial(int n_records, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  Adversarial a;
  a.text = "\xEF\xBB\xBFobject_id,account_id,content_id,timestamp_share,handle\r\n";
  std::int64_t line = 2;
  for (int i = 0; i < n_records; ++i) {
    if (rng() % 7 == 0) {
      a.text += rng() % 2 ? "\n" : "\r\n";
      ++line;
    }
    const std::string content = "c" + std::to_string(i);
    std::string handle;
    std::int64_t extra_lines = 0;
    switch (rng() % 5) {
      case 0:
        handle = "plain" + std::to_string(i);
        break;
      case 1:
        handle = "\"with, comma\"";
        break;
      case 2:
        handle = "\"say \"\"hi\"\"\"";
        break;
      case 3:
        handle = "\"multi\nline\n\"";
        extra_lines = 2;
        break;
      default:
        handle = "\"\"";
        break;
    }
    const bool bad = rng() % 11 == 0;
    const std::string time = bad ? "not-a-time" : std::to_string(1600000000 + i);
    a.text += "o" + std::to_string(rng() % 5) + ",a" + std::to_string(rng() % 9) + "," + content +
              "," + time + "," + handle;
    (bad ? a.bad_lines.push_back(line) : a.good_contents.push_back(content));
    line += 1 + extra_lines;
    if (i + 1 < n_records) a.text += rng() % 2 ? "\n" : "\r\n";
  }
  return a;
}

void write_gzip(const std::string& path, const std::string& text) {
  gzFile gz = gzopen(path.c_str(), "wb");
  gzwrite(gz, text.data(), static_cast<unsigned>(text.size()));
  gzclose(gz);
}

struct Gathered {
  std::vector<std::uint64_t> contents;
  std::vector<std::int64_t> bad_lines;
};

Gathered ingest_and_gather(const std::vector<std::string>& paths, const Comm& comm) {
  IngestConfig config;
  config.inputs = paths;
  config.max_bad_fraction = 1.0;
  StageMetrics metrics;
  const auto result = ingest(config, comm, metrics);
  std::vector<std::uint64_t> contents;
  for (const auto& a : result.actions) contents.push_back(a.content.value);
  std::vector<std::int64_t> lines;
  for (const auto& q : result.bad.quarantine()) lines.push_back(q.line + 1'000'000 * q.file);
  Gathered g{comm.allgatherv<std::uint64_t>(contents), comm.allgatherv<std::int64_t>(lines)};
  std::sort(g.contents.begin(), g.contents.end());
  std::sort(g.bad_lines.begin(), g.bad_lines.end());
  return g;
}

std::vector<std::uint64_t> hashes(const std::vector<std::string>& contents) {
  std::vector<std::uint64_t> h;
  for (const auto& c : contents) h.push_back(hash_string(c));
  std::sort(h.begin(), h.end());
  return h;
}

// The account id of every action, in action order, gathered on every rank.
std::vector<std::string> action_accounts(const IngestResult& result) {
  std::vector<std::string> ids;
  for (const auto& a : result.actions) ids.emplace_back(result.account_ids[a.account.value]);
  return ids;
}

// Account interning with fingerprint table keys cut to 2 bits (the 9 ids share 4 keys, so most
// take the exact-string path) gives every action the same account as 64 bits.
TEST(AccountInterning, CollidingFingerprintsNeverMergeAccounts) {
  const Comm comm;
  const auto a = make_adversarial(3000, 99);
  const auto path = testing::write_shared_file(comm, "interning.csv", a.text);
  IngestConfig config;
  config.inputs = {path};
  config.max_bad_fraction = 1.0;
  StageMetrics metrics;
  const auto full = ingest(config, comm, metrics);
  config.fingerprint_key_bits = 2;
  const auto cut = ingest(config, comm, metrics);
  EXPECT_EQ(action_accounts(cut), action_accounts(full));
  EXPECT_EQ(cut.account_ids, full.account_ids);
  EXPECT_EQ(cut.account_actions, full.account_actions);
  comm.barrier();
  if (comm.is_root()) std::remove(path.c_str());
}

// Handle sightings: accounts switch between handles back and forth (and some records have
// none); every rank's sightings name each (account, handle) once, and summed over the ranks they
// give each pair's first and last time and action count.
TEST(AccountInterning, HandleSightingsPerAccountAndHandle) {
  const Comm comm;
  struct Seen {
    TimeMs first = INT64_MAX, last = INT64_MIN;
    std::uint64_t n = 0;
  };
  std::map<std::pair<std::string, std::string>, Seen> expected;
  std::mt19937_64 rng(5);
  std::string text = "object_id,account_id,content_id,timestamp_share,handle\n";
  for (int i = 0; i < 4000; ++i) {
    const auto account = "a" + std::to_string(rng() % 7);
    const auto handle = rng() % 9 == 0 ? std::string() : "h" + std::to_string(rng() % 4);
    const TimeMs t_s = 1600000000 + static_cast<TimeMs>(rng() % 100000);
    text += "o" + std::to_string(i % 13) + "," + account + ",c" + std::to_string(i) + "," +
            std::to_string(t_s) + "," + handle + "\n";
    if (handle.empty()) continue;
    auto& seen = expected[{account, handle}];
    seen.first = std::min(seen.first, t_s * 1000);
    seen.last = std::max(seen.last, t_s * 1000);
    ++seen.n;
  }
  const auto path = testing::write_shared_file(comm, "handles.csv", text);
  IngestConfig config;
  config.inputs = {path};
  StageMetrics metrics;
  const auto result = ingest(config, comm, metrics);
  std::set<std::pair<std::string, std::string>> local;
  std::vector<std::string> rows;
  for (const auto& h : result.handles) {
    const std::string account(result.account_ids[h.local_account]);
    EXPECT_TRUE(local.insert({account, h.handle}).second) << account << " " << h.handle;
    rows.push_back(account + " " + h.handle + " " + std::to_string(h.first_seen_ms) + " " +
                   std::to_string(h.last_seen_ms) + " " + std::to_string(h.n_actions));
  }
  std::vector<std::uint32_t> to_root(rows.size(), 0);
  const auto all = exchange_strings(rows, to_root, comm).strings;
  if (comm.is_root()) {
    std::map<std::pair<std::string, std::string>, Seen> got;
    for (const auto& row : all) {
      std::istringstream in(row);
      std::string account, handle;
      Seen s;
      in >> account >> handle >> s.first >> s.last >> s.n;
      auto& g = got[{account, handle}];
      g.first = std::min(g.first, s.first);
      g.last = std::max(g.last, s.last);
      g.n += s.n;
    }
    EXPECT_EQ(got.size(), expected.size());
    for (const auto& [key, e] : expected) {
      const auto& g = got[key];
      EXPECT_EQ(g.first, e.first) << key.first << " " << key.second;
      EXPECT_EQ(g.last, e.last) << key.first << " " << key.second;
      EXPECT_EQ(g.n, e.n) << key.first << " " << key.second;
    }
  }
  comm.barrier();
  if (comm.is_root()) std::remove(path.c_str());
}

class ByteRangeParsing : public ::testing::TestWithParam<int> {};

TEST_P(ByteRangeParsing, EveryRecordExactlyOnce) {
  const Comm comm;
  const int n = GetParam();
  const auto a = make_adversarial(n, static_cast<std::uint64_t>(n));
  const auto path = testing::write_shared_file(comm, "adversarial.csv", a.text);
  const auto got = ingest_and_gather({path}, comm);
  EXPECT_EQ(got.contents, hashes(a.good_contents));
  EXPECT_EQ(got.bad_lines, a.bad_lines);
  comm.barrier();
  if (comm.is_root()) std::remove(path.c_str());
}

// Tiny files make ranges start inside quoted multi-line fields; large ones exercise real splits.
INSTANTIATE_TEST_SUITE_P(Sizes, ByteRangeParsing, ::testing::Values(1, 3, 12, 60, 2000));

TEST(ByteRangeParsingMixed, PlainAndGzipFilesTogether) {
  const Comm comm;
  const auto first = make_adversarial(500, 1);
  auto second = make_adversarial(300, 2);
  const auto plain = testing::write_shared_file(comm, "plain.csv", first.text);
  const auto gz = testing::write_shared_file(comm, "second.csv.gz", "");
  if (comm.is_root()) write_gzip(gz, second.text);
  comm.barrier();
  const auto got = ingest_and_gather({plain, gz}, comm);
  // Contents of both files share names ("c0"...), so compare as a multiset.
  auto expected = first.good_contents;
  expected.insert(expected.end(), second.good_contents.begin(), second.good_contents.end());
  EXPECT_EQ(got.contents, hashes(expected));
  std::vector<std::int64_t> lines = first.bad_lines;
  for (auto l : second.bad_lines) lines.push_back(l + 1'000'000);
  std::sort(lines.begin(), lines.end());
  EXPECT_EQ(got.bad_lines, lines);
  comm.barrier();
  if (comm.is_root()) {
    std::remove(plain.c_str());
    std::remove(gz.c_str());
  }
}

}  // namespace
}  // namespace coordnet
