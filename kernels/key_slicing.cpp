#include "kernels/key_slicing.hpp"

#include <absl/container/flat_hash_map.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <numeric>

#include "core/exchange.hpp"
#include "core/hash.hpp"
#include "core/radix_sort.hpp"

namespace coordnet {

namespace {

struct KeyCount {
  KeyHash key;
  std::uint64_t n;
  TimeMs first_ms, last_ms;
};

// The buckets of the key hash (its top bits) whose actions of one layer over all ranks pass
// `threshold`: a key with more actions than that lies in one, so only the actions of these buckets
// need counting per key (a hash map of every key cost 0.94 s on 11.7M actions; the histogram is
// one pass over the actions and an allreduce). About four buckets per `threshold` actions of all
// layers (an ordinary bucket holds at most a quarter of it; counting the layer's actions first
// took another pass), from 2^10 to 2^22. The same on every rank and at any rank count (sums of
// counts). Collective.
class BusyBuckets {
 public:
  BusyBuckets(const std::vector<Action>& actions, Layer layer, std::uint64_t threshold,
              const Comm& comm) {
    const auto total = comm.allreduce<std::uint64_t>(actions.size(), ReduceOp::sum);
    const auto buckets =
        std::bit_ceil(std::clamp<std::uint64_t>(4 * total / std::max<std::uint64_t>(threshold, 1),
                                                std::uint64_t{1} << 10, std::uint64_t{1} << 22));
    shift_ = 64 - std::countr_zero(buckets);
    std::vector<std::uint64_t> counts(buckets, 0);
    for (const auto& a : actions) counts[a.key.value >> shift_] += a.layer == layer ? 1 : 0;
    counts = comm.allreduce<std::uint64_t>(counts, ReduceOp::sum);
    busy_.resize(buckets);
    for (std::size_t b = 0; b < buckets; ++b) busy_[b] = counts[b] > threshold ? 1 : 0;
  }
  bool busy(KeyHash key) const { return busy_[key.value >> shift_] != 0; }
  int shift() const { return shift_; }
  const std::vector<std::uint8_t>& buckets() const { return busy_; }

 private:
  int shift_;
  std::vector<std::uint8_t> busy_;
};

// Action counts and time spans of this rank's keys of `layer` in busy buckets.
std::vector<KeyCount> count_keys(const std::vector<Action>& actions, Layer layer,
                                 const BusyBuckets& buckets) {
  absl::flat_hash_map<std::uint64_t, KeyCount> counts;
  for (const auto& a : actions) {
    if (a.layer != layer || !buckets.busy(a.key)) continue;
    auto [it, inserted] = counts.try_emplace(a.key.value, KeyCount{a.key, 0, a.t_ms, a.t_ms});
    auto& c = it->second;
    ++c.n;
    c.first_ms = std::min(c.first_ms, a.t_ms);
    c.last_ms = std::max(c.last_ms, a.t_ms);
  }
  std::vector<KeyCount> out;
  out.reserve(counts.size());
  for (const auto& [key, c] : counts) out.push_back(c);
  return out;
}

// The keys this rank owns with more than hot_key_actions / kBusyKeyShare actions over all ranks
// (counts and time spans summed at the key owners), sorted by key.
std::vector<HotKey> owned_candidates(const std::vector<Action>& actions, Layer layer,
                                     const KeySlicing& slicing, const BusyBuckets& buckets,
                                     const Comm& comm) {
  auto received =
      exchange_by_owner(
          count_keys(actions, layer, buckets),
          [&](const KeyCount& c) { return owner_of_hash(c.key.value, comm.size()); }, comm)
          .data;
  std::sort(received.begin(), received.end(),
            [](const KeyCount& a, const KeyCount& b) { return a.key < b.key; });
  std::vector<HotKey> mine;
  for (std::size_t i = 0; i < received.size();) {
    KeyCount total = received[i];
    std::size_t j = i + 1;
    for (; j < received.size() && received[j].key == total.key; ++j) {
      total.n += received[j].n;
      total.first_ms = std::min(total.first_ms, received[j].first_ms);
      total.last_ms = std::max(total.last_ms, received[j].last_ms);
    }
    if (total.n > slicing.hot_key_actions / kBusyKeyShare) {
      mine.push_back({total.key, total.n, total.first_ms, total.last_ms});
    }
    i = j;
  }
  return mine;
}

void order_by_key(std::vector<HotKey>& keys) {
  std::sort(keys.begin(), keys.end(),
            [](const HotKey& a, const HotKey& b) { return a.key < b.key; });
}

// Actions of one candidate key in one histogram bin, on one rank.
struct BinCount {
  std::uint64_t candidate_bin;  // candidate index << kBinBits | bin
  std::uint64_t n;
};
constexpr int kBinBits = 20;
static_assert(kSliceBins < (std::uint64_t{1} << kBinBits));

// The hot keys of all ranks, with their slices, and the placed keys. The candidates are gathered
// on every rank, which counts its actions of them per bin and sends the counts to the key's
// owner; the owner sums them, plans the key's slices and decides whether it is hot; the plans
// are gathered, and the slices and the candidates that stay whole are placed. Per rank this holds
// the candidates (one per hot_key_actions / kBusyKeyShare actions of the layer at most), its own
// actions' bins and the bins of the keys it owns, never the bins of every key.
SlicePlan plan_hot_keys(const std::vector<Action>& actions, Layer layer, const KeySlicing& slicing,
                        const Comm& comm) {
  const BusyBuckets buckets(actions, layer, slicing.hot_key_actions / kBusyKeyShare, comm);
  auto candidates =
      comm.allgatherv<HotKey>(owned_candidates(actions, layer, slicing, buckets, comm));
  SlicePlan plan;
  if (candidates.empty()) return plan;
  plan.busy = buckets.buckets();
  plan.busy_shift = buckets.shift();
  order_by_key(candidates);
  std::vector<DurationMs> bin_ms;
  bin_ms.reserve(candidates.size());
  for (const auto& c : candidates) bin_ms.push_back(slice_bin_ms(c, slicing.window_ms));

  absl::flat_hash_map<std::uint64_t, std::uint64_t> local;
  for (const auto& a : actions) {
    if (a.layer != layer || !buckets.busy(a.key)) continue;
    const auto* candidate = find_hot_key(candidates, a.key);
    if (candidate == nullptr) continue;
    const auto h = static_cast<std::uint64_t>(candidate - candidates.data());
    const auto bin = static_cast<std::uint64_t>((a.t_ms - candidate->first_ms) / bin_ms[h]);
    ++local[h << kBinBits | bin];
  }
  std::vector<BinCount> counts;
  counts.reserve(local.size());
  for (const auto& [candidate_bin, n] : local) counts.push_back({candidate_bin, n});
  auto received =
      exchange_by_owner(
          counts,
          [&](const BinCount& c) {
            return owner_of_hash(candidates[c.candidate_bin >> kBinBits].key.value, comm.size());
          },
          comm)
          .data;
  std::sort(received.begin(), received.end(),
            [](const BinCount& a, const BinCount& b) { return a.candidate_bin < b.candidate_bin; });

  // A candidate is hot when it has more than hot_key_actions actions or needs several slices.
  std::vector<HotKey> hot_keys;
  std::vector<TimeMs> starts;
  std::vector<double> slice_work;
  std::vector<KeyHash> whole;  // the candidates this rank owns that stay whole, and their work
  std::vector<double> whole_work;
  for (std::size_t i = 0; i < received.size();) {
    const auto h = received[i].candidate_bin >> kBinBits;
    auto hot = candidates[h];
    std::vector<std::uint64_t> bins(
        static_cast<std::size_t>((hot.last_ms - hot.first_ms) / bin_ms[h]) + 1, 0);
    for (; i < received.size() && received[i].candidate_bin >> kBinBits == h; ++i) {
      bins[received[i].candidate_bin & ((std::uint64_t{1} << kBinBits) - 1)] += received[i].n;
    }
    const auto key = plan_slices(hot, bins, bin_ms[h], slicing);
    if (hot.n_actions <= slicing.hot_key_actions && key.starts.size() == 1) {
      whole.push_back(hot.key);
      whole_work.push_back(key.work.front());
      continue;
    }
    hot.first_slice = starts.size();
    hot.n_slices = static_cast<std::uint32_t>(key.starts.size());
    starts.insert(starts.end(), key.starts.begin(), key.starts.end());
    slice_work.insert(slice_work.end(), key.work.begin(), key.work.end());
    hot_keys.push_back(hot);
  }
  // first_slice indexes the gathered starts: shifted by the starts of the lower ranks.
  const auto offset = comm.exscan_sum<std::uint64_t>(starts.size());
  for (auto& hot : hot_keys) hot.first_slice += offset;
  plan.hot_keys = comm.allgatherv<HotKey>(hot_keys);
  plan.slice_starts = comm.allgatherv<TimeMs>(starts);
  // The slices and the whole candidates are placed together, on ranks that start even (the other
  // keys, each small, spread evenly by hash).
  auto work = comm.allgatherv<double>(slice_work);
  const auto n_slices = work.size();
  const auto all_whole_work = comm.allgatherv<double>(whole_work);
  work.insert(work.end(), all_whole_work.begin(), all_whole_work.end());
  const auto ranks = place_slices(work, std::vector<double>(static_cast<std::size_t>(comm.size())));
  plan.slice_ranks.assign(ranks.begin(), ranks.begin() + static_cast<std::ptrdiff_t>(n_slices));
  const auto all_whole = comm.allgatherv<KeyHash>(whole);
  for (std::size_t w = 0; w < all_whole.size(); ++w) {
    plan.placed.push_back({all_whole[w], ranks[n_slices + w]});
  }
  std::sort(plan.placed.begin(), plan.placed.end(),
            [](const PlacedKey& a, const PlacedKey& b) { return a.key < b.key; });
  order_by_key(plan.hot_keys);
  return plan;
}

}  // namespace

std::vector<Action> actions_of_layer(const std::vector<Action>& actions, Layer layer) {
  std::vector<Action> out;
  out.reserve(static_cast<std::size_t>(std::count_if(
      actions.begin(), actions.end(), [&](const Action& a) { return a.layer == layer; })));
  for (const auto& a : actions) {
    if (a.layer == layer) out.push_back(a);
  }
  return out;
}

std::vector<Action> to_key_owners(const std::vector<Action>& actions, const Comm& comm) {
  return exchange_by_owner(
             actions, [&](const Action& a) { return owner_of_hash(a.key.value, comm.size()); },
             comm)
      .data;
}

const HotKey* find_hot_key(const std::vector<HotKey>& hot_keys, KeyHash key) {
  const auto it = std::lower_bound(hot_keys.begin(), hot_keys.end(), key,
                                   [](const HotKey& h, KeyHash k) { return h.key < k; });
  return it != hot_keys.end() && it->key == key ? &*it : nullptr;
}

std::uint16_t SlicePlan::slice_of(const HotKey& hot, TimeMs t_ms) const {
  const auto first = slice_starts.begin() + static_cast<std::ptrdiff_t>(hot.first_slice);
  return static_cast<std::uint16_t>(std::upper_bound(first, first + hot.n_slices, t_ms) - first -
                                    1);
}

std::vector<int> place_slices(const std::vector<double>& slice_work, std::vector<double> loads) {
  std::vector<std::size_t> order(slice_work.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return slice_work[a] > slice_work[b]; });
  std::vector<int> ranks(slice_work.size());
  for (const auto s : order) {
    const auto lightest = std::min_element(loads.begin(), loads.end()) - loads.begin();
    ranks[s] = static_cast<int>(lightest);
    loads[static_cast<std::size_t>(lightest)] += slice_work[s];
  }
  return ranks;
}

DurationMs slice_bin_ms(const HotKey& hot, DurationMs window_ms) {
  const auto span = static_cast<std::uint64_t>(hot.last_ms - hot.first_ms) + 1;
  const auto bins = std::clamp<std::uint64_t>(hot.n_actions / 8, 1, kSliceBins);
  const auto narrowest =
      (static_cast<std::uint64_t>(window_ms) + kBinsPerWindow) / kBinsPerWindow;  // ceil((w+1)/k)
  return static_cast<DurationMs>(std::max<std::uint64_t>(narrowest, (span + bins - 1) / bins));
}

namespace {

// The probability that x - y <= t for x, y uniform in [0, 1) (the difference's triangular CDF).
double difference_at_most(double t) {
  if (t <= -1) return 0;
  if (t <= 0) return (1 + t) * (1 + t) / 2;
  if (t <= 1) return 1 - (1 - t) * (1 - t) / 2;
  return 1;
}

// The estimated work of each bin of a candidate key (its co-actions plus its actions), the key's
// estimated co-actions and its total work.
struct BinWork {
  std::vector<double> work;
  double coactions = 0;
  double total = 0;
};

BinWork bin_work(const std::vector<std::uint64_t>& bin_counts, DurationMs bin_ms,
                 DurationMs window_ms) {
  // Co-actions of the actions of bin i, for actions spread evenly within each bin, with
  // r = (window + 1) / B bins in a window (at most kBinsPerWindow) and F the CDF above: the
  // pairs within bin i, n_i^2 (F(r) - 1/2), and those with bin i - d for d = 1 .. ceil(r),
  // n_i n_(i-d) F(r - d). (For r <= 1: n_i^2 (r - r^2 / 2) + n_i n_(i-1) r^2 / 2.) A slice's work
  // is its co-actions and its actions.
  const double r = static_cast<double>(window_ms + 1) / static_cast<double>(bin_ms);
  const auto reach = static_cast<std::size_t>(std::ceil(r));
  BinWork out;
  out.work.resize(bin_counts.size());
  for (std::size_t i = 0; i < bin_counts.size(); ++i) {
    const auto n = static_cast<double>(bin_counts[i]);
    double c = n * n * (difference_at_most(r) - 0.5);
    for (std::size_t d = 1; d <= reach && d <= i; ++d) {
      c += n * static_cast<double>(bin_counts[i - d]) *
           difference_at_most(r - static_cast<double>(d));
    }
    out.coactions += c;
    out.work[i] = c + n;
    out.total += out.work[i];
  }
  return out;
}

}  // namespace

KeySlices plan_slices(const HotKey& hot, const std::vector<std::uint64_t>& bin_counts,
                      DurationMs bin_ms, const KeySlicing& slicing) {
  const auto [work, coactions, total] = bin_work(bin_counts, bin_ms, slicing.window_ms);
  const auto slice_actions = std::max<std::uint64_t>(1, slicing.slice_actions);
  const auto by_actions = hot.n_actions > slicing.hot_key_actions
                              ? (hot.n_actions + slice_actions - 1) / slice_actions
                              : 1;
  const auto wanted = std::max<std::uint64_t>(
      {1, by_actions,
       static_cast<std::uint64_t>(
           std::ceil(coactions / static_cast<double>(slice_actions * kSliceCoactionsPerAction)))});
  const double per_slice = total / static_cast<double>(wanted);
  // Bin i belongs to slice floor(work before it / per_slice); a slice starts where that changes
  // (never at an empty bin).
  KeySlices slices{{hot.first_ms}, {0.0}};
  double done = 0;
  std::uint64_t current = 0;
  for (std::size_t i = 0; i < bin_counts.size(); ++i) {
    const auto index = static_cast<std::uint64_t>(done / per_slice);
    if (i > 0 && bin_counts[i] > 0 && index > current) {
      slices.starts.push_back(hot.first_ms + static_cast<TimeMs>(i) * bin_ms);
      slices.work.push_back(0.0);
      current = index;
    }
    done += work[i];
    slices.work.back() += work[i];
  }
  return slices;
}

int SlicePlan::rank_of_whole(KeyHash key, int n_ranks) const {
  if (!busy.empty() && busy[key.value >> busy_shift] != 0) {
    const auto it = std::lower_bound(placed.begin(), placed.end(), key,
                                     [](const PlacedKey& p, KeyHash k) { return p.key < k; });
    if (it != placed.end() && it->key == key) return it->rank;
  }
  return owner_of_hash(key.value, n_ranks);
}

namespace {

// The places of the shuffle's copy (core/radix_sort.hpp copy_grouped), rank by rank: first the
// hash groups that the rank's own range of hashes meets, ascending (its keys that stay with their
// owner), then the groups of the keys displaced onto it (hot slices and placed keys away from
// their owners), ascending. Every rank's copies leave as one stretch of at most two ascending runs
// of groups, and there are at most 4,096 + p - 1 + (displaced key groups) places: a place per
// (rank, group) took two arrays of p x 4,096 counters per rank, 128 MiB at 2,048 ranks.
class CopyPlaces {
 public:
  CopyPlaces(const SlicePlan& plan, int n_ranks)
      : n_ranks_(n_ranks), first_group_(static_cast<std::size_t>(n_ranks)) {
    const auto p = static_cast<std::size_t>(n_ranks);
    const auto owner = [&](KeyHash key) { return owner_of_hash(key.value, n_ranks); };
    for (const auto& hot : plan.hot_keys) {
      for (std::uint32_t s = 0; s < hot.n_slices; ++s) {
        const auto rank = plan.slice_ranks[hot.first_slice + s];
        if (rank != owner(hot.key)) displaced_.push_back({rank, group(hot.key)});
      }
    }
    for (const auto& placed : plan.placed) {
      if (placed.rank != owner(placed.key)) displaced_.push_back({placed.rank, group(placed.key)});
    }
    std::sort(displaced_.begin(), displaced_.end());
    displaced_.erase(std::unique(displaced_.begin(), displaced_.end()), displaced_.end());
    // Rank r owns the hashes from ceil(r 2^64 / p) to the next rank's first - 1.
    __extension__ using uint128 = unsigned __int128;
    const auto first_hash = [&](std::size_t r) {
      return static_cast<std::uint64_t>(((static_cast<uint128>(r) << 64) + p - 1) / p);
    };
    rank_begin_.resize(p + 1);
    displaced_place_.resize(displaced_.size());
    std::size_t place = 0, k = 0;
    for (std::size_t r = 0; r < p; ++r) {
      const auto last_hash = r + 1 < p ? first_hash(r + 1) - 1 : ~std::uint64_t{0};
      first_group_[r] = radix_detail::hash_group(first_hash(r));
      rank_begin_[r] = place;
      place += radix_detail::hash_group(last_hash) - first_group_[r] + 1;
      for (; k < displaced_.size() && displaced_[k].first == static_cast<int>(r); ++k) {
        displaced_place_[k] = place++;
      }
    }
    rank_begin_[p] = place;
  }

  std::size_t size() const { return rank_begin_.back(); }
  // The place of a copy of an action of `key` sent to the key's owner.
  std::size_t natural(KeyHash key) const {
    const auto owner = static_cast<std::size_t>(owner_of_hash(key.value, n_ranks_));
    return rank_begin_[owner] + group(key) - first_group_[owner];
  }
  // The place of a copy of an action of `key` sent to `rank`.
  std::size_t of(int rank, KeyHash key) const {
    if (rank == owner_of_hash(key.value, n_ranks_)) return natural(key);
    const auto g = group(key);
    const auto it = std::lower_bound(displaced_.begin(), displaced_.end(), std::pair{rank, g});
    return displaced_place_[static_cast<std::size_t>(it - displaced_.begin())];
  }
  // How many copies go to each rank, from copy_grouped's starts.
  std::vector<std::uint64_t> counts(const std::vector<std::size_t>& starts) const {
    std::vector<std::uint64_t> out(static_cast<std::size_t>(n_ranks_));
    for (std::size_t r = 0; r < out.size(); ++r) {
      out[r] = starts[rank_begin_[r + 1]] - starts[rank_begin_[r]];
    }
    return out;
  }

 private:
  static std::size_t group(KeyHash key) { return radix_detail::hash_group(key.value); }

  int n_ranks_;
  std::vector<std::size_t> first_group_;  // per rank: the group of its first hash
  std::vector<std::size_t> rank_begin_;   // per rank: its first place (n_ranks + 1 entries)
  std::vector<std::pair<int, std::size_t>> displaced_;  // (rank, group), sorted
  std::vector<std::size_t> displaced_place_;            // the place of each
};

}  // namespace

KeyShuffle shuffle_to_key_slices(const std::vector<Action>& actions, Layer layer,
                                 const KeySlicing& slicing, const Comm& comm) {
  const auto plan = plan_hot_keys(actions, layer, slicing, comm);
  const int n_ranks = comm.size();
  // Each action's copy goes to its rank's stretch, grouped by the key hash's top bits within it
  // (CopyPlaces): a hot key's slice to the slice's rank, with a halo copy for every later slice
  // that starts within one window after the action; any other key to its placed rank or its
  // owner.
  const CopyPlaces places(plan, n_ranks);
  const auto copies_of = [&](const Action& a, auto&& emit) {
    if (a.layer != layer) return;
    // Only a key in a busy bucket (a candidate) may be hot or placed away from its owner.
    const bool busy = !plan.busy.empty() && plan.busy[a.key.value >> plan.busy_shift] != 0;
    const auto* hot = busy ? find_hot_key(plan.hot_keys, a.key) : nullptr;
    if (hot == nullptr) {
      emit(a, busy ? places.of(plan.rank_of_whole(a.key, n_ranks), a.key) : places.natural(a.key));
      return;
    }
    Action own = a;
    own.slice = plan.slice_of(*hot, a.t_ms);
    emit(own, places.of(plan.slice_ranks[hot->first_slice + own.slice], a.key));
    for (std::uint32_t s = own.slice + 1u;
         s < hot->n_slices && a.t_ms >= plan.slice_starts[hot->first_slice + s] - slicing.window_ms;
         ++s) {
      Action halo = own;
      halo.slice = static_cast<std::uint16_t>(s);
      halo.flags |= kActionIsHalo;
      emit(halo, places.of(plan.slice_ranks[hot->first_slice + s], a.key));
    }
  };
  std::vector<std::size_t> starts;
  auto copies = copy_grouped<Action>(actions, copies_of, places.size(), starts,
                                     n_ranks > 1 ? kReceiveHeadroom : 0.0);
  KeyShuffle result;
  result.hot_keys = plan.hot_keys;
  if (n_ranks == 1) {
    result.actions = std::move(copies);
    return result;
  }
  result.actions =
      comm.alltoallv<Action>(std::span<const Action>(copies), places.counts(starts)).data;
  copies.clear();
  result.spare = std::move(copies);
  return result;
}

}  // namespace coordnet
