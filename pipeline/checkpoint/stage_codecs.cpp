#include "pipeline/checkpoint/stage_codecs.hpp"

namespace coordnet {

namespace {

void save_bad_records(CheckpointWriter& w, const BadRecordLog& bad) {
  w.value(bad.policy());
  w.value(bad.n_bad());
  w.value(bad.bad_bytes());
  w.value<std::uint64_t>(bad.counts_by_reason().size());
  for (const auto& [reason, count] : bad.counts_by_reason()) {
    w.string(reason);
    w.value(count);
  }
  w.value<std::uint64_t>(bad.quarantine().size());
  for (const auto& q : bad.quarantine()) {
    w.value(q.file);
    w.value(q.line);
    w.string(q.reason);
    w.string(q.detail);
    w.string(q.text);
    w.value(q.truncated);
  }
}

BadRecordLog load_bad_records(CheckpointReader& r) {
  const auto policy = r.value<BadRecordPolicy>();
  const auto n_bad = r.value<std::uint64_t>();
  const auto bad_bytes = r.value<std::uint64_t>();
  std::map<std::string, std::uint64_t> counts;
  for (auto n = r.value<std::uint64_t>(); n > 0; --n) {
    auto reason = r.string();
    counts[std::move(reason)] = r.value<std::uint64_t>();
  }
  std::vector<QuarantinedRecord> quarantine(r.value<std::uint64_t>());
  for (auto& q : quarantine) {
    q.file = r.value<std::uint32_t>();
    q.line = r.value<std::int64_t>();
    q.reason = r.string();
    q.detail = r.string();
    q.text = r.string();
    q.truncated = r.value<bool>();
  }
  return {policy, n_bad, bad_bytes, std::move(counts), std::move(quarantine)};
}

// Files, bad records and counts of an ingest (what the writer reports).
void save_ingest_summary(CheckpointWriter& w, const IngestResult& in) {
  w.value<std::uint64_t>(in.files.size());
  for (const auto& f : in.files) {
    w.string(f.path);
    w.value(f.size_bytes);
    w.value(f.gzip);
  }
  save_bad_records(w, in.bad);
  w.value(in.good_records);
  w.value(in.bytes);
}

void load_ingest_summary(CheckpointReader& r, IngestResult& in) {
  in.files.resize(r.value<std::uint64_t>());
  for (auto& f : in.files) {
    f.path = r.string();
    f.size_bytes = r.value<std::uint64_t>();
    f.gzip = r.value<bool>();
  }
  in.bad = load_bad_records(r);
  in.good_records = r.value<std::uint64_t>();
  in.bytes = r.value<std::uint64_t>();
}

// Handle rows (/handles) and sightings (ingest) differ only in how they name the account.
template <class Row, class Account>
void save_handles(CheckpointWriter& w, const std::vector<Row>& rows, Account Row::*account) {
  w.value<std::uint64_t>(rows.size());
  for (const auto& h : rows) {
    w.value(h.*account);
    w.string(h.handle);
    w.value(h.first_seen_ms);
    w.value(h.last_seen_ms);
    w.value(h.n_actions);
  }
}

template <class Row, class Account>
void load_handles(CheckpointReader& r, std::vector<Row>& rows, Account Row::*account) {
  rows.resize(r.value<std::uint64_t>());
  for (auto& h : rows) {
    h.*account = r.value<Account>();
    h.handle = r.string();
    h.first_seen_ms = r.value<TimeMs>();
    h.last_seen_ms = r.value<TimeMs>();
    h.n_actions = r.value<std::uint64_t>();
  }
}

void save_profile_values(CheckpointWriter& w, const std::vector<ProfileValueCount>& values) {
  w.value<std::uint64_t>(values.size());
  for (const auto& v : values) {
    w.value(v.local_account);
    w.string(v.value);
    w.value(v.n_actions);
  }
}

std::vector<ProfileValueCount> load_profile_values(CheckpointReader& r) {
  std::vector<ProfileValueCount> values(r.value<std::uint64_t>());
  for (auto& v : values) {
    v.local_account = r.value<std::uint32_t>();
    v.value = r.string();
    v.n_actions = r.value<std::uint64_t>();
  }
  return values;
}

void save_table(CheckpointWriter& w, const AccountTable& t) {
  w.value(t.first_index);
  w.vector(t.first_index_by_rank);
  w.strings(t.ids);
  w.vector(t.n_actions);
  w.strings(t.handle);
  w.vector(t.n_renames);
  w.vector(t.created_ms);
  w.strings(t.language);
  w.strings(t.location);
  w.value(t.n_hash_collisions);
}

AccountTable load_table(CheckpointReader& r) {
  AccountTable t;
  t.first_index = r.value<std::uint64_t>();
  t.first_index_by_rank = r.vector<std::uint64_t>();
  t.ids = r.strings();
  t.n_actions = r.vector<std::uint64_t>();
  t.handle = r.strings();
  t.n_renames = r.vector<std::uint32_t>();
  t.created_ms = r.vector<TimeMs>();
  t.language = r.strings();
  t.location = r.strings();
  t.n_hash_collisions = r.value<std::uint64_t>();
  return t;
}

void save_layer_weights(CheckpointWriter& w, const std::vector<std::vector<double>>& weights) {
  w.value<std::uint64_t>(weights.size());
  for (const auto& v : weights) w.vector(v);
}

std::vector<std::vector<double>> load_layer_weights(CheckpointReader& r) {
  std::vector<std::vector<double>> weights(r.value<std::uint64_t>());
  for (auto& v : weights) v = r.vector<double>();
  return weights;
}

}  // namespace

void save_accounts_stage(CheckpointWriter& w, const AccountsStage& s) {
  save_ingest_summary(w, s.ingested);
  save_table(w, s.table);
  save_handles(w, s.handles, &HandleRow::account);
  w.vector(s.actions);
}

void load_accounts_stage(CheckpointReader& r, AccountsStage& s) {
  load_ingest_summary(r, s.ingested);
  s.table = load_table(r);
  load_handles(r, s.handles, &HandleRow::account);
  s.actions = r.vector<Action>();
}

void save_raw_ingest(CheckpointWriter& w, const RawIngest& raw) {
  const auto& in = raw.ingested;
  save_ingest_summary(w, in);
  w.vector(in.actions);
  w.strings(in.account_ids);
  w.vector(in.account_actions);
  save_handles(w, in.handles, &HandleSighting::local_account);
  w.vector(in.account_created_ms);
  save_profile_values(w, in.languages);
  save_profile_values(w, in.locations);
  w.vector(raw.text_items);
}

void load_raw_ingest(CheckpointReader& r, RawIngest& raw) {
  auto& in = raw.ingested;
  load_ingest_summary(r, in);
  in.actions = r.vector<Action>();
  in.account_ids = r.string_pool();
  in.account_actions = r.vector<std::uint64_t>();
  load_handles(r, in.handles, &HandleSighting::local_account);
  in.account_created_ms = r.vector<TimeMs>();
  in.languages = load_profile_values(r);
  in.locations = load_profile_values(r);
  raw.text_items = r.vector<TextItem>();
}

void save_projection(CheckpointWriter& w, const Projection& p) {
  w.value(p.compat);
  w.value<std::uint64_t>(p.layers.size());
  for (const auto& l : p.layers) {
    w.value(l.layer);
    w.value(l.window_ms);
    w.vector(l.edges);
    w.vector(l.directed);
    w.value(l.weight_threshold);
    w.value(l.weight_quantile);
    w.vector(l.expected_co_bins);
  }
  w.vector(p.fused.edges);
  w.vector(p.fused.n_layers);
  save_layer_weights(w, p.fused.layer_weights);
  w.vector(p.fused_directed.edges);
  save_layer_weights(w, p.fused_directed.layer_weights);
}

Projection load_projection(CheckpointReader& r) {
  Projection p;
  p.compat = r.value<Compat>();
  p.layers.resize(r.value<std::uint64_t>());
  for (auto& l : p.layers) {
    l.layer = r.value<Layer>();
    l.window_ms = r.value<DurationMs>();
    l.edges = r.vector<CoactionEdge>();
    l.directed = r.vector<DirectedEdge>();
    l.weight_threshold = r.value<double>();
    l.weight_quantile = r.value<double>();
    l.expected_co_bins = r.vector<double>();
  }
  p.fused.edges = r.vector<CoactionEdge>();
  p.fused.n_layers = r.vector<std::uint32_t>();
  p.fused.layer_weights = load_layer_weights(r);
  p.fused_directed.edges = r.vector<DirectedEdge>();
  p.fused_directed.layer_weights = load_layer_weights(r);
  return p;
}

void save_clusters(CheckpointWriter& w, const ClusterResult& c) {
  w.vector(c.community);
  w.value<std::uint64_t>(c.level_community.size());
  for (const auto& level : c.level_community) w.vector(level);
  w.vector(c.levels);
  w.value(c.n_communities);
  w.value(c.first_community);
  w.vector(c.community_size);
  w.value(c.modularity);
  w.value(c.modularity_recomputed);
}

ClusterResult load_clusters(CheckpointReader& r) {
  ClusterResult c;
  c.community = r.vector<std::uint64_t>();
  c.level_community.resize(r.value<std::uint64_t>());
  for (auto& level : c.level_community) level = r.vector<std::uint64_t>();
  c.levels = r.vector<LevelQuality>();
  c.n_communities = r.value<std::uint64_t>();
  c.first_community = r.value<std::uint64_t>();
  c.community_size = r.vector<std::uint64_t>();
  c.modularity = r.value<double>();
  c.modularity_recomputed = r.value<double>();
  return c;
}

}  // namespace coordnet
