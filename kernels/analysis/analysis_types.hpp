// Records of the analysis stage (DESIGN.md §2 "Analysis", docs/analysis.md): what the owner rank
// of a community gathers about it, and what it computes from them. All records are trivially
// copyable, so they travel with exchange_by_owner.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/action.hpp"
#include "core/ids.hpp"

namespace coordnet {

// An edge of the fused coordination graph, as the analysis reads it.
struct AnalysisEdge {
  AccountIndex src;
  AccountIndex dst;
  double weight = 0;
  std::uint64_t count = 0;      // co-actions (0 for content-free layers and --compat qut)
  DurationMs sum_delay_ms = 0;  // summed over the co-actions
  std::array<double, kLayerCount> layer_weight{};  // by Layer, 0 where the layer has no edge
};

struct MemberRecord {
  std::uint64_t community;
  AccountIndex account;
  std::uint32_t n_renames;
};

// A member's profile (/accounts/{created_ms, language, location}; unknown: kUnknownTime, "").
struct MemberProfile {
  AccountIndex account;
  TimeMs created_ms = kUnknownTime;
  std::string language;
  std::string location;
};

struct InternalEdge {
  std::uint64_t community;
  AnalysisEdge edge;
};

struct CommunityAction {
  std::uint64_t community;
  KeyHash key;
  ContentHash content;
  AccountIndex account;
  TimeMs t_ms;
  Layer layer;
  std::uint64_t key_actions = 0;  // hashtag layer: actions on the key by all accounts, else 0
};

// The end of the run of actions on the (layer, key) of actions[begin], in actions sorted by
// layer and key.
inline std::size_t end_of_key(const std::vector<CommunityAction>& actions, std::size_t begin) {
  auto end = begin;
  while (end < actions.size() && actions[end].layer == actions[begin].layer &&
         actions[end].key == actions[begin].key) {
    ++end;
  }
  return end;
}

// The place of an account among members sorted by account, or members.size() when it is none.
inline std::size_t member_place(const std::vector<MemberRecord>& members, AccountIndex account) {
  const auto it =
      std::lower_bound(members.begin(), members.end(), account,
                       [](const MemberRecord& m, AccountIndex a) { return m.account < a; });
  return it != members.end() && it->account == account
             ? static_cast<std::size_t>(it - members.begin())
             : members.size();
}

// Everything one community's analysis needs, whole on its owner rank.
struct CommunityInput {
  std::uint64_t community = 0;
  std::vector<MemberRecord> members;
  std::vector<MemberProfile> profiles;  // one per member
  std::vector<InternalEdge> edges;
  std::vector<CommunityAction> actions;
  double cut_weight = 0;  // weight of the edges with one end in the community (fixed-point sum)
  double excess = 0;      // the flagging stage's /communities/excess, nats (0 without flagging)
};

// The parts of the suspicion score, each in [0, 1] (docs/analysis.md "Score").
// `excess` is a part only in runs with the flagging stage (the last part, so the other parts keep
// their indexes when it is left out).
enum class ScorePart : std::uint8_t {
  size,
  cohesion,
  density,
  speed,
  burst,
  renames,
  causes,
  excess
};
inline constexpr std::size_t kScorePartCount = 8;
inline constexpr std::array<const char*, kScorePartCount> kScorePartNames = {
    "size", "cohesion", "density", "speed", "burst", "renames", "causes", "excess"};

// The parts a score has: all of them in a run that flagged, else all but `excess`.
constexpr std::size_t score_part_count(bool with_excess) {
  return with_excess ? kScorePartCount : kScorePartCount - 1;
}

// How one profile field (language, location) is spread over a community's members.
struct ProfileMix {
  static constexpr std::size_t kMaxTopBytes = 64;  // the readers cut longer values
  std::uint64_t n_known = 0;                       // members with a known value
  std::array<char, kMaxTopBytes> top{};            // most common value, NUL-padded ("" if none)
  double top_share = 0;                            // its share of the known members
  double entropy_bits = 0;                         // Shannon entropy of the known values

  std::string_view top_value() const {
    std::size_t n = 0;
    while (n < top.size() && top[n] != '\0') ++n;
    return {top.data(), n};
  }
};

// One row of /communities (NaN where a feature is undefined, see docs/analysis.md).
struct CommunityFeatures {
  std::uint64_t community = 0;
  std::uint64_t size = 0;
  std::uint64_t n_edges = 0;
  double internal_weight = 0;
  double cut_weight = 0;
  double density = 0;
  double edge_density = 0;
  double conductance = 0;
  std::uint32_t n_components = 0;
  std::uint32_t max_coreness = 0;
  double median_delay_s = 0;
  double delay_iqr_s = 0;
  TimeMs first_ms = 0;
  TimeMs last_ms = 0;
  double lifetime_s = 0;
  double burstiness = 0;
  double renames_per_account = 0;
  std::uint64_t n_causes = 0;
  std::uint64_t n_coordinated_keys = 0;
  double excess = 0;  // the flagging stage's community excess, nats (0 without flagging)
  std::uint64_t edge_evidence_skipped_keys = 0;  // keys left out of /edge_evidence (work cap)
  std::uint64_t n_created_known = 0;
  double created_iqr_days = 0;
  double created_batch_share = 0;
  ProfileMix language;
  ProfileMix location;
  std::array<double, kLayerCount> layer_share{};
  std::array<double, kScorePartCount> score_part{};
  double score = 0;
  std::uint64_t rank = 0;
};

// Roles of one account in its community (/accounts/{coreness, role, is_hub, ...}).
struct MemberRole {
  AccountIndex account;
  std::uint32_t coreness = 0;
  std::uint8_t is_core = 0;
  std::uint8_t is_hub = 0;
  double strength = 0;
  double betweenness = 0;
  double leader_share = 0;
};

// A key that binds a community (/communities/evidence), the order-th strongest of it.
struct EvidenceRow {
  std::uint64_t community;
  std::uint32_t order;
  Layer layer;
  KeyHash key;
  std::uint64_t n_accounts;
  std::uint64_t n_actions;
  TimeMs first_ms;
  TimeMs last_ms;
};

// An action of a top community's member (/communities/actions): the raster of the report.
struct TimelineAction {
  std::uint64_t community;
  AccountIndex account;
  TimeMs t_ms;
  KeyHash key;
  Layer layer;
  std::uint8_t coordinated;     // 1 when its key is one of the community's coordinated keys
  std::int32_t evidence_order;  // its key's row in the community's evidence, -1 when none
};

// A key that binds an internal edge (/edge_evidence), the order-th strongest of the edge: the
// co-actions of src and dst on the key within its layer's window.
struct EdgeEvidenceRow {
  AccountIndex src;
  AccountIndex dst;
  std::uint32_t order;
  Layer layer;
  KeyHash key;
  std::uint64_t n_coactions;
  TimeMs first_ms;  // earliest action in one of those co-actions
  TimeMs last_ms;   // latest
};

}  // namespace coordnet
