// The parsed inputs before accounts are registered: the ingest result and the MinHash sketches
// of the near_text actions. `coordnet run` makes one from all its inputs; `coordnet nightly`
// makes one per day (kept in the day cache) and appends the days of its window.
#pragma once

#include <vector>

#include "core/comm.hpp"
#include "core/stage_metrics.hpp"
#include "io/ingest.hpp"
#include "kernels/text_similarity.hpp"
#include "pipeline/run_config.hpp"

namespace coordnet {

struct RawIngest {
  IngestResult ingested;
  std::vector<TextItem> text_items;  // near_text actions; empty when the layer is off
};

// Collective: parses config.ingest.inputs (sketching near_text texts when the layer is kept).
RawIngest ingest_inputs(const RunConfig& config, const Comm& comm, StageMetrics& metrics);

// Rank-local: appends the ingest of later input files (their file indices follow those of
// `into`; their account dictionary entries are added after those of `into`, duplicates left to
// the account registry, which merges equal ids from anywhere).
void append_raw_ingest(RawIngest& into, RawIngest&& later);

}  // namespace coordnet
