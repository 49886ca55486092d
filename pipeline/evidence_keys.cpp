#include "pipeline/evidence_keys.hpp"

#include <absl/container/flat_hash_map.h>
#include <absl/container/flat_hash_set.h>
#include <fmt/core.h>

#include <algorithm>

#include "core/exchange.hpp"
#include "core/hash.hpp"
#include "core/stage_metrics.hpp"
#include "io/text_escape.hpp"

namespace coordnet {

namespace {

std::vector<std::uint64_t> distinct_hashes(std::span<const KeyHash> keys) {
  std::vector<std::uint64_t> out;
  out.reserve(keys.size());
  for (const auto k : keys) out.push_back(k.value);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

// The wanted keys found in this rank's share of the inputs, with their text.
absl::flat_hash_map<std::uint64_t, std::string> scan_inputs(
    const IngestConfig& config, const std::vector<std::uint64_t>& wanted, const Comm& comm) {
  absl::flat_hash_map<std::uint64_t, std::string> found;
  // Every action of the inputs is looked up: one probe of a hash set (repeats among the ranks'
  // wanted keys fold there).
  const absl::flat_hash_set<std::uint64_t> is_wanted(wanted.begin(), wanted.end());
  IngestConfig rescan = config;
  rescan.on_near_text = nullptr;
  rescan.store_actions = false;
  rescan.on_key = [&](KeyHash key, std::string_view text) {
    if (is_wanted.contains(key.value) && !found.contains(key.value)) {
      found.emplace(key.value, std::string(utf8_prefix(text, kMaxKeyTextBytes)));
    }
  };
  StageMetrics scratch("evidence_keys.");
  ingest(rescan, comm, scratch);
  return found;
}

// The owner's text of every hash it owns that some rank found (the smallest if they differ).
absl::flat_hash_map<std::uint64_t, std::string> gather_at_owners(
    const absl::flat_hash_map<std::uint64_t, std::string>& found, const Comm& comm) {
  std::vector<std::uint64_t> hashes;
  std::vector<std::string> texts;
  std::vector<std::uint32_t> owners;
  for (const auto& [hash, text] : found) {
    hashes.push_back(hash);
    texts.push_back(text);
    owners.push_back(static_cast<std::uint32_t>(owner_of_hash(hash, comm.size())));
  }
  const auto received_hashes = exchange_by_owner(
      hashes, [&](std::uint64_t h) { return owner_of_hash(h, comm.size()); }, comm);
  const auto received_texts = exchange_strings(texts, owners, comm);
  absl::flat_hash_map<std::uint64_t, std::string> owned;
  for (std::size_t i = 0; i < received_hashes.data.size(); ++i) {
    const auto [it, inserted] =
        owned.try_emplace(received_hashes.data[i], received_texts.strings[i]);
    if (!inserted) it->second = std::min(it->second, received_texts.strings[i]);
  }
  return owned;
}

}  // namespace

std::vector<std::string> recover_key_strings(const IngestConfig& config,
                                             std::span<const KeyHash> keys, const Comm& comm) {
  const auto mine = distinct_hashes(keys);
  auto wanted = comm.allgatherv<std::uint64_t>(mine);
  const auto owned = gather_at_owners(scan_inputs(config, wanted, comm), comm);
  std::vector<std::uint64_t>().swap(wanted);

  const auto p = comm.size();
  const auto grouped = order_by_owner(
      mine.size(), [&](std::size_t i) { return owner_of_hash(mine[i], p); }, p);
  std::vector<std::uint64_t> questions;
  for (const auto i : grouped.order) questions.push_back(mine[i]);
  const auto asked = comm.alltoallv<std::uint64_t>(questions, grouped.counts);
  std::vector<std::string> answers;
  std::vector<std::uint32_t> to_source;
  std::size_t next = 0;
  for (std::size_t source = 0; source < asked.counts_by_source.size(); ++source) {
    for (std::uint64_t j = 0; j < asked.counts_by_source[source]; ++j, ++next) {
      const auto it = owned.find(asked.data[next]);
      answers.push_back(it != owned.end() ? it->second : fmt::format("#{:016x}", asked.data[next]));
      to_source.push_back(static_cast<std::uint32_t>(source));
    }
  }
  auto replies = exchange_strings(answers, to_source, comm).strings;
  std::vector<std::string> text_of_mine(mine.size());
  for (std::size_t k = 0; k < grouped.order.size(); ++k) {
    text_of_mine[grouped.order[k]] = std::move(replies[k]);
  }
  std::vector<std::string> out;
  out.reserve(keys.size());
  for (const auto k : keys) {
    const auto at = std::lower_bound(mine.begin(), mine.end(), k.value);
    out.push_back(text_of_mine[static_cast<std::size_t>(at - mine.begin())]);
  }
  return out;
}

}  // namespace coordnet
