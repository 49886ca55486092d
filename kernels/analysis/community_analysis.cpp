#include "kernels/analysis/community_analysis.hpp"

#include <absl/container/flat_hash_map.h>
#include <absl/container/flat_hash_set.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <tuple>

#include "kernels/analysis/profile_features.hpp"

namespace coordnet {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

struct WeightedValue {
  double value;
  double weight;
};

// The smallest value whose cumulative weight reaches q of the total (values sorted first).
double weighted_quantile(const std::vector<WeightedValue>& sorted, double total, double q) {
  double cumulative = 0;
  for (const auto& v : sorted) {
    cumulative += v.weight;
    if (cumulative >= q * total) return v.value;
  }
  return sorted.back().value;
}

// Goh and Barabasi's burstiness (sigma - mu) / (sigma + mu) of the gaps between sorted times.
double burstiness(const std::vector<TimeMs>& sorted_times) {
  if (sorted_times.size() < 3) return kNaN;
  const auto n = static_cast<double>(sorted_times.size() - 1);
  double sum = 0;
  for (std::size_t i = 1; i < sorted_times.size(); ++i) {
    sum += static_cast<double>(sorted_times[i] - sorted_times[i - 1]);
  }
  const double mean = sum / n;
  double squares = 0;
  for (std::size_t i = 1; i < sorted_times.size(); ++i) {
    const double d = static_cast<double>(sorted_times[i] - sorted_times[i - 1]) - mean;
    squares += d * d;
  }
  const double sigma = std::sqrt(squares / n);
  return sigma + mean == 0 ? kNaN : (sigma - mean) / (sigma + mean);
}

class UnionFind {
 public:
  explicit UnionFind(std::size_t n) : parent_(n) { std::iota(parent_.begin(), parent_.end(), 0); }
  std::size_t find(std::size_t x) {
    while (parent_[x] != x) x = parent_[x] = parent_[parent_[x]];
    return x;
  }
  void unite(std::size_t a, std::size_t b) {
    a = find(a);
    b = find(b);
    if (a != b) parent_[std::max(a, b)] = std::min(a, b);
  }

 private:
  std::vector<std::size_t> parent_;
};

// One key's actions by the community: each member at its first action on the key.
struct KeyGroup {
  Layer layer;
  KeyHash key;
  std::size_t begin, end;              // its actions in the sorted action list
  std::vector<TimeMs> first_times;     // sorted
  std::vector<std::uint32_t> members;  // local member index, in first_times order
  std::uint64_t n_accounts = 0;        // most members with first actions within one window
};

// Sorts members, edges and actions, and merges the two directions of a pair into one edge.
void sort_canonically(CommunityInput& in) {
  std::sort(in.members.begin(), in.members.end(),
            [](const auto& a, const auto& b) { return a.account < b.account; });
  std::sort(in.edges.begin(), in.edges.end(), [](const auto& a, const auto& b) {
    return std::tie(a.edge.src, a.edge.dst, a.edge.weight) <
           std::tie(b.edge.src, b.edge.dst, b.edge.weight);
  });
  // --compat qut gives the two directions of a pair as two edges: one edge of their sum.
  std::size_t kept = 0;
  for (std::size_t i = 0; i < in.edges.size(); ++i) {
    auto& e = in.edges[i].edge;
    if (kept > 0 && in.edges[kept - 1].edge.src == e.src && in.edges[kept - 1].edge.dst == e.dst) {
      auto& into = in.edges[kept - 1].edge;
      into.weight += e.weight;
      into.count += e.count;
      into.sum_delay_ms += e.sum_delay_ms;
      for (std::size_t l = 0; l < kLayerCount; ++l) into.layer_weight[l] += e.layer_weight[l];
    } else {
      in.edges[kept++] = in.edges[i];
    }
  }
  in.edges.resize(kept);
  std::sort(in.actions.begin(), in.actions.end(), [](const auto& a, const auto& b) {
    return std::tie(a.layer, a.key, a.t_ms, a.account, a.content) <
           std::tie(b.layer, b.key, b.t_ms, b.account, b.content);
  });
}

std::uint32_t local_index(const std::vector<MemberRecord>& members, AccountIndex account) {
  return static_cast<std::uint32_t>(member_place(members, account));
}

std::vector<KeyGroup> coordinated_keys(const CommunityInput& in, const AnalysisParams& params) {
  std::vector<KeyGroup> groups;
  absl::flat_hash_set<std::uint32_t> seen;
  for (std::size_t begin = 0; begin < in.actions.size();) {
    const auto& a = in.actions[begin];
    const auto end = end_of_key(in.actions, begin);
    const auto l = static_cast<std::size_t>(a.layer);
    if (params.projected[l]) {
      KeyGroup g{a.layer, a.key, begin, end, {}, {}, 0};
      seen.clear();
      for (std::size_t i = begin; i < end; ++i) {
        const auto member = local_index(in.members, in.actions[i].account);
        if (seen.insert(member).second) {
          g.first_times.push_back(in.actions[i].t_ms);
          g.members.push_back(member);
        }
      }
      for (std::size_t lo = 0, hi = 0; hi < g.first_times.size(); ++hi) {
        while (g.first_times[hi] - g.first_times[lo] > params.window_ms[l]) ++lo;
        g.n_accounts = std::max<std::uint64_t>(g.n_accounts, hi - lo + 1);
      }
      if (g.n_accounts >= 2) groups.push_back(std::move(g));
    }
    begin = end;
  }
  return groups;
}

// Distinct causes: components of the co-occurrence graph (same post) of the community's own
// coordinated hashtags (more than half of all actions on them are the community's) that carry
// at least kMinCauseShare of the actions on those hashtags.
std::uint64_t count_causes(const CommunityInput& in, const std::vector<KeyGroup>& groups) {
  std::vector<std::size_t> hashtags;
  for (std::size_t g = 0; g < groups.size(); ++g) {
    const auto& group = groups[g];
    const auto all_actions = in.actions[group.begin].key_actions;
    if (group.layer == Layer::hashtag && 2 * (group.end - group.begin) > all_actions) {
      hashtags.push_back(g);
    }
  }
  UnionFind components(hashtags.size());
  absl::flat_hash_map<std::uint64_t, std::size_t> first_tag_of_post;
  double total = 0;
  for (std::size_t h = 0; h < hashtags.size(); ++h) {
    const auto& g = groups[hashtags[h]];
    total += static_cast<double>(g.end - g.begin);
    for (std::size_t i = g.begin; i < g.end; ++i) {
      const auto [it, inserted] = first_tag_of_post.try_emplace(in.actions[i].content.value, h);
      if (!inserted) components.unite(it->second, h);
    }
  }
  absl::flat_hash_map<std::size_t, double> actions_of_component;
  for (std::size_t h = 0; h < hashtags.size(); ++h) {
    const auto& g = groups[hashtags[h]];
    actions_of_component[components.find(h)] += static_cast<double>(g.end - g.begin);
  }
  std::uint64_t n = 0;
  for (const auto& [root, actions] : actions_of_component) n += actions >= kMinCauseShare * total;
  return n;
}

void add_delay_features(const CommunityInput& in, CommunityFeatures& f) {
  std::vector<WeightedValue> delays;
  double total = 0;
  for (const auto& e : in.edges) {
    if (e.edge.count == 0) continue;
    const auto count = static_cast<double>(e.edge.count);
    delays.push_back({static_cast<double>(e.edge.sum_delay_ms) / count / 1000.0, count});
    total += count;
  }
  if (delays.empty()) {
    f.median_delay_s = f.delay_iqr_s = kNaN;
    return;
  }
  std::sort(delays.begin(), delays.end(), [](const auto& a, const auto& b) {
    return std::tie(a.value, a.weight) < std::tie(b.value, b.weight);
  });
  f.median_delay_s = weighted_quantile(delays, total, 0.5);
  f.delay_iqr_s = weighted_quantile(delays, total, 0.75) - weighted_quantile(delays, total, 0.25);
}

void add_score(CommunityFeatures& f, bool with_excess, double excess_half) {
  auto part = [&](ScorePart p) -> double& { return f.score_part[static_cast<std::size_t>(p)]; };
  auto defined = [](double x) { return std::isnan(x) ? 0.0 : x; };
  part(ScorePart::size) = f.size == 0 ? 0.0 : 1.0 - 1.0 / static_cast<double>(f.size);
  part(ScorePart::cohesion) = 1.0 - defined(f.conductance);
  if (f.size < 2) part(ScorePart::cohesion) = 0;
  part(ScorePart::density) = f.edge_density;
  part(ScorePart::speed) =
      std::isnan(f.median_delay_s) ? 0.0 : 1.0 / (1.0 + f.median_delay_s / kSpeedHalfDelayS);
  part(ScorePart::burst) = std::max(0.0, defined(f.burstiness));
  part(ScorePart::renames) = std::min(1.0, f.renames_per_account);
  part(ScorePart::causes) = f.n_causes <= 1 ? 0.0 : 1.0 - 1.0 / static_cast<double>(f.n_causes);
  part(ScorePart::excess) =
      with_excess && f.excess > 0 ? f.excess / (f.excess + std::max(0.0, excess_half)) : 0.0;
  const auto n_parts = score_part_count(with_excess);
  f.score = 0;
  for (std::size_t p = 0; p < n_parts; ++p) f.score += f.score_part[p];
  f.score /= static_cast<double>(n_parts);
}

// Every action of the community, marked with its key's place among the coordinated keys and the
// evidence, capped for the timeline.
std::vector<TimelineAction> timeline_of(const CommunityInput& in,
                                        const std::vector<KeyGroup>& groups,
                                        const std::vector<std::size_t>& evidence_groups,
                                        std::size_t cap) {
  std::vector<TimelineAction> out;
  out.reserve(in.actions.size());
  for (const auto& a : in.actions) {
    out.push_back({in.community, a.account, a.t_ms, a.key, a.layer, 0, -1});
  }
  for (const auto& g : groups) {
    for (std::size_t i = g.begin; i < g.end; ++i) out[i].coordinated = 1;
  }
  for (std::size_t order = 0; order < evidence_groups.size(); ++order) {
    const auto& g = groups[evidence_groups[order]];
    for (std::size_t i = g.begin; i < g.end; ++i) {
      out[i].evidence_order = static_cast<std::int32_t>(order);
    }
  }
  return cap_timeline(std::move(out), cap);
}

}  // namespace

CommunityAnalysis analyse_community(CommunityInput in, const AnalysisParams& params,
                                    const WantsTimeline& wants_timeline) {
  sort_canonically(in);
  CommunityAnalysis out;
  auto& f = out.features;
  const auto n = static_cast<std::uint32_t>(in.members.size());
  f.community = in.community;
  f.size = n;
  f.n_edges = in.edges.size();
  f.cut_weight = in.cut_weight;

  std::vector<LocalEdge> local_edges;
  local_edges.reserve(in.edges.size());
  for (const auto& e : in.edges) {
    f.internal_weight += e.edge.weight;
    for (std::size_t l = 0; l < kLayerCount; ++l) f.layer_share[l] += e.edge.layer_weight[l];
    local_edges.push_back(
        {local_index(in.members, e.edge.src), local_index(in.members, e.edge.dst), e.edge.weight});
  }
  for (auto& share : f.layer_share) share = f.internal_weight > 0 ? share / f.internal_weight : 0;
  const double pairs = n < 2 ? 0.0 : static_cast<double>(n) * (n - 1) / 2.0;
  f.density = pairs > 0 ? f.internal_weight / pairs : 0.0;
  f.edge_density = pairs > 0 ? static_cast<double>(f.n_edges) / pairs : 0.0;
  const double volume = 2 * f.internal_weight + f.cut_weight;
  const double smaller_side = std::min(volume, params.total_volume - volume);
  f.conductance = smaller_side > 0 ? f.cut_weight / smaller_side : kNaN;

  const auto structure = analyse_subgraph(n, local_edges, params.max_betweenness_work);
  f.n_components = structure.n_components;
  f.max_coreness =
      n == 0 ? 0 : *std::max_element(structure.coreness.begin(), structure.coreness.end());
  add_delay_features(in, f);

  double renames = 0;
  for (const auto& m : in.members) renames += m.n_renames;
  f.renames_per_account = n == 0 ? 0.0 : renames / n;
  add_profile_features(in.profiles, f);

  const auto groups = coordinated_keys(in, params);
  f.n_coordinated_keys = groups.size();
  std::vector<TimeMs> times;
  std::vector<std::uint64_t> led(n, 0), followed(n, 0);
  for (const auto& g : groups) {
    for (std::size_t i = g.begin; i < g.end; ++i) times.push_back(in.actions[i].t_ms);
    const auto window = params.window_ms[static_cast<std::size_t>(g.layer)];
    const auto& t = g.first_times;
    for (std::size_t i = 0; i < t.size(); ++i) {
      led[g.members[i]] +=
          static_cast<std::uint64_t>(std::upper_bound(t.begin(), t.end(), t[i] + window) -
                                     std::upper_bound(t.begin(), t.end(), t[i]));
      followed[g.members[i]] +=
          static_cast<std::uint64_t>(std::lower_bound(t.begin(), t.end(), t[i]) -
                                     std::lower_bound(t.begin(), t.end(), t[i] - window));
    }
  }
  std::sort(times.begin(), times.end());
  f.first_ms = times.empty() ? 0 : times.front();
  f.last_ms = times.empty() ? 0 : times.back();
  f.lifetime_s = times.empty() ? kNaN : static_cast<double>(f.last_ms - f.first_ms) / 1000.0;
  f.burstiness = burstiness(times);
  f.n_causes = count_causes(in, groups);
  f.excess = in.excess;
  add_score(f, params.with_excess, params.excess_half);

  std::vector<std::uint32_t> by_strength(n);
  std::iota(by_strength.begin(), by_strength.end(), 0);
  std::sort(by_strength.begin(), by_strength.end(), [&](auto a, auto b) {
    return std::tie(structure.strength[b], a) < std::tie(structure.strength[a], b);
  });
  const auto n_hubs =
      n < 2 ? 0 : std::max<std::size_t>(1, static_cast<std::size_t>(std::ceil(kHubShare * n)));
  out.roles.resize(n);
  for (std::uint32_t i = 0; i < n; ++i) {
    auto& r = out.roles[i];
    r.account = in.members[i].account;
    r.coreness = structure.coreness[i];
    r.is_core = f.max_coreness > 0 && r.coreness == f.max_coreness;
    r.strength = structure.strength[i];
    r.betweenness = structure.betweenness[i];
    const auto pairs_i = led[i] + followed[i];
    r.leader_share =
        pairs_i == 0 ? kNaN : static_cast<double>(led[i]) / static_cast<double>(pairs_i);
  }
  for (std::size_t k = 0; k < n_hubs; ++k) out.roles[by_strength[k]].is_hub = 1;

  std::vector<std::size_t> strongest(groups.size());
  std::iota(strongest.begin(), strongest.end(), 0);
  auto stronger = [&](std::size_t a, std::size_t b) {
    const auto& x = groups[a];
    const auto& y = groups[b];
    return std::make_tuple(y.n_accounts, y.end - y.begin, x.layer, x.key) <
           std::make_tuple(x.n_accounts, x.end - x.begin, y.layer, y.key);
  };
  const auto k = std::min(params.evidence_keys, groups.size());
  std::partial_sort(strongest.begin(), strongest.begin() + static_cast<long>(k), strongest.end(),
                    stronger);
  for (std::size_t i = 0; i < k; ++i) {
    const auto& g = groups[strongest[i]];
    out.evidence.push_back({f.community, static_cast<std::uint32_t>(i), g.layer, g.key,
                            g.n_accounts, g.end - g.begin, in.actions[g.begin].t_ms,
                            in.actions[g.end - 1].t_ms});
  }
  auto binding = edge_evidence(in, {params.window_ms, params.projected, params.edge_evidence_keys,
                                    params.max_edge_evidence_work});
  out.edge_evidence = std::move(binding.rows);
  f.edge_evidence_skipped_keys = binding.skipped_keys;
  if (params.timeline_communities > 0 && (!wants_timeline || wants_timeline(f))) {
    strongest.resize(k);
    out.timeline = timeline_of(in, groups, strongest, params.timeline_actions);
  }
  return out;
}

}  // namespace coordnet
