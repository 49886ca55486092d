#include "pipeline/flag_stage.hpp"

#include <algorithm>
#include <array>
#include <cmath>

#include "core/exchange.hpp"
#include "core/log.hpp"
#include "kernels/null_model.hpp"

namespace coordnet {

namespace {

// Per-community partial sums of the internal edges, reduced at the community's owner.
// Sums are fixed point (kFixedOne = 1.0), so they do not depend on the order of additions and
// thus not on the rank count.
struct CommunityPartial {
  std::uint64_t community;
  std::uint64_t edges;
  std::uint64_t observed;
  std::uint64_t expected_fixed;
  std::uint64_t evidence_fixed;
  std::uint64_t significant;  // significant accounts
};

// One end of an edge at the account's owner: the ladder levels its excess reaches and whether
// the edge is inside the account's community.
struct AccountEnd {
  AccountIndex account;
  std::uint8_t level;
  std::uint8_t internal;
};

// Per account: its edges and those reaching each level of the ladder, over all its edges and
// over those inside its community.
struct LadderCounts {
  std::uint64_t edges = 0;
  std::array<std::uint64_t, kEvidenceLadder.size()> at_least{};

  void add(std::uint8_t level) {
    ++edges;
    for (std::uint8_t i = 0; i < level; ++i) ++at_least[i];
  }
};

constexpr double kFixedOne = 1 << 24;

std::uint64_t to_fixed(double x) { return static_cast<std::uint64_t>(std::llround(x * kFixedOne)); }

// -ln of the Chernoff bound on P(Z >= z) for Z a sum of m independent Exp(1) (a Gamma(m, 1)):
// z - m - m ln(z / m) when z > m, else 0.
double gamma_tail_excess(double z, std::uint64_t m) {
  const auto mm = static_cast<double>(m);
  if (m == 0 || !(z > mm)) return 0.0;
  return z - mm - mm * std::log(z / mm);
}

// Adds `values` of one layer's edges to the fused edges they belong to (both sorted by
// (src, dst); every layer edge is a fused edge).
template <class Add>
void for_matching_fused(const std::vector<CoactionEdge>& fused,
                        const std::vector<CoactionEdge>& layer, Add&& add) {
  std::size_t f = 0;
  for (std::size_t i = 0; i < layer.size(); ++i) {
    while (fused[f].src != layer[i].src || fused[f].dst != layer[i].dst) ++f;
    add(f, i);
  }
}

}  // namespace

EdgeNull edge_null_model(const std::vector<Action>& actions, const AccountTable& table,
                         const Projection& projection, EdgeMinCounts min_counts, const Comm& comm,
                         StageMetrics& metrics) {
  metrics.start("null_model");
  auto owner = [&](AccountIndex i) { return table.owner_of(i); };
  const auto& fused = projection.fused.edges;
  EdgeNull null;
  null.expected.assign(fused.size(), 0.0);
  std::vector<double> best_evidence(fused.size(), 0.0);
  for (const auto& layer : projection.layers) {
    std::vector<double> expected;
    if (layer.layer == Layer::synchrony) {
      expected = layer.expected_co_bins;
    } else {
      LayerExposure computed;
      const auto& exposure =
          layer.exposure
              ? *layer.exposure
              : (computed = layer_exposure(actions, layer.layer, layer.window_ms, owner, comm));
      expected = edge_expectations(layer.edges, exposure, owner, comm);
    }
    for_matching_fused(fused, layer.edges, [&](std::size_t f, std::size_t i) {
      null.expected[f] += expected[i];
      const bool synchrony = layer.layer == Layer::synchrony;
      const auto repeats =
          synchrony ? layer.edges[i].count : repeated_coactions(layer.edges[i], layer.window_ms);
      best_evidence[f] =
          std::max(best_evidence[f],
                   repeat_evidence(repeats, expected[i],
                                   synchrony ? min_counts.synchrony_bins : min_counts.coactions));
    });
    null.layer_expected.push_back(std::move(expected));
  }
  null.excess.resize(fused.size());
  for (std::size_t f = 0; f < fused.size(); ++f) {
    // The smallest p-value of the edge's layers, times its layers (Bonferroni), capped at 1.
    const double layers = projection.fused.n_layers.empty() ? 1.0 : projection.fused.n_layers[f];
    null.excess[f] = std::max(0.0, best_evidence[f] - std::log(layers));
  }
  metrics.add_count("edges", fused.size());
  metrics.finish(comm);
  return null;
}

Flags flag_communities(const FlagConfig& config, const AccountTable& table,
                       const Projection& projection, const EdgeNull& null,
                       const ClusterResult& communities, const Comm& comm, StageMetrics& metrics) {
  metrics.start("flag");
  const auto& fused = projection.fused.edges;
  auto owner = [&](AccountIndex i) { return table.owner_of(i); };
  auto local_account = [&](AccountIndex i) { return i.value - table.first_index; };
  const auto n_accounts = communities.community.size();
  Flags flags;

  // 1. Communities of both ends: the source's is local, the destination's at its owner.
  std::vector<AccountIndex> dst;
  for (const auto& e : fused) dst.push_back(e.dst);
  const auto dst_community = ask_owners<std::uint64_t>(
      dst, owner, each_answer<std::uint64_t, AccountIndex>([&](AccountIndex i) {
        return communities.community[local_account(i)];
      }),
      comm);

  // 2. Accounts: the ladder levels of every edge of the account, at the account's owner; the
  // test over all its edges and over those inside its community.
  std::vector<AccountEnd> ends;
  for (std::size_t f = 0; f < fused.size(); ++f) {
    const auto level = evidence_level(null.excess[f]);
    const std::uint8_t internal =
        communities.community[local_account(fused[f].src)] == dst_community[f] ? 1 : 0;
    ends.push_back({fused[f].src, level, internal});
    ends.push_back({fused[f].dst, level, internal});
  }
  std::vector<LadderCounts> all_edges(n_accounts), internal_edges(n_accounts);
  for (const auto& end : exchange_by_owner(
                             ends, [&](const AccountEnd& e) { return owner(e.account); }, comm)
                             .data) {
    all_edges[local_account(end.account)].add(end.level);
    if (end.internal) internal_edges[local_account(end.account)].add(end.level);
  }
  std::uint64_t tested = 0;
  flags.account_excess.resize(n_accounts);
  flags.account_excess_internal.resize(n_accounts);
  for (std::size_t i = 0; i < n_accounts; ++i) {
    flags.account_excess[i] = ladder_evidence(all_edges[i].at_least, all_edges[i].edges);
    flags.account_excess_internal[i] =
        ladder_evidence(internal_edges[i].at_least, internal_edges[i].edges);
    tested += all_edges[i].edges > 0 ? 1 : 0;
  }
  flags.tested = comm.allreduce<std::uint64_t>(tested, ReduceOp::sum);
  flags.threshold =
      std::log(std::max<double>(1.0, static_cast<double>(flags.tested)) / config.alpha);
  std::vector<std::uint8_t> significant(n_accounts);
  for (std::size_t i = 0; i < n_accounts; ++i) {
    significant[i] = flags.account_excess[i] >= flags.threshold ? 1 : 0;
  }

  // 3. Communities: internal edges and significant members, at the community's owner (its
  // /communities slice).
  const auto firsts = comm.allgather<std::uint64_t>(communities.first_community);
  auto community_owner = [&](std::uint64_t c) {
    return static_cast<int>(std::upper_bound(firsts.begin(), firsts.end(), c) - firsts.begin()) - 1;
  };
  std::vector<CommunityPartial> partials;
  for (std::size_t f = 0; f < fused.size(); ++f) {
    const auto c = communities.community[local_account(fused[f].src)];
    if (c != dst_community[f]) continue;
    partials.push_back(
        {c, 1, fused[f].count, to_fixed(null.expected[f]), to_fixed(null.excess[f]), 0});
  }
  for (std::size_t i = 0; i < n_accounts; ++i) {
    if (significant[i]) partials.push_back({communities.community[i], 0, 0, 0, 0, 1});
  }
  const auto received =
      exchange_by_owner(
          partials, [&](const CommunityPartial& p) { return community_owner(p.community); }, comm)
          .data;
  const auto n_local = communities.community_size.size();
  flags.internal_edges.assign(n_local, 0);
  flags.observed.assign(n_local, 0);
  flags.significant.assign(n_local, 0);
  std::vector<std::uint64_t> expected_fixed(n_local, 0), evidence_fixed(n_local, 0);
  for (const auto& p : received) {
    const auto k = p.community - communities.first_community;
    flags.internal_edges[k] += p.edges;
    flags.observed[k] += p.observed;
    expected_fixed[k] += p.expected_fixed;
    evidence_fixed[k] += p.evidence_fixed;
    flags.significant[k] += p.significant;
  }
  flags.expected.resize(n_local);
  flags.excess_sum.resize(n_local);
  flags.excess.resize(n_local);
  flags.flagged.resize(n_local);
  std::uint64_t n_flagged = 0;
  for (std::size_t k = 0; k < n_local; ++k) {
    flags.expected[k] = static_cast<double>(expected_fixed[k]) / kFixedOne;
    flags.excess_sum[k] = static_cast<double>(evidence_fixed[k]) / kFixedOne;
    flags.excess[k] = gamma_tail_excess(flags.excess_sum[k], flags.internal_edges[k]);
    flags.flagged[k] = flags.significant[k] >= config.min_size ? 1 : 0;
    n_flagged += flags.flagged[k];
  }

  // 4. An account is flagged when its community is flagged and the evidence of its edges inside
  // the community passes the threshold.
  std::vector<std::uint64_t> own_community(communities.community.begin(),
                                           communities.community.end());
  const auto community_flagged =
      ask_owners<std::uint8_t>(own_community, community_owner,
                               each_answer<std::uint8_t, std::uint64_t>([&](std::uint64_t c) {
                                 return flags.flagged[c - communities.first_community];
                               }),
                               comm);
  flags.account_flagged.resize(n_accounts);
  std::uint64_t n_flagged_accounts = 0;
  for (std::size_t i = 0; i < n_accounts; ++i) {
    flags.account_flagged[i] =
        community_flagged[i] && flags.account_excess_internal[i] >= flags.threshold ? 1 : 0;
    n_flagged_accounts += flags.account_flagged[i];
  }
  n_flagged = comm.allreduce<std::uint64_t>(n_flagged, ReduceOp::sum);
  n_flagged_accounts = comm.allreduce<std::uint64_t>(n_flagged_accounts, ReduceOp::sum);
  Log::info(
      "flag: {} communities and {} accounts flagged; {} accounts with edges tested, threshold "
      "{:.3f} nats (alpha {})",
      n_flagged, n_flagged_accounts, flags.tested, flags.threshold, config.alpha);
  metrics.add_count("flagged_communities", comm.is_root() ? n_flagged : 0);
  metrics.add_count("flagged_accounts", comm.is_root() ? n_flagged_accounts : 0);
  metrics.finish(comm);
  return flags;
}

void write_flags(Hdf5Writer& w, const Projection& projection, const FlagResult& result) {
  const auto& null = result.null;
  const auto& flags = result.flags;
  for (std::size_t l = 0; l < projection.layers.size(); ++l) {
    const std::string group =
        "/edges_by_layer/" + std::string(layer_name(projection.layers[l].layer));
    w.write_column(group + "/expected", null.layer_expected[l]);
  }
  w.write_column("/edges/expected", null.expected);
  w.write_column("/edges/excess", null.excess);
  w.write_column("/communities/internal_edges", flags.internal_edges);
  w.write_column("/communities/observed", flags.observed);
  w.write_column("/communities/expected", flags.expected);
  w.write_column("/communities/excess_sum", flags.excess_sum);
  w.write_column("/communities/excess", flags.excess);
  w.write_column("/communities/significant", flags.significant);
  w.write_column("/communities/flagged", flags.flagged);
  w.write_column("/accounts/excess", flags.account_excess);
  w.write_column("/accounts/excess_internal", flags.account_excess_internal);
  w.write_column("/accounts/flagged", flags.account_flagged);
  w.set_attribute("/accounts", "flag_threshold", flags.threshold);
  w.set_attribute("/accounts", "flag_alpha", result.config.alpha);
  w.set_attribute("/accounts", "flag_tested", static_cast<std::int64_t>(flags.tested));
  w.set_attribute("/communities", "flag_min_size",
                  static_cast<std::int64_t>(result.config.min_size));
}

}  // namespace coordnet
