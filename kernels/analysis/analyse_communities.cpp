#include "kernels/analysis/analyse_communities.hpp"

#include <algorithm>
#include <stdexcept>
#include <tuple>
#include <utility>

#include "core/exchange.hpp"
#include "core/radix_sort.hpp"
#include "kernels/analysis/rank_by_score.hpp"

namespace coordnet {

namespace {

// The records sent to their owners (grouped in place, not copied), each rank's share sorted by
// `less`. Collective.
template <class T, class OwnerOf, class Less>
std::vector<T> to_owners_sorted(std::vector<T> records, OwnerOf&& owner_of, Less&& less,
                                const Comm& comm) {
  auto received = exchange_by_owner(std::move(records), owner_of, comm).data;
  std::sort(received.begin(), received.end(), less);
  return received;
}

// The same for records with a unique integer key: sorted by radix (core/radix_sort.hpp), each
// record moved once. The feature rows are large (528 bytes), and the order they arrive in (each
// source's ascending rows grouped by owner in place, by swaps) drove std::sort into its heap sort:
// 0.36 s per rank of the 13M-row run's 1.8 s of analysis at 2 ranks.
template <class T, class OwnerOf, class KeyOf>
std::vector<T> to_owners_by_key(std::vector<T> records, OwnerOf&& owner_of, KeyOf&& key_of,
                                const Comm& comm) {
  auto received = exchange_by_owner(std::move(records), owner_of, comm).data;
  sort_by_key(received, key_of);
  return received;
}

// The timelines of the `n` best communities this rank analysed, best by score descending, then id
// ascending (the order of rank_by_score): the n best of all ranks are among the ranks' n best.
class BestTimelines {
 public:
  explicit BestTimelines(std::size_t n) : n_(n) {}

  // Whether a community of these features would be kept (its timeline is worth building).
  bool wants(const CommunityFeatures& f) const {
    return n_ > 0 && (kept_.size() < n_ || better(f.score, f.community, *worst()));
  }

  void offer(const CommunityFeatures& f, std::vector<TimelineAction> timeline) {
    if (timeline.empty() || !wants(f)) return;
    kept_.push_back({f.score, f.community, std::move(timeline)});
    if (kept_.size() > n_) kept_.erase(worst());
  }

  // The actions of the kept communities among `chosen` (sorted).
  std::vector<TimelineAction> of(const std::vector<std::uint64_t>& chosen) const {
    std::vector<TimelineAction> out;
    for (const auto& k : kept_) {
      if (std::binary_search(chosen.begin(), chosen.end(), k.community)) {
        out.insert(out.end(), k.timeline.begin(), k.timeline.end());
      }
    }
    return out;
  }

 private:
  struct Kept {
    double score;
    std::uint64_t community;
    std::vector<TimelineAction> timeline;
  };

  // The order of rank_by_score: score descending, then id ascending.
  static bool better(double score, std::uint64_t community, const Kept& than) {
    return score > than.score || (score == than.score && community < than.community);
  }

  std::vector<Kept>::const_iterator worst() const {
    return std::max_element(kept_.begin(), kept_.end(), [](const Kept& a, const Kept& b) {
      return better(a.score, a.community, b);
    });
  }
  std::size_t n_;
  std::vector<Kept> kept_;
};

}  // namespace

AnalysisResult analyse_communities(const AnalysisInput& in, AnalysisParams params,
                                   const Comm& comm) {
  params.total_volume = total_volume(in.edges, comm);
  auto communities = gather_communities(in, comm);
  std::vector<CommunityFeatures> features;
  std::vector<MemberRole> roles;
  std::vector<EvidenceRow> evidence;
  std::vector<EdgeEvidenceRow> edge_evidence;
  BestTimelines best(params.timeline_communities);
  // One feature row per community and one role per member: allocated once, not by doubling.
  std::size_t n_members = 0;
  for (const auto& c : communities) n_members += c.members.size();
  features.reserve(communities.size());
  roles.reserve(n_members);
  for (auto& c : communities) {
    auto analysis = analyse_community(std::move(c), params,
                                      [&](const CommunityFeatures& f) { return best.wants(f); });
    best.offer(analysis.features, std::move(analysis.timeline));
    features.push_back(analysis.features);
    roles.insert(roles.end(), analysis.roles.begin(), analysis.roles.end());
    evidence.insert(evidence.end(), analysis.evidence.begin(), analysis.evidence.end());
    edge_evidence.insert(edge_evidence.end(), analysis.edge_evidence.begin(),
                         analysis.edge_evidence.end());
  }
  std::vector<CommunityInput>().swap(communities);

  auto slice_owner = [&](std::uint64_t community) {
    return owner_of_block(in.first_community_by_rank, community);
  };
  auto account_owner = [&](AccountIndex account) {
    return owner_of_block(in.first_account_by_rank, account.value);
  };
  AnalysisResult out;
  out.features = to_owners_by_key(
      std::move(features), [&](const CommunityFeatures& f) { return slice_owner(f.community); },
      [](const CommunityFeatures& f) { return f.community; }, comm);
  if (out.features.size() != in.community_size.size()) {
    throw std::logic_error("analysis: a community slice came back incomplete");
  }
  out.roles = to_owners_by_key(
      std::move(roles), [&](const MemberRole& r) { return account_owner(r.account); },
      [](const MemberRole& r) { return r.account.value; }, comm);
  out.evidence = to_owners_sorted(
      std::move(evidence), [&](const EvidenceRow& e) { return slice_owner(e.community); },
      [](const auto& a, const auto& b) {
        return std::tie(a.community, a.order) < std::tie(b.community, b.order);
      },
      comm);
  out.edge_evidence = to_owners_sorted(
      std::move(edge_evidence), [&](const EdgeEvidenceRow& e) { return account_owner(e.src); },
      [](const auto& a, const auto& b) {
        return std::tie(a.src, a.dst, a.order) < std::tie(b.src, b.dst, b.order);
      },
      comm);

  std::vector<double> scores;
  std::vector<std::uint64_t> ids;
  for (const auto& f : out.features) {
    scores.push_back(f.score);
    ids.push_back(f.community);
  }
  const auto ranks = rank_by_score(scores, ids, comm);
  for (std::size_t i = 0; i < ranks.size(); ++i) out.features[i].rank = ranks[i];

  if (params.timeline_communities > 0) {
    std::vector<std::uint64_t> chosen;
    for (const auto& f : out.features) {
      if (f.rank <= params.timeline_communities) chosen.push_back(f.community);
    }
    chosen = comm.allgatherv<std::uint64_t>(chosen);
    std::sort(chosen.begin(), chosen.end());
    out.timeline = to_owners_sorted(
        best.of(chosen), [&](const TimelineAction& a) { return slice_owner(a.community); },
        [](const auto& a, const auto& b) {
          return std::tie(a.community, a.account, a.t_ms, a.layer, a.evidence_order, a.key) <
                 std::tie(b.community, b.account, b.t_ms, b.layer, b.evidence_order, b.key);
        },
        comm);
  }
  return out;
}

}  // namespace coordnet
