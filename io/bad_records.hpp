// Bad-record bookkeeping: counts per reason, the quarantine (records kept verbatim with file,
// line and reason) and the collective budget check behind --on-bad-record / --max-bad-fraction.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/comm.hpp"

namespace coordnet {

enum class BadRecordPolicy { fail, skip, quarantine };

std::optional<BadRecordPolicy> parse_bad_record_policy(std::string_view name);
std::string_view policy_name(BadRecordPolicy policy);

struct QuarantinedRecord {
  std::uint32_t file = 0;
  std::int64_t line = 0;
  std::string reason;
  std::string detail;
  std::string text;  // verbatim, cut at kMaxQuarantinedBytes (then `truncated` is set)
  bool truncated = false;
};

class BadRecordLog {
 public:
  static constexpr std::size_t kMaxQuarantinedBytes = 64 * 1024;

  explicit BadRecordLog(BadRecordPolicy policy) : policy_(policy) {}
  // A log restored from a checkpoint: counts and quarantine only (enforce() ran before it was
  // saved, so the first bad record is not kept).
  BadRecordLog(BadRecordPolicy policy, std::uint64_t n_bad, std::uint64_t bad_bytes,
               std::map<std::string, std::uint64_t> counts,
               std::vector<QuarantinedRecord> quarantine)
      : policy_(policy),
        n_bad_(n_bad),
        bad_bytes_(bad_bytes),
        counts_(std::move(counts)),
        quarantine_(std::move(quarantine)) {}

  void add(std::uint32_t file, std::int64_t line, std::string_view reason, std::string_view detail,
           std::string_view raw);

  // Adds another log's counts and quarantine (a later slice of files: its file indices are
  // shifted by file_offset). Rank-local.
  void append(const BadRecordLog& other, std::uint32_t file_offset);

  // Collective: moves every quarantined record to the rank that owns its file (files spread in
  // order over the ranks) and sorts them there by (file, line), so that the rows over all
  // ranks are in (file, line) order, as an ingest of all files at once writes them (coordnet
  // nightly, which appends days ingested one by one). Counts stay where they are.
  void order_quarantine_by_file(std::uint32_t n_files, const Comm& comm);

  BadRecordPolicy policy() const { return policy_; }
  std::uint64_t n_bad() const { return n_bad_; }
  std::uint64_t bad_bytes() const { return bad_bytes_; }
  const std::map<std::string, std::uint64_t>& counts_by_reason() const { return counts_; }
  const std::vector<QuarantinedRecord>& quarantine() const { return quarantine_; }

  // Collective. Throws DataError on every rank when the policy is `fail` and any record was bad,
  // or when bad records or their bytes exceed max_fraction of the total. The message names the
  // first bad record (lowest file, then line) over all ranks.
  void enforce(std::uint64_t local_good_records, std::uint64_t local_bytes, double max_fraction,
               const std::vector<std::string>& file_paths, const Comm& comm) const;

  // Counts per reason summed over ranks (collective), ordered by reason.
  std::map<std::string, std::uint64_t> global_counts(const Comm& comm) const;

 private:
  BadRecordPolicy policy_;
  std::uint64_t n_bad_ = 0;
  std::uint64_t bad_bytes_ = 0;
  std::map<std::string, std::uint64_t> counts_;
  std::vector<QuarantinedRecord> quarantine_;
  struct First {
    std::uint32_t file;
    std::int64_t line;
    std::string message;
  };
  std::optional<First> first_;
};

}  // namespace coordnet
