#include "kernels/pair_partial.hpp"

#include <algorithm>
#include <bit>

#include "kernels/coaction.hpp"
#include "kernels/radix_sort.hpp"

namespace coordnet {

namespace {

std::uint32_t saturating_add(std::uint32_t a, std::uint32_t b) {
  const std::uint64_t sum = std::uint64_t{a} + b;
  return sum > UINT32_MAX ? UINT32_MAX : static_cast<std::uint32_t>(sum);
}

}  // namespace

void merge_partial(PairPartial& p, const PairPartial& x) {
  p.count = saturating_add(p.count, x.count);
  p.n_fast = saturating_add(p.n_fast, x.n_fast);
  p.n_older = saturating_add(p.n_older, x.n_older);
  p.n_newer = saturating_add(p.n_newer, x.n_newer);
  p.min_delay_ms = std::min(p.min_delay_ms, x.min_delay_ms);
  p.sum_delay_ms += x.sum_delay_ms;
  p.first_ms = std::min(p.first_ms, x.first_ms);
  p.last_ms = std::max(p.last_ms, x.last_ms);
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
  if (e.count == 0) {
    e.src = p.src();
    e.dst = p.dst();
    e.min_delay_ms = p.min_delay_ms;
    e.first_ms = p.first_ms;
    e.last_ms = p.last_ms;
  } else {
    e.min_delay_ms = std::min(e.min_delay_ms, p.min_delay_ms);
    e.first_ms = std::min(e.first_ms, p.first_ms);
    e.last_ms = std::max(e.last_ms, p.last_ms);
  }
  e.count += p.count;
  e.n_keys += p.n_keys;
  e.n_fast += p.n_fast;
  e.sum_delay_ms += p.sum_delay_ms;
  e.n_older += p.n_older;
  e.n_newer += p.n_newer;
  e.tfidf_dot += p.tfidf_dot;
}

}  // namespace coordnet
