#include "kernels/pair_partial.hpp"

#include <algorithm>
#include <bit>

#include "core/radix_sort.hpp"
#include "kernels/coaction.hpp"

namespace coordnet {

void merge_partial(PairPartial& p, const PairPartial& x) {
  p.sums.merge(x.sums);
  if (p.key_tag == 0) {
    p.n_keys = saturating_add(p.n_keys, x.n_keys);
    p.tfidf_dot += x.tfidf_dot;
  }
}

void sort_and_reduce(std::vector<PairPartial>& partials) {
  std::uint64_t max_src = 0, max_dst = 0, max_tag = 0;
  for (const auto& p : partials) {
    max_src = std::max(max_src, p.pair >> 32);
    max_dst = std::max(max_dst, p.pair & kMaxPairAccount);
    max_tag = std::max<std::uint64_t>(max_tag, p.key_tag);
  }
  // One radix sort on (src, dst, tag) squeezed into 64 bits when it fits, else a sort by tag
  // followed by a stable one by pair.
  const auto tag_bits = static_cast<int>(std::bit_width(max_tag));
  const auto dst_bits = static_cast<int>(std::bit_width(max_dst));
  if (static_cast<int>(std::bit_width(max_src)) + dst_bits + tag_bits <= 64) {
    sort_by_key(partials, [&](const PairPartial& p) {
      const std::uint64_t pair = ((p.pair >> 32) << dst_bits) | (p.pair & kMaxPairAccount);
      return tag_bits == 0 ? pair : (pair << tag_bits) | p.key_tag;
    });
  } else {
    sort_by_key(partials, [](const PairPartial& p) { return std::uint64_t{p.key_tag}; });
    sort_by_key(partials, [](const PairPartial& p) { return p.pair; });
  }
  std::size_t out = 0;
  for (std::size_t i = 0; i < partials.size(); ++i) {
    if (out > 0 && partials[out - 1].pair == partials[i].pair &&
        partials[out - 1].key_tag == partials[i].key_tag) {
      merge_partial(partials[out - 1], partials[i]);
    } else {
      partials[out++] = partials[i];
    }
  }
  partials.resize(out);
}

void add_to_edge(CoactionEdge& e, const PairPartial& p) {
  const CoactionSums& x = p.sums;
  if (e.count == 0) {
    e.src = p.src();
    e.dst = p.dst();
    e.min_delay_ms = x.min_delay_ms;
    e.first_ms = x.first_ms;
    e.last_ms = x.last_ms;
  } else {
    e.min_delay_ms = std::min(e.min_delay_ms, x.min_delay_ms);
    e.first_ms = std::min(e.first_ms, x.first_ms);
    e.last_ms = std::max(e.last_ms, x.last_ms);
  }
  e.count += x.count;
  e.n_keys += p.n_keys;
  e.n_fast += x.n_fast;
  e.sum_delay_ms += x.sum_delay_ms;
  e.n_older += x.n_older;
  e.n_newer += x.n_newer;
  e.tfidf_dot += p.tfidf_dot;
}

}  // namespace coordnet
