#include "kernels/text_similarity.hpp"

#include <algorithm>
#include <tuple>

#include "core/exchange.hpp"
#include "core/hash.hpp"

namespace coordnet {
namespace {

struct GroupQuestion {
  std::uint64_t signature_hash;
  ContentHash content;
};

struct BandEntry {
  std::uint64_t band_key;
  ContentHash content;
  MinHashSignature signature;
};

// A similar pair (from < to when found; both directions when handed to the vertex owners).
struct Link {
  ContentHash from;
  ContentHash to;
  friend constexpr auto operator<=>(const Link&, const Link&) = default;
};

struct LabelMessage {
  ContentHash vertex;
  ContentHash label;
};

int owner_of_content(ContentHash content, const Comm& comm) {
  return owner_of_hash(content.value, comm.size());
}

void sort_and_unique(std::vector<Link>& links) {
  std::sort(links.begin(), links.end());
  links.erase(std::unique(links.begin(), links.end()), links.end());
}

// At the owner of signature hashes: for each received question, the smallest content asked with
// the same signature hash. Counts the groups.
std::vector<ContentHash> smallest_content_of_group(const std::vector<GroupQuestion>& received,
                                                   std::uint64_t& groups) {
  auto by_group = received;
  std::sort(by_group.begin(), by_group.end(), [](const GroupQuestion& a, const GroupQuestion& b) {
    return std::tie(a.signature_hash, a.content) < std::tie(b.signature_hash, b.content);
  });
  // The first entry of each group holds its smallest content.
  by_group.erase(std::unique(by_group.begin(), by_group.end(),
                             [](const GroupQuestion& a, const GroupQuestion& b) {
                               return a.signature_hash == b.signature_hash;
                             }),
                 by_group.end());
  groups = by_group.size();
  std::vector<ContentHash> smallest;
  smallest.reserve(received.size());
  for (const auto& q : received) {
    const auto it = std::lower_bound(
        by_group.begin(), by_group.end(), q.signature_hash,
        [](const GroupQuestion& g, std::uint64_t h) { return g.signature_hash < h; });
    smallest.push_back(it->content);
  }
  return smallest;
}

// Step 1: the smallest content with the same signature, for every non-empty item (the item's own
// content for an empty one).
std::vector<ContentHash> representatives(const std::vector<TextItem>& items, const Comm& comm,
                                         NearDuplicateReport& report) {
  std::vector<GroupQuestion> questions;
  std::vector<std::size_t> asked;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (is_empty_signature(items[i].signature)) continue;
    questions.push_back(
        {XXH3_64bits(items[i].signature.data(), sizeof(MinHashSignature)), items[i].content});
    asked.push_back(i);
  }
  std::uint64_t groups = 0;
  const auto answers = ask_owners<ContentHash>(
      questions,
      [&](const GroupQuestion& q) { return owner_of_hash(q.signature_hash, comm.size()); },
      all_answers<ContentHash, GroupQuestion>([&](const std::vector<GroupQuestion>& received) {
        return smallest_content_of_group(received, groups);
      }),
      comm);
  report.distinct_signatures = comm.allreduce(groups, ReduceOp::sum);
  std::vector<ContentHash> result(items.size());
  for (std::size_t i = 0; i < items.size(); ++i) result[i] = items[i].content;
  for (std::size_t k = 0; k < asked.size(); ++k) result[asked[k]] = answers[k];
  return result;
}

// Verifies the pairs of one bucket (entries sorted by content, distinct) and appends the similar
// ones.
void verify_bucket(const BandEntry* begin, const BandEntry* end, const NearDuplicateConfig& config,
                   std::uint32_t min_slots, std::vector<Link>& similar,
                   NearDuplicateReport& report) {
  const auto size = static_cast<std::size_t>(end - begin);
  if (size > config.max_bucket_size) report.truncated_buckets += 1;
  for (std::size_t i = 1; i < size; ++i) {
    const auto partners = std::min<std::size_t>(i, config.max_bucket_size);
    for (std::size_t j = 0; j < partners; ++j) {
      report.candidate_pairs += 1;
      if (matching_slots(begin[i].signature, begin[j].signature) >= min_slots) {
        report.similar_pairs += 1;
        similar.push_back({begin[j].content, begin[i].content});
      }
    }
  }
}

// Step 2: the similar pairs among the representatives, found one LSH band at a time.
std::vector<Link> similar_pairs(const std::vector<TextItem>& items,
                                const std::vector<ContentHash>& representative,
                                const NearDuplicateConfig& config, const Comm& comm,
                                NearDuplicateReport& report) {
  std::vector<std::size_t> local_reps;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (!is_empty_signature(items[i].signature) && items[i].content == representative[i]) {
      local_reps.push_back(i);
    }
  }
  std::sort(local_reps.begin(), local_reps.end(),
            [&](std::size_t a, std::size_t b) { return items[a].content < items[b].content; });
  local_reps.erase(std::unique(local_reps.begin(), local_reps.end(),
                               [&](std::size_t a, std::size_t b) {
                                 return items[a].content == items[b].content;
                               }),
                   local_reps.end());

  const auto lsh = choose_lsh_bands(config.threshold);
  const auto min_slots = min_matching_slots(config.threshold);
  std::vector<std::uint64_t> keys;  // the band keys of local_reps[k] at k * bands + band
  keys.reserve(local_reps.size() * lsh.bands);
  for (const auto i : local_reps) {
    const auto of_rep = band_keys(items[i].signature, lsh);
    keys.insert(keys.end(), of_rep.begin(), of_rep.end());
  }
  std::vector<Link> similar;
  for (std::uint32_t band = 0; band < lsh.bands; ++band) {
    std::vector<BandEntry> entries;
    entries.reserve(local_reps.size());
    for (std::size_t k = 0; k < local_reps.size(); ++k) {
      const auto& rep = items[local_reps[k]];
      entries.push_back({keys[k * lsh.bands + band], rep.content, rep.signature});
    }
    auto buckets =
        exchange_by_owner(
            entries, [&](const BandEntry& e) { return owner_of_hash(e.band_key, comm.size()); },
            comm)
            .data;
    std::vector<BandEntry>().swap(entries);
    std::sort(buckets.begin(), buckets.end(), [](const BandEntry& a, const BandEntry& b) {
      return std::tie(a.band_key, a.content) < std::tie(b.band_key, b.content);
    });
    buckets.erase(std::unique(buckets.begin(), buckets.end(),
                              [](const BandEntry& a, const BandEntry& b) {
                                return a.band_key == b.band_key && a.content == b.content;
                              }),
                  buckets.end());
    for (std::size_t begin = 0; begin < buckets.size();) {
      std::size_t end = begin + 1;
      while (end < buckets.size() && buckets[end].band_key == buckets[begin].band_key) ++end;
      verify_bucket(buckets.data() + begin, buckets.data() + end, config, min_slots, similar,
                    report);
      begin = end;
    }
    sort_and_unique(similar);
  }
  return similar;
}

// Step 3: min-label propagation. Returns the vertices this rank owns (sorted) and their labels.
struct Components {
  std::vector<ContentHash> vertices;
  std::vector<ContentHash> labels;
};

Components connected_components(const std::vector<Link>& similar, const NearDuplicateConfig& config,
                                const Comm& comm, NearDuplicateReport& report) {
  std::vector<Link> directed;
  directed.reserve(2 * similar.size());
  for (const auto& l : similar) {
    directed.push_back(l);
    directed.push_back({l.to, l.from});
  }
  auto links = exchange_by_owner(
                   directed, [&](const Link& l) { return owner_of_content(l.from, comm); }, comm)
                   .data;
  std::vector<Link>().swap(directed);
  sort_and_unique(links);

  Components c;
  for (const auto& l : links) {
    if (c.vertices.empty() || c.vertices.back() != l.from) c.vertices.push_back(l.from);
  }
  c.labels = c.vertices;
  auto slot_of = [&](ContentHash v) {
    return static_cast<std::size_t>(std::lower_bound(c.vertices.begin(), c.vertices.end(), v) -
                                    c.vertices.begin());
  };
  std::vector<std::size_t> from_slot;
  from_slot.reserve(links.size());
  for (const auto& l : links) from_slot.push_back(slot_of(l.from));
  std::vector<char> changed(c.vertices.size(), 1);
  for (report.rounds = 1;; ++report.rounds) {
    std::vector<LabelMessage> messages;
    for (std::size_t i = 0; i < links.size(); ++i) {
      const auto v = from_slot[i];
      if (changed[v] && c.labels[v] < links[i].to) messages.push_back({links[i].to, c.labels[v]});
    }
    std::fill(changed.begin(), changed.end(), 0);
    const auto received = exchange_by_owner(
        messages, [&](const LabelMessage& m) { return owner_of_content(m.vertex, comm); }, comm);
    std::uint64_t n_changed = 0;
    for (const auto& m : received.data) {
      const auto w = slot_of(m.vertex);
      if (m.label < c.labels[w]) {
        c.labels[w] = m.label;
        n_changed += !changed[w];
        changed[w] = 1;
      }
    }
    if (comm.allreduce(n_changed, ReduceOp::sum) == 0) break;
    if (report.rounds == config.max_rounds) {
      report.converged = false;
      break;
    }
  }
  return c;
}

}  // namespace

NearDuplicateReport assign_near_duplicate_keys(std::vector<TextItem>& items,
                                               const NearDuplicateConfig& config,
                                               const Comm& comm) {
  NearDuplicateReport report;
  const auto representative = representatives(items, comm, report);
  const auto similar = similar_pairs(items, representative, config, comm, report);
  const auto components = connected_components(similar, config, comm, report);

  const auto labels = ask_owners<ContentHash>(
      representative, [&](ContentHash rep) { return owner_of_content(rep, comm); },
      all_answers<ContentHash, ContentHash>([&](const std::vector<ContentHash>& asked) {
        std::vector<ContentHash> answers;
        answers.reserve(asked.size());
        for (const auto rep : asked) {
          const auto it =
              std::lower_bound(components.vertices.begin(), components.vertices.end(), rep);
          const bool linked = it != components.vertices.end() && *it == rep;
          answers.push_back(
              linked ? components.labels[static_cast<std::size_t>(it - components.vertices.begin())]
                     : rep);
        }
        return answers;
      }),
      comm);
  for (std::size_t i = 0; i < items.size(); ++i) items[i].cluster = KeyHash{labels[i].value};

  report.candidate_pairs = comm.allreduce(report.candidate_pairs, ReduceOp::sum);
  report.similar_pairs = comm.allreduce(report.similar_pairs, ReduceOp::sum);
  report.truncated_buckets = comm.allreduce(report.truncated_buckets, ReduceOp::sum);
  return report;
}

}  // namespace coordnet
