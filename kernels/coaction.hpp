// Windowed co-action projection of one layer (DESIGN.md §2, "Windowed co-action").
//
// What it computes: for every key (retweeted tweet, hashtag, URL, ...) and every pair of its
// actions by different accounts u < v with |t_u - t_v| <= window, one co-action. Exact duplicate
// actions (same key, account, content and time) count once. Per pair of accounts:
//   count             co-actions
//   n_keys            distinct keys with at least one co-action
//   n_fast            co-actions with |dt| <= fast window
//   min / sum delay   of |dt| over the co-actions
//   first / last      earliest and latest time of an action in a co-action
//   n_older, n_newer  distinct actions on the earlier and on the later side of the co-actions
//                     (CooRTweet's n_content_id / n_content_id_y; symmetry = min / max)
//   weight            by CoactionConfig::weighting: pairs (= count), keys (= n_keys), or tfidf:
//                     cosine of the accounts' TF-IDF vectors over keys (Pacheco et al. 2021),
//                     the dot product taken over the keys they co-act on
//
// How: actions are shuffled to the owner of their key; a hot key (more actions than
// hot_key_actions) is cut into time slices owned by different ranks, each with a halo of one
// window so no pair is lost or doubled (kernels/key_slicing.hpp). Each key (slice) is sorted by
// time and swept with a sliding window. Pair partials are emitted in blocks of at most
// block_pairs, pre-aggregated locally, and streamed in rounds to the owner of the smaller
// account, which reduces them; so the memory of the sweep is bounded by the block, not by the
// pairs of a viral key. A pair seen in several blocks or slices of one key sends one
// (pair, key) record so n_keys still counts the key once. The result on each rank is sorted by
// (src, dst), and the concatenation over ranks is the same list at every rank count.
//
// Collective: every rank calls project_coactions once with its actions (any layers; only
// config.layer is used).
#pragma once

#include <absl/container/flat_hash_set.h>

#include <cstdint>
#include <utility>
#include <vector>

#include "core/action.hpp"
#include "core/comm.hpp"
#include "core/stage_metrics.hpp"
#include "kernels/pair_table.hpp"

namespace coordnet {

enum class Weighting { pairs, keys, tfidf };

struct CoactionConfig {
  Layer layer = Layer::retweet;
  DurationMs window_ms = 60'000;
  DurationMs fast_window_ms = 10'000;  // co-actions this fast are counted in n_fast
  Weighting weighting = Weighting::pairs;
  double min_weight = 0;  // edges with a smaller weight are dropped
  // Pair partials emitted and held before a local reduce and a round of the stream.
  std::size_t block_pairs = std::size_t{1} << 22;
  // Keys with more actions are cut into time slices of about slice_actions actions (never
  // under tfidf weighting, whose term frequencies need the whole key on one rank).
  std::uint64_t hot_key_actions = std::uint64_t{1} << 20;
  std::uint64_t slice_actions = std::uint64_t{1} << 18;
  std::uint64_t n_accounts = 0;  // accounts of the run (the N of the inverse key frequency)
};

struct CoactionEdge {
  AccountIndex src;  // src < dst
  AccountIndex dst;
  std::uint64_t count = 0;
  std::uint64_t n_keys = 0;
  std::uint64_t n_fast = 0;
  DurationMs min_delay_ms = 0;
  DurationMs sum_delay_ms = 0;
  TimeMs first_ms = 0;
  TimeMs last_ms = 0;
  std::uint64_t n_older = 0;
  std::uint64_t n_newer = 0;
  std::uint64_t tfidf_dot = 0;  // fixed point (kTfidfScale), summed over co-action keys
  double weight = 0;

  double mean_delay_ms() const {
    return count == 0 ? 0.0 : static_cast<double>(sum_delay_ms) / static_cast<double>(count);
  }
  double symmetry() const {
    const auto hi = std::max(n_older, n_newer);
    return hi == 0 ? 0.0
                   : static_cast<double>(std::min(n_older, n_newer)) / static_cast<double>(hi);
  }
};

// TF-IDF products are summed as integers scaled by this, so sums do not depend on the order of
// addition (and thus not on the rank count).
inline constexpr double kTfidfScale = 65536.0;

// `owner_of_account(AccountIndex) -> rank` decides where an edge lives (the owner of src).
template <class OwnerOf>
std::vector<CoactionEdge> project_coactions(const std::vector<Action>& actions,
                                            const CoactionConfig& config,
                                            OwnerOf&& owner_of_account, const Comm& comm,
                                            StageMetrics& metrics);

// Local building blocks, exposed for the serial reference and tests.
namespace coaction_detail {

// A (pair, key) seen in a block that does not hold the whole key: reduced at the pair's owner so
// that the key counts once in n_keys (and its TF-IDF product is added once).
struct PairKey {
  AccountIndex src, dst;
  KeyHash key;
  std::uint64_t tfidf_dot;
};

// Sorts by (src, dst) and merges equal pairs (sums, minima, maxima).
void sort_and_reduce(std::vector<CoactionEdge>& edges);
// Sorts and dedupes pair-keys, then adds one key (and its product) per pair-key to `edges`
// (sorted by (src, dst) and holding every pair of `pair_keys`).
void add_pair_keys(std::vector<PairKey>& pair_keys, std::vector<CoactionEdge>& edges);
// Sorts pair-keys and drops repeats (the owner does so whenever they double, to bound them by
// the distinct (pair, key) of split keys).
void dedupe_pair_keys(std::vector<PairKey>& pair_keys);
// Sorts by (key, slice, time, account, content) and drops exact duplicates.
void sort_and_dedupe(std::vector<Action>& actions);
// Number of pairs of non-halo actions with earlier partners within the window of one key group
// (sorted by time): the co-action candidates.
std::uint64_t count_window_pairs(const Action* begin, const Action* end, DurationMs window_ms);
// Term weights of one key group: (account, tf) sorted by account, and the key's idf.
struct KeyTerms {
  std::vector<std::pair<AccountIndex, std::uint64_t>> tf;
  double idf = 0;
};
KeyTerms key_terms(const Action* begin, const Action* end, std::uint64_t n_accounts);

// Sweeps the right-hand actions [right_begin, right_end) of one key group starting at `begin`
// (sorted by time; halo actions only as earlier partners) into `table`, one slot per pair:
// sums, minima and maxima of its co-actions. Stops before the right-hand action that would take
// the table past max_pairs distinct pairs (but sweeps at least one) and returns where it stopped.
// No co-actions are sorted: an earlier action a of a co-action with a later action r counts in
// n_older iff r's account has no action between a and r (otherwise a was counted with that
// action, in this piece, an earlier piece of the group, or the previous slice, whose halo this
// group holds), and r counts in n_newer iff a's account has no action between them. So both
// stay exact across pieces and slices without records.
const Action* sweep_piece(const Action* begin, const Action* right_begin, const Action* right_end,
                          const CoactionConfig& config, std::size_t max_pairs, PairTable& table);
// The pairs met in earlier pieces of the key group being swept.
using SeenPairs = absl::flat_hash_set<std::pair<std::uint64_t, std::uint64_t>>;
// Where a key counts in n_keys: in the partials (the key is not sliced, so no other rank sweeps
// it) or at the pair's owner through pair-keys (a slice of a hot key).
enum class KeyCounting { here, at_owner };
// Appends one partial per pair of `table`; a pair met for the first time in its key group (no
// `seen`: the piece is the whole group) counts the key (n_keys = 1 and the TF-IDF product, or one
// pair-key). `terms` is used under tfidf weighting only.
void emit_piece(const PairTable& table, KeyHash key, KeyCounting counting, SeenPairs* seen,
                const KeyTerms* terms, const CoactionConfig& config, std::vector<CoactionEdge>& out,
                std::vector<PairKey>& pair_keys);
// sweep_piece over all of [right_begin, right_end) of the group [begin, end), then emit_piece.
void sweep_key(const Action* begin, const Action* end, const Action* right_begin,
               const Action* right_end, const CoactionConfig& config, bool whole_key,
               const KeyTerms* terms, std::vector<CoactionEdge>& out,
               std::vector<PairKey>& pair_keys);

}  // namespace coaction_detail

}  // namespace coordnet

#include "kernels/coaction_impl.hpp"
