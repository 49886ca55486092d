// Edge evidence (kernels/analysis/edge_evidence.hpp) by brute force, for tests: every pair of
// distinct actions of a key by the two ends of an edge within the key's window, the keys taken in
// (layer, key) order and each skipped whole once its window pairs would pass the work cap; then
// per edge the strongest keys. Also the kernel's rows in a comparable form.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <map>
#include <ostream>
#include <set>
#include <tuple>
#include <vector>

#include "kernels/analysis/analysis_types.hpp"

namespace coordnet::testing {

struct EvidenceRow {
  std::uint64_t src, dst;
  Layer layer;
  std::uint64_t key, n_coactions;
  TimeMs first_ms, last_ms;
  bool operator==(const EvidenceRow&) const = default;
};

inline void PrintTo(const EvidenceRow& r, std::ostream* os) {
  *os << r.src << "-" << r.dst << " " << layer_name(r.layer) << " " << r.key << " n "
      << r.n_coactions << " " << r.first_ms << ".." << r.last_ms;
}

// The kernel's rows without their order, which is checked: 0 for an edge's first row, then +1.
inline std::vector<EvidenceRow> evidence_rows(const std::vector<EdgeEvidenceRow>& rows) {
  std::vector<EvidenceRow> out;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto& x = rows[i];
    out.push_back(
        {x.src.value, x.dst.value, x.layer, x.key.value, x.n_coactions, x.first_ms, x.last_ms});
    const bool same_edge = i > 0 && rows[i - 1].src == x.src && rows[i - 1].dst == x.dst;
    EXPECT_EQ(x.order, same_edge ? rows[i - 1].order + 1 : 0u) << "row " << i;
  }
  return out;
}

struct ReferenceAction {
  Layer layer;
  std::uint64_t key;
  TimeMs t_ms;
  std::uint64_t account, content;
};

struct ReferenceEvidence {
  std::vector<EvidenceRow> rows;  // by (src, dst), then strongest first
  std::uint64_t skipped_keys = 0;
};

// `edges`: the internal edges as (src, dst), src < dst. Actions of layers not projected are left
// out; exact duplicates (layer, key, time, account, content) count once.
inline ReferenceEvidence brute_force_edge_evidence(
    const std::vector<ReferenceAction>& actions,
    const std::set<std::pair<std::uint64_t, std::uint64_t>>& edges,
    const std::array<DurationMs, kLayerCount>& window_ms,
    const std::array<bool, kLayerCount>& projected, std::size_t keys_per_edge,
    std::uint64_t max_work) {
  using Distinct = std::tuple<TimeMs, std::uint64_t, std::uint64_t>;  // time, account, content
  std::map<std::tuple<Layer, std::uint64_t>, std::set<Distinct>> keys;
  for (const auto& a : actions) {
    if (projected[static_cast<std::size_t>(a.layer)]) {
      keys[{a.layer, a.key}].insert({a.t_ms, a.account, a.content});
    }
  }
  ReferenceEvidence out;
  std::map<std::pair<std::uint64_t, std::uint64_t>, std::vector<EvidenceRow>> by_edge;
  std::uint64_t work = 0;
  for (const auto& [layer_key, distinct] : keys) {
    const auto [layer, key] = layer_key;
    const auto window = window_ms[static_cast<std::size_t>(layer)];
    const std::vector all(distinct.begin(), distinct.end());
    std::uint64_t pairs = 0;
    for (std::size_t i = 0; i < all.size(); ++i) {
      for (std::size_t j = i + 1; j < all.size(); ++j) {
        pairs += std::get<0>(all[j]) - std::get<0>(all[i]) <= window ? 1 : 0;
      }
    }
    if (pairs == 0) continue;
    if (work + pairs > max_work) {
      ++out.skipped_keys;
      continue;
    }
    work += pairs;
    std::map<std::pair<std::uint64_t, std::uint64_t>, EvidenceRow> on_key;
    for (std::size_t i = 0; i < all.size(); ++i) {
      for (std::size_t j = i + 1; j < all.size(); ++j) {
        const auto [ta, ua, ca] = all[i];
        const auto [tb, ub, cb] = all[j];
        if (ua == ub || tb - ta > window) continue;
        const std::pair edge{std::min(ua, ub), std::max(ua, ub)};
        if (!edges.contains(edge)) continue;
        auto [it, inserted] =
            on_key.try_emplace(edge, EvidenceRow{edge.first, edge.second, layer, key, 0, ta, tb});
        ++it->second.n_coactions;
        it->second.first_ms = std::min(it->second.first_ms, ta);
        it->second.last_ms = std::max(it->second.last_ms, tb);
      }
    }
    for (const auto& [edge, row] : on_key) by_edge[edge].push_back(row);
  }
  for (auto& [edge, rows] : by_edge) {
    std::sort(rows.begin(), rows.end(), [](const EvidenceRow& a, const EvidenceRow& b) {
      return std::make_tuple(b.n_coactions, a.first_ms, a.layer, a.key) <
             std::make_tuple(a.n_coactions, b.first_ms, b.layer, b.key);
    });
    for (std::size_t i = 0; i < rows.size() && i < keys_per_edge; ++i) out.rows.push_back(rows[i]);
  }
  return out;
}

}  // namespace coordnet::testing
