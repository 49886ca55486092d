#include "kernels/compat_coortweet.hpp"

#include <algorithm>
#include <tuple>

namespace coordnet::coortweet_detail {

void rows_of_key(const Action* begin, const Action* end, DurationMs window_ms,
                 std::vector<CoshareRow>& rows, std::vector<ContentHash>& contents) {
  const Action* left = begin;
  for (const Action* newer = begin; newer != end; ++newer) {
    while (newer->t_ms - left->t_ms > window_ms) ++left;
    for (const Action* older = left; older != newer; ++older) {
      if (older->account == newer->account || older->content == newer->content ||
          ((older->flags | newer->flags) & kActionIsOriginal) != 0) {
        continue;
      }
      const auto [src, dst] = std::minmax(older->account, newer->account);
      rows.push_back(
          {src, dst, older->content, newer->content, older->key, older->t_ms, newer->t_ms});
      contents.push_back(older->content);
      contents.push_back(newer->content);
    }
  }
}

std::vector<CoactionEdge> edges_of_rows(std::vector<CoshareRow>& rows) {
  std::sort(rows.begin(), rows.end(), [](const CoshareRow& a, const CoshareRow& b) {
    return std::tie(a.src, a.dst, a.older) < std::tie(b.src, b.dst, b.older);
  });
  std::vector<CoactionEdge> edges;
  std::vector<ContentHash> newer;
  std::vector<KeyHash> keys;
  for (std::size_t g = 0; g < rows.size();) {
    CoactionEdge e{rows[g].src, rows[g].dst};
    e.min_delay_ms = INT64_MAX;
    e.first_ms = INT64_MAX;
    e.last_ms = INT64_MIN;
    newer.clear();
    keys.clear();
    std::size_t h = g;
    for (; h < rows.size() && rows[h].src == e.src && rows[h].dst == e.dst; ++h) {
      const auto& r = rows[h];
      const DurationMs dt = r.t_newer - r.t_older;
      ++e.count;
      e.min_delay_ms = std::min(e.min_delay_ms, dt);
      e.sum_delay_ms += dt;
      e.first_ms = std::min(e.first_ms, r.t_older);
      e.last_ms = std::max(e.last_ms, r.t_newer);
      if (h == g || r.older != rows[h - 1].older) ++e.n_older;
      newer.push_back(r.newer);
      keys.push_back(r.key);
    }
    std::sort(newer.begin(), newer.end());
    e.n_newer = static_cast<std::uint64_t>(std::unique(newer.begin(), newer.end()) - newer.begin());
    std::sort(keys.begin(), keys.end());
    e.n_keys = static_cast<std::uint64_t>(std::unique(keys.begin(), keys.end()) - keys.begin());
    e.weight = static_cast<double>(e.count);
    edges.push_back(e);
    g = h;
  }
  return edges;
}

}  // namespace coordnet::coortweet_detail
