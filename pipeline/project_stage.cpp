#include "pipeline/project_stage.hpp"

#include <algorithm>

#include "core/exchange.hpp"
#include "core/log.hpp"
#include "kernels/compat_coortweet.hpp"
#include "kernels/synchrony.hpp"
#include "kernels/weight_quantile.hpp"

namespace coordnet {

namespace {

// The actions of one layer whose accounts have at least min_participation (> 1) actions in it
// (CooRTweet's min_participation, applied before pairing).
std::vector<Action> participating_actions(const std::vector<Action>& actions, Layer layer,
                                          std::uint64_t min_participation,
                                          const AccountTable& table, const Comm& comm) {
  std::vector<Action> in_layer;
  for (const auto& a : actions) {
    if (a.layer == layer) in_layer.push_back(a);
  }
  // Per-account counts in the layer, reduced at the account's owner.
  std::vector<AccountIndex> accounts;
  for (const auto& a : in_layer) accounts.push_back(a.account);
  auto owner = [&](AccountIndex i) { return table.owner_of(i); };
  const auto received = exchange_by_owner(accounts, owner, comm).data;
  std::vector<std::uint64_t> counts(table.ids.size(), 0);
  for (auto i : received) ++counts[i.value - table.first_index];
  const auto keep = ask_owners<std::uint8_t>(
      accounts, owner, each_answer<std::uint8_t, AccountIndex>([&](AccountIndex i) -> std::uint8_t {
        return counts[i.value - table.first_index] >= min_participation ? 1 : 0;
      }),
      comm);
  std::vector<Action> result;
  for (std::size_t i = 0; i < in_layer.size(); ++i) {
    if (keep[i]) result.push_back(in_layer[i]);
  }
  return result;
}

bool selected(const RunConfig& config, Layer layer) {
  return std::find(config.selected_layers.begin(), config.selected_layers.end(), layer) !=
         config.selected_layers.end();
}

// The content-free synchrony layer over all actions (kernels/synchrony.hpp), as layer edges.
LayerEdges project_synchrony_layer(const RunConfig& config, const std::vector<Action>& actions,
                                   const AccountTable& table, const Comm& comm,
                                   StageMetrics& metrics) {
  auto c = config.synchrony;
  c.block_pairs = config.coaction.block_pairs;
  const auto result = project_synchrony(
      actions, c, [&](AccountIndex i) { return table.owner_of(i); }, comm, metrics);
  LayerEdges out;
  out.layer = Layer::synchrony;
  out.window_ms = c.bin_ms;
  for (const auto& e : result.edges) {
    CoactionEdge edge{e.src, e.dst};
    edge.count = edge.n_keys = e.co_bins;
    edge.weight = e.weight();
    out.edges.push_back(edge);
    out.expected_co_bins.push_back(e.expected_co_bins);
  }
  if (result.skipped_bins > 0) {
    Log::info("synchrony: {} bin(s) over {} accounts skipped ({} account-bins)",
              result.skipped_bins, c.max_bin_occupancy, result.skipped_account_bins);
  }
  return out;
}

// Layers to project: those selected (or all) that have at least one action on some rank.
std::vector<Layer> layers_to_project(const RunConfig& config, const std::vector<Action>& actions,
                                     const Comm& comm) {
  std::vector<std::uint64_t> counts(kLayerCount, 0);
  for (const auto& a : actions) ++counts[static_cast<std::size_t>(a.layer)];
  counts = comm.allreduce<std::uint64_t>(counts, ReduceOp::sum);
  std::vector<Layer> layers;
  for (std::size_t l = 0; l < kLayerCount; ++l) {
    const auto layer = static_cast<Layer>(l);
    const bool selected = config.selected_layers.empty() ||
                          std::find(config.selected_layers.begin(), config.selected_layers.end(),
                                    layer) != config.selected_layers.end();
    if (!selected) continue;
    if (counts[l] > 0) {
      layers.push_back(layer);
    } else if (!config.selected_layers.empty()) {
      Log::info("project: layer {} selected but the input has no {} actions", layer_name(layer),
                layer_name(layer));
    }
  }
  return layers;
}

}  // namespace

Projection project_layers(const RunConfig& config, const std::vector<Action>& actions,
                          const AccountTable& table, const Comm& comm, StageMetrics& metrics) {
  Projection projection;
  projection.compat = config.compat_mode;
  auto owner = [&](AccountIndex i) { return table.owner_of(i); };
  for (const auto layer : layers_to_project(config, actions, comm)) {
    LayerEdges out;
    out.layer = layer;
    out.window_ms = config.window_ms[static_cast<std::size_t>(layer)];
    // The kernels take the layer's actions from any list; filtering copies only when needed.
    std::vector<Action> participating;
    if (config.min_participation > 1) {
      participating = participating_actions(actions, layer, config.min_participation, table, comm);
    }
    const auto& layer_actions = config.min_participation > 1 ? participating : actions;
    switch (config.compat_mode) {
      case Compat::none: {
        auto c = config.coaction;
        c.layer = layer;
        c.window_ms = out.window_ms;
        c.n_accounts = table.total();
        for (const auto& earlier : projection.layers) {
          c.held_bytes += earlier.edges.capacity() * sizeof(CoactionEdge);
        }
        // The null model's exposure needs every action of the layer.
        const bool exposure = !config.flag.skip && config.min_participation <= 1;
        ShuffledKeys shuffled;
        out.edges = project_coactions(layer_actions, c, owner, comm, metrics,
                                      exposure ? &shuffled : nullptr);
        if (exposure) {
          metrics.start(std::string("exposure_") + std::string(layer_name(layer)));
          out.exposure = layer_exposure_from_keys(std::move(shuffled), actions, layer,
                                                  out.window_ms, owner, comm);
          metrics.finish(comm);
        }
        if (config.weight_quantile > 0) {
          std::vector<double> weights;
          for (const auto& e : out.edges) weights.push_back(e.weight);
          out.weight_quantile = exact_quantile(weights, config.weight_quantile, comm);
          std::erase_if(out.edges,
                        [&](const CoactionEdge& e) { return !(e.weight > out.weight_quantile); });
        }
        break;
      }
      case Compat::coortweet: {
        const CoortweetConfig c{layer, out.window_ms, config.min_participation,
                                config.edge_weight_quantile};
        auto result = project_coortweet(layer_actions, c, owner, comm, metrics);
        out.edges = std::move(result.edges);
        out.weight_threshold = result.weight_threshold;
        break;
      }
      case Compat::qut: {
        const QutConfig c{layer, out.window_ms, config.self_loops,
                          static_cast<std::uint64_t>(std::max(1.0, config.coaction.min_weight))};
        out.directed = project_qut(layer_actions, c, owner, comm, metrics);
        break;
      }
    }
    projection.layers.push_back(std::move(out));
  }
  if (selected(config, Layer::synchrony)) {
    projection.layers.push_back(project_synchrony_layer(config, actions, table, comm, metrics));
  }
  if (config.compat_mode == Compat::qut) {
    std::vector<const std::vector<DirectedEdge>*> layers;
    for (const auto& l : projection.layers) layers.push_back(&l.directed);
    projection.fused_directed = fuse_directed_layers(layers);
  } else {
    std::vector<LayerToFuse> layers;
    for (const auto& l : projection.layers) {
      layers.push_back({&l.edges, l.layer != Layer::synchrony});
    }
    projection.fused = fuse_layers(layers);
  }
  return projection;
}

}  // namespace coordnet
