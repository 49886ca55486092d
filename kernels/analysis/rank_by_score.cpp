#include "kernels/analysis/rank_by_score.hpp"

#include <algorithm>
#include <numeric>

#include "core/exchange.hpp"

namespace coordnet {

namespace {

struct Scored {
  double score;
  std::uint64_t community;
};

bool ranks_before(const Scored& a, const Scored& b) {
  return a.score != b.score ? a.score > b.score : a.community < b.community;
}

}  // namespace

std::vector<std::uint64_t> rank_by_score(std::span<const double> score,
                                         std::span<const std::uint64_t> community,
                                         const Comm& comm) {
  std::vector<Scored> mine(score.size());
  for (std::size_t i = 0; i < score.size(); ++i) mine[i] = {score[i], community[i]};
  auto sorted = mine;
  std::sort(sorted.begin(), sorted.end(), ranks_before);
  const auto p = static_cast<std::size_t>(comm.size());
  std::vector<Scored> samples;
  for (std::size_t j = 1; j < p && !sorted.empty(); ++j)
    samples.push_back(sorted[j * sorted.size() / p]);
  auto all_samples = comm.allgatherv<Scored>(samples);
  std::sort(all_samples.begin(), all_samples.end(), ranks_before);
  std::vector<Scored> splitters;
  for (std::size_t k = 1; k < p && !all_samples.empty(); ++k) {
    splitters.push_back(all_samples[k * all_samples.size() / p]);
  }
  auto bucket = [&](const Scored& s) {
    return static_cast<int>(std::upper_bound(splitters.begin(), splitters.end(), s, ranks_before) -
                            splitters.begin());
  };
  auto rank_received = [&](const Received<Scored>& received) {
    const auto& data = received.data;
    std::vector<std::size_t> order(data.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(),
              [&](std::size_t a, std::size_t b) { return ranks_before(data[a], data[b]); });
    const auto offset = comm.exscan_sum<std::uint64_t>(data.size());
    std::vector<std::uint64_t> ranks(data.size());
    for (std::size_t pos = 0; pos < order.size(); ++pos) ranks[order[pos]] = offset + pos + 1;
    return ranks;
  };
  return ask_owners<std::uint64_t>(mine, bucket, rank_received, comm);
}

}  // namespace coordnet
