// The near-duplicate text layer of `coordnet run`: ingest sketches the normalised text of every
// near_text action (MinHash, kernels/text_sketch.hpp); this stage clusters the sketches over all
// ranks (kernels/text_similarity.hpp) and gives every near_text action its cluster as key, so
// that the co-action projection pairs accounts that posted near-identical texts in the window.
// Collective: every rank calls it once, after ingest, with its actions and sketches.
#pragma once

#include <vector>

#include "core/comm.hpp"
#include "core/stage_metrics.hpp"
#include "io/ingest.hpp"
#include "kernels/text_similarity.hpp"

namespace coordnet {

void assign_near_text_keys(IngestResult& ingested, std::vector<TextItem>& items,
                           const NearDuplicateConfig& config, const Comm& comm,
                           StageMetrics& metrics);

}  // namespace coordnet
