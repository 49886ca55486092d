#include "pipeline/analysis_writer.hpp"

#include <string>

namespace coordnet {

namespace {

template <class Row, class Field>
auto column(const std::vector<Row>& rows, Field field) {
  std::vector<std::decay_t<decltype(field(rows.front()))>> values;
  values.reserve(rows.size());
  for (const auto& r : rows) values.push_back(field(r));
  return values;
}

void write_mix(Hdf5Writer& w, const std::vector<CommunityFeatures>& f, const std::string& name,
               ProfileMix CommunityFeatures::*mix) {
  using F = CommunityFeatures;
  const std::string g = "/communities/" + name;
  w.write_column(g + "_known", column(f, [&](const F& x) { return (x.*mix).n_known; }));
  w.write_strings(g + "_top",
                  column(f, [&](const F& x) { return std::string((x.*mix).top_value()); }));
  w.write_column(g + "_top_share", column(f, [&](const F& x) { return (x.*mix).top_share; }));
  w.write_column(g + "_entropy", column(f, [&](const F& x) { return (x.*mix).entropy_bits; }));
}

void write_profile_features(Hdf5Writer& w, const std::vector<CommunityFeatures>& f) {
  using F = CommunityFeatures;
  const std::string g = "/communities/";
  w.write_column(g + "created_known", column(f, [](const F& x) { return x.n_created_known; }));
  w.write_column(g + "created_iqr_days", column(f, [](const F& x) { return x.created_iqr_days; }));
  w.write_column(g + "created_batch_share",
                 column(f, [](const F& x) { return x.created_batch_share; }));
  write_mix(w, f, "language", &F::language);
  write_mix(w, f, "location", &F::location);
}

void write_features(Hdf5Writer& w, const std::vector<CommunityFeatures>& f,
                    const std::vector<Layer>& layers, bool with_excess) {
  using F = CommunityFeatures;
  const std::string g = "/communities/";
  w.write_column(g + "n_edges", column(f, [](const F& x) { return x.n_edges; }));
  w.write_column(g + "internal_weight", column(f, [](const F& x) { return x.internal_weight; }));
  w.write_column(g + "cut_weight", column(f, [](const F& x) { return x.cut_weight; }));
  w.write_column(g + "density", column(f, [](const F& x) { return x.density; }));
  w.write_column(g + "edge_density", column(f, [](const F& x) { return x.edge_density; }));
  w.write_column(g + "conductance", column(f, [](const F& x) { return x.conductance; }));
  w.write_column(g + "n_components", column(f, [](const F& x) { return x.n_components; }));
  w.write_column(g + "max_coreness", column(f, [](const F& x) { return x.max_coreness; }));
  w.write_column(g + "median_delay_s", column(f, [](const F& x) { return x.median_delay_s; }));
  w.write_column(g + "delay_iqr_s", column(f, [](const F& x) { return x.delay_iqr_s; }));
  w.write_column(g + "first_ms", column(f, [](const F& x) { return x.first_ms; }));
  w.write_column(g + "last_ms", column(f, [](const F& x) { return x.last_ms; }));
  w.write_column(g + "lifetime_s", column(f, [](const F& x) { return x.lifetime_s; }));
  w.write_column(g + "burstiness", column(f, [](const F& x) { return x.burstiness; }));
  w.write_column(g + "renames_per_account",
                 column(f, [](const F& x) { return x.renames_per_account; }));
  w.write_column(g + "n_causes", column(f, [](const F& x) { return x.n_causes; }));
  w.write_column(g + "n_coordinated_keys",
                 column(f, [](const F& x) { return x.n_coordinated_keys; }));
  w.write_column(g + "edge_evidence_skipped_keys",
                 column(f, [](const F& x) { return x.edge_evidence_skipped_keys; }));
  write_profile_features(w, f);
  for (const auto layer : layers) {
    const auto l = static_cast<std::size_t>(layer);
    w.write_column(g + "layer_share_" + std::string(layer_name(layer)),
                   column(f, [l](const F& x) { return x.layer_share[l]; }));
  }
  w.write_column(g + "score", column(f, [](const F& x) { return x.score; }));
  const auto n_parts = score_part_count(with_excess);
  for (std::size_t p = 0; p < n_parts; ++p) {
    w.write_column(g + "score_" + kScorePartNames[p],
                   column(f, [p](const F& x) { return x.score_part[p]; }));
  }
  w.write_column(g + "rank", column(f, [](const F& x) { return x.rank; }));
}

void write_evidence(Hdf5Writer& w, const std::vector<EvidenceRow>& e,
                    const std::vector<std::string>& keys) {
  using E = EvidenceRow;
  const std::string g = "/communities/evidence/";
  w.write_column(g + "community", column(e, [](const E& x) { return x.community; }));
  w.write_strings(g + "layer",
                  column(e, [](const E& x) { return std::string(layer_name(x.layer)); }));
  w.write_strings(g + "key", keys);
  w.write_column(g + "n_accounts", column(e, [](const E& x) { return x.n_accounts; }));
  w.write_column(g + "n_actions", column(e, [](const E& x) { return x.n_actions; }));
  w.write_column(g + "first_ms", column(e, [](const E& x) { return x.first_ms; }));
  w.write_column(g + "last_ms", column(e, [](const E& x) { return x.last_ms; }));
}

void write_edge_evidence(Hdf5Writer& w, const std::vector<EdgeEvidenceRow>& e,
                         const std::vector<std::string>& keys) {
  using E = EdgeEvidenceRow;
  const std::string g = "/edge_evidence/";
  w.write_column(g + "src", column(e, [](const E& x) { return x.src.value; }));
  w.write_column(g + "dst", column(e, [](const E& x) { return x.dst.value; }));
  w.write_strings(g + "layer",
                  column(e, [](const E& x) { return std::string(layer_name(x.layer)); }));
  w.write_strings(g + "key", keys);
  w.write_column(g + "n_coactions", column(e, [](const E& x) { return x.n_coactions; }));
  w.write_column(g + "first_ms", column(e, [](const E& x) { return x.first_ms; }));
  w.write_column(g + "last_ms", column(e, [](const E& x) { return x.last_ms; }));
}

void write_timeline(Hdf5Writer& w, const std::vector<TimelineAction>& a) {
  using A = TimelineAction;
  const std::string g = "/communities/actions/";
  w.write_column(g + "community", column(a, [](const A& x) { return x.community; }));
  w.write_column(g + "account", column(a, [](const A& x) { return x.account.value; }));
  w.write_column(g + "t_ms", column(a, [](const A& x) { return x.t_ms; }));
  w.write_strings(g + "layer",
                  column(a, [](const A& x) { return std::string(layer_name(x.layer)); }));
  w.write_column(g + "coordinated", column(a, [](const A& x) { return x.coordinated; }));
  w.write_column(g + "evidence_order", column(a, [](const A& x) { return x.evidence_order; }));
}

void write_roles(Hdf5Writer& w, const std::vector<MemberRole>& r) {
  using R = MemberRole;
  w.write_column("/accounts/coreness", column(r, [](const R& x) { return x.coreness; }));
  w.write_strings("/accounts/role", column(r, [](const R& x) {
                    return std::string(x.is_core ? "core" : "periphery");
                  }));
  w.write_column("/accounts/is_hub", column(r, [](const R& x) { return x.is_hub; }));
  w.write_column("/accounts/strength", column(r, [](const R& x) { return x.strength; }));
  w.write_column("/accounts/betweenness", column(r, [](const R& x) { return x.betweenness; }));
  w.write_column("/accounts/leader_share", column(r, [](const R& x) { return x.leader_share; }));
}

}  // namespace

void write_analysis(Hdf5Writer& writer, const RunAnalysis& analysis) {
  write_features(writer, analysis.result.features, analysis.layers, analysis.with_excess);
  write_evidence(writer, analysis.result.evidence, analysis.evidence_key);
  write_edge_evidence(writer, analysis.result.edge_evidence, analysis.edge_evidence_key);
  write_roles(writer, analysis.result.roles);
  write_timeline(writer, analysis.result.timeline);
}

}  // namespace coordnet
