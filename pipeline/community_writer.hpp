// Writes the result of community detection into an output file (layout: docs/schema.md):
// /accounts/community, /communities/{id,size}, /levels/<k>/community and /quality/*.
// Collective: every rank passes its slices (the block layout of the clustering input).
#pragma once

#include "io/hdf5_file.hpp"
#include "kernels/community/leiden.hpp"

namespace coordnet {

void write_communities(Hdf5Writer& writer, const ClusterResult& result, const Comm& comm);

}  // namespace coordnet
