// Ingest stage: every rank parses its share of the inputs into actions.
//
// Plain files are split by byte range (input_files.hpp) and realigned on record boundaries with
// the quote parity from an all-gather of per-range quote and newline counts, so every record is
// parsed exactly once at any rank count and bad records are reported with their true line
// numbers. Gzip files are parsed whole by one rank. Account ids are interned into a rank-local
// dictionary (actions refer to it by local index until account_registry assigns global ones).
// Collective: every rank calls ingest() once; errors on any rank are raised on all.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/action.hpp"
#include "core/comm.hpp"
#include "core/ids.hpp"
#include "core/stage_metrics.hpp"
#include "core/string_pool.hpp"
#include "io/bad_records.hpp"
#include "io/input_files.hpp"
#include "io/input_format.hpp"
#include "io/profile_tally.hpp"

namespace coordnet {

template <std::size_t N>
constexpr std::array<bool, N> make_filled(bool value) {
  std::array<bool, N> a{};
  a.fill(value);
  return a;
}

struct IngestConfig {
  std::vector<std::string> inputs;
  InputFormat format = InputFormat::auto_detect;
  BadRecordPolicy on_bad_record = BadRecordPolicy::quarantine;
  double max_bad_fraction = 0.01;
  std::size_t max_field_bytes = std::size_t{1} << 20;
  // < 64 keeps only this many low bits of the account fingerprint's table key (tests use it to
  // force the exact-string fallback for colliding ids).
  int fingerprint_key_bits = 64;
  // Actions of layers not kept are dropped as they are parsed.
  std::array<bool, kLayerCount> keep_layer = make_filled<kLayerCount>(true);
  // Every url action also emits a domain action (the URL's host).
  bool derive_domains = false;
  // Called with the normalised text and the content hash of every near_text action (the
  // pipeline sketches it for near-duplicate clustering); the action's key is replaced later.
  std::function<void(std::string_view, ContentHash)> on_near_text;
  // Called with the hash and the canonical text of the key of every kept action (the analysis
  // stage re-reads the inputs with it to recover the text of its evidence keys).
  std::function<void(KeyHash, std::string_view)> on_key;
  // false: the records are parsed and on_key called, but no action or account is kept.
  bool store_actions = true;
  // --map: column -> role for wide CSV files (io/mapped_csv_parser.hpp); empty: no mapping.
  std::vector<std::pair<std::string, std::string>> column_map;
};

// One (account, handle) pair seen on this rank: when first and last, and how often.
struct HandleSighting {
  std::uint32_t local_account;
  std::string handle;
  TimeMs first_seen_ms;
  TimeMs last_seen_ms;
  std::uint64_t n_actions;
};

struct IngestResult {
  std::vector<InputFile> files;
  // Actions as the pipeline uses them, except that `account` is an index into account_ids of
  // this rank until globalise_actions (io/account_registry.hpp) makes it the global index in
  // place (no second array of every action).
  std::vector<Action> actions;
  StringPool account_ids;                      // this rank's dictionary of account id strings
  std::vector<std::uint64_t> account_actions;  // actions per dictionary entry on this rank
  std::vector<HandleSighting> handles;
  // Account profile (io/account_fields.hpp): per dictionary entry the earliest creation time
  // seen (kUnknownTime when none), and the actions per (account, language / location).
  std::vector<TimeMs> account_created_ms;
  std::vector<ProfileValueCount> languages;
  std::vector<ProfileValueCount> locations;
  BadRecordLog bad{BadRecordPolicy::quarantine};
  std::uint64_t good_records = 0;  // this rank
  std::uint64_t bytes = 0;         // this rank's share of the input bytes
};

IngestResult ingest(const IngestConfig& config, const Comm& comm, StageMetrics& metrics);

}  // namespace coordnet
