#include "kernels/coaction.hpp"

#include <algorithm>
#include <tuple>

namespace coordnet::coaction_detail {

void sort_and_dedupe(std::vector<Action>& actions) {
  std::sort(actions.begin(), actions.end(), [](const Action& a, const Action& b) {
    return std::tie(a.key, a.t_ms, a.account, a.content) <
           std::tie(b.key, b.t_ms, b.account, b.content);
  });
  const auto last =
      std::unique(actions.begin(), actions.end(), [](const Action& a, const Action& b) {
        return a.key == b.key && a.t_ms == b.t_ms && a.account == b.account &&
               a.content == b.content;
      });
  actions.erase(last, actions.end());
}

void sort_and_reduce(std::vector<CoactionEdge>& edges) {
  std::sort(edges.begin(), edges.end(), [](const CoactionEdge& a, const CoactionEdge& b) {
    return std::tie(a.src, a.dst) < std::tie(b.src, b.dst);
  });
  std::size_t out = 0;
  for (std::size_t i = 0; i < edges.size(); ++i) {
    if (out > 0 && edges[out - 1].src == edges[i].src && edges[out - 1].dst == edges[i].dst) {
      auto& e = edges[out - 1];
      e.count += edges[i].count;
      e.n_keys += edges[i].n_keys;
      e.min_delay_ms = std::min(e.min_delay_ms, edges[i].min_delay_ms);
      e.sum_delay_ms += edges[i].sum_delay_ms;
    } else {
      edges[out++] = edges[i];
    }
  }
  edges.resize(out);
}

std::uint64_t count_window_pairs(const Action* begin, const Action* end, DurationMs window_ms) {
  std::uint64_t pairs = 0;
  const Action* left = begin;
  for (const Action* right = begin; right != end; ++right) {
    while (right->t_ms - left->t_ms > window_ms) ++left;
    pairs += static_cast<std::uint64_t>(right - left);
  }
  return pairs;
}

void sweep_key(const Action* begin, const Action* end, DurationMs window_ms,
               std::vector<CoactionEdge>& out) {
  const auto first = out.size();
  const Action* left = begin;
  for (const Action* right = begin; right != end; ++right) {
    while (right->t_ms - left->t_ms > window_ms) ++left;
    for (const Action* a = left; a != right; ++a) {
      if (a->account == right->account) continue;
      const DurationMs dt = right->t_ms - a->t_ms;
      const auto [u, v] = std::minmax(a->account, right->account);
      out.push_back({u, v, 1, 0, dt, dt});
    }
  }
  std::sort(out.begin() + static_cast<long>(first), out.end(),
            [](const CoactionEdge& a, const CoactionEdge& b) {
              return std::tie(a.src, a.dst) < std::tie(b.src, b.dst);
            });
  std::size_t w = first;
  for (std::size_t i = first; i < out.size(); ++i) {
    if (w > first && out[w - 1].src == out[i].src && out[w - 1].dst == out[i].dst) {
      out[w - 1].count += 1;
      out[w - 1].min_delay_ms = std::min(out[w - 1].min_delay_ms, out[i].min_delay_ms);
      out[w - 1].sum_delay_ms += out[i].sum_delay_ms;
    } else {
      out[w] = out[i];
      out[w].n_keys = 1;
      ++w;
    }
  }
  out.resize(w);
}

}  // namespace coordnet::coaction_detail
