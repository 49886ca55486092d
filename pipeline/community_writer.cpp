#include "pipeline/community_writer.hpp"

#include <string>

namespace coordnet {

void write_communities(Hdf5Writer& w, const ClusterResult& r, const Comm& comm) {
  w.write_column("/accounts/community", r.community);
  std::vector<std::uint64_t> ids(r.community_size.size());
  for (std::size_t i = 0; i < ids.size(); ++i) ids[i] = r.first_community + i;
  w.write_column("/communities/id", ids);
  w.write_column("/communities/size", r.community_size);
  for (std::size_t k = 0; k < r.level_community.size(); ++k) {
    w.write_column("/levels/" + std::to_string(k) + "/community", r.level_community[k]);
  }
  // Per level, written by rank 0 (every rank holds the same figures).
  std::vector<double> modularity, objective;
  std::vector<std::uint64_t> vertices, communities, iterations, moves;
  if (comm.is_root()) {
    for (const auto& q : r.levels) {
      modularity.push_back(q.modularity);
      objective.push_back(q.objective);
      vertices.push_back(q.n_vertices);
      communities.push_back(q.n_communities);
      iterations.push_back(q.iterations);
      moves.push_back(q.moves);
    }
  }
  w.write_column("/quality/modularity", modularity);
  w.write_column("/quality/objective", objective);
  w.write_column("/quality/n_vertices", vertices);
  w.write_column("/quality/n_communities", communities);
  w.write_column("/quality/iterations", iterations);
  w.write_column("/quality/moves", moves);
  std::vector<double> final_modularity;
  if (comm.is_root()) final_modularity = {r.modularity, r.modularity_recomputed};
  w.write_column("/quality/final_modularity", final_modularity);
}

}  // namespace coordnet
