// Writes the analysis stage's result into an output file (layout: docs/schema.md):
// /communities/<feature> (one row per community, in /communities/id order),
// /communities/evidence/* (by community, then strength), /communities/actions/* (by community,
// account, time), /edge_evidence/* and the role columns of /accounts.
// Collective: every rank passes its slices (analyse_communities' layout).
#pragma once

#include "io/hdf5_file.hpp"
#include "pipeline/analysis_stage.hpp"

namespace coordnet {

void write_analysis(Hdf5Writer& writer, const RunAnalysis& analysis);

}  // namespace coordnet
