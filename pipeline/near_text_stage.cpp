#include "pipeline/near_text_stage.hpp"

#include <absl/container/flat_hash_map.h>

#include "core/hash.hpp"
#include "core/log.hpp"

namespace coordnet {

void assign_near_text_keys(IngestResult& ingested, std::vector<TextItem>& items,
                           const NearDuplicateConfig& config, const Comm& comm,
                           StageMetrics& metrics) {
  metrics.start("near_text");
  const auto report = assign_near_duplicate_keys(items, config, comm);
  absl::flat_hash_map<std::uint64_t, KeyHash> cluster_of;
  for (const auto& item : items) cluster_of.emplace(item.content.value, item.cluster);
  const auto seed = static_cast<std::uint64_t>(Layer::near_text) + 1;
  for (auto& a : ingested.actions) {
    if (a.layer != Layer::near_text) continue;
    a.key = KeyHash{hash_combine(cluster_of.at(a.content.value).value, seed)};
  }
  if (!report.converged || report.truncated_buckets > 0) {
    Log::info("near_text: {} bucket(s) over the size cap verified in part, label propagation {}",
              report.truncated_buckets, report.converged ? "converged" : "stopped early");
  }
  metrics.add_count("texts", comm.is_root() ? report.distinct_signatures : 0);
  metrics.add_count("candidate_pairs", comm.is_root() ? report.candidate_pairs : 0);
  metrics.add_count("similar_pairs", comm.is_root() ? report.similar_pairs : 0);
  metrics.add_count("truncated_buckets", comm.is_root() ? report.truncated_buckets : 0);
  metrics.add_count("rounds", comm.is_root() ? report.rounds : 0);
  metrics.finish(comm);
}

}  // namespace coordnet
