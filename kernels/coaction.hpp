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
// time and swept with a sliding window into a table of its pairs. Pair partials (72 bytes,
// kernels/pair_partial.hpp) are emitted in blocks of at most block_pairs (the pieces of a key
// swept in several merged as they come) and streamed in rounds (each also bounded by the co-action
// candidates a rank sweeps, so ranks meet after equal work) to the pair's owner (a hash of the
// pair, owner_of_pair, so every rank owns an equal share), which merges them through a hash index
// (kernels/pair_accumulator.hpp); so the memory of the sweep is bounded by the block, not by the
// pairs of a viral key. A key whose pairs are emitted in several pieces (a slice of a hot key, or
// a key cut between blocks) tags its partials, so the owner counts the key once per pair. The
// kept edges go to the owner of their src at the end, in rounds of at most block_pairs.
//
// Memory: with memory_budget_bytes (per rank), the owner's accumulation gets what the budget
// leaves after the actions (the input and the shuffled layer, 32 bytes each), held_bytes (what
// the caller holds besides) and the stream's blocks (kSweepBytesPerBlockPair per block pair); it
// spills sorted runs to spill_dir past that, and merges them at the end. With a pre-count (on by
// default where it is exact: pairs or keys weighting, min_weight > 1), the owners first learn an
// upper bound of every pair's co-actions and drop, as they arrive, the partials of pairs that
// cannot reach min_weight, so organic pairs met once are never held (the sketch's counters count
// as held memory); every rank also gets a filter of the owners' verdicts
// (kernels/pair_reach_filter.hpp), so the sweep skips those pairs before it emits them. Too small a
// budget for the actions and blocks is a ConfigError naming the figures. The edges returned (104
// bytes each, only those of weight >= min_weight) are not bounded: a run whose kept edges pass the
// budget says so in the log. The result on each rank is sorted by (src, dst), and the concatenation
// over ranks is the same list at every rank count.
//
// Collective: every rank calls project_coactions once with its actions (any layers; only
// config.layer is used).
#pragma once

#include <cstdint>
#include <filesystem>
#include <utility>
#include <vector>

#include "core/action.hpp"
#include "core/comm.hpp"
#include "core/stage_metrics.hpp"
#include "kernels/key_slicing.hpp"
#include "kernels/pair_partial.hpp"
#include "kernels/pair_reach_filter.hpp"
#include "kernels/pair_table.hpp"

namespace coordnet {

enum class Weighting { pairs, keys, tfidf };

struct CoactionConfig {
  Layer layer = Layer::retweet;
  DurationMs window_ms = 60'000;
  DurationMs fast_window_ms = 10'000;  // co-actions this fast are counted in n_fast
  Weighting weighting = Weighting::pairs;
  double min_weight = 0;  // edges with a smaller weight are dropped
  // Pair partials emitted and held before a round of the stream. 2^20: the stream's buffers and
  // table then take about 380 MiB per rank (kSweepBytesPerBlockPair); larger blocks cost memory
  // and bought nothing on the 13M-action benchmark.
  std::size_t block_pairs = std::size_t{1} << 20;
  // A rank ends its round of the stream once it has swept this many co-action candidates (after
  // the right-hand action that reaches them); 0: kRoundCandidatesPerBlockPair per block pair. Set
  // directly by tests to end rounds by candidates rather than by the block.
  std::uint64_t round_candidates = 0;
  // Keys with more actions are cut into time slices of about slice_actions actions (never
  // under tfidf weighting, whose term frequencies need the whole key on one rank).
  std::uint64_t hot_key_actions = std::uint64_t{1} << 20;
  std::uint64_t slice_actions = std::uint64_t{1} << 18;
  std::uint64_t n_accounts = 0;  // accounts of the run (the N of the inverse key frequency)
  std::uint64_t memory_budget_bytes = 0;  // per rank; 0: no budget, nothing spilled
  std::uint64_t held_bytes = 0;           // held by the caller besides the actions
  std::filesystem::path spill_dir;        // where runs are spilled; empty: the temp directory
  // Partials an owner holds before it spills; 0: derived from memory_budget_bytes (no limit
  // without a budget). Set directly by tests to force spills.
  std::size_t owner_partials = 0;
  // Pre-count (kernels/pair_count_bound.hpp): under pairs or keys weighting with min_weight > 1,
  // a first pass bounds every pair's co-actions and the owners drop the partials of pairs that
  // cannot reach min_weight as they arrive. precount_counters > 0 sets the sketch's counters per
  // rank (rounded up to a multiple of 64; tests force collisions with few); 0: eight per co-action
  // a rank owns, in at most a sixteenth of memory_budget_bytes, or kPrecountMostBytes without one.
  bool precount = true;
  std::size_t precount_counters = 0;
};

inline constexpr std::size_t kPrecountMostBytes = std::size_t{1} << 28;

// What the stream of one block pair costs a rank: the partial and its share of the block's index
// (kernels/partial_index.hpp), its copy in the send buffer with its owner, its share of the
// received block, and the pair table's slots (at most twice the table's room of half a block, 64
// bytes each).
inline constexpr std::size_t kSweepBytesPerBlockPair = 72 + 32 + 76 + 72 + 128;

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

// What the kernel's shuffle leaves on a rank, for the null model (kernels/null_model.hpp
// layer_exposure_from_keys): the layer's actions of this rank's keys and slices, sorted by (key,
// slice, time, account, content) with exact duplicates dropped (halo copies flagged
// kActionIsHalo), and the hot keys that were sliced (the same on every rank).
struct ShuffledKeys {
  std::vector<Action> actions;
  std::vector<HotKey> hot_keys;
};

// `owner_of_account(AccountIndex) -> rank` decides where an edge is returned (the owner of src).
// With `shuffled` given, it receives the shuffled actions instead of their being freed.
template <class OwnerOf>
std::vector<CoactionEdge> project_coactions(const std::vector<Action>& actions,
                                            const CoactionConfig& config,
                                            OwnerOf&& owner_of_account, const Comm& comm,
                                            StageMetrics& metrics,
                                            ShuffledKeys* shuffled = nullptr);

// Local building blocks, exposed for the serial reference and tests.
namespace coaction_detail {

// Reduces partials and collapses each pair's key tags into its edge (weights not set): the
// owner's result in (src, dst) order, for the serial reference and tests.
std::vector<CoactionEdge> collapse_to_edges(std::vector<PairPartial> partials);
// The hash sort_and_dedupe groups by (core/radix_sort.hpp sort_by_hash).
inline std::uint64_t key_hash_of(const Action& a) { return a.key.value; }
// Sorts by (key, slice, time, account, content) and drops exact duplicates; the sort may take
// its second array's memory from `spare`, which is left empty.
void sort_and_dedupe(std::vector<Action>& actions, std::vector<Action>& spare);
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
// the table past max_pairs distinct pairs, and once it has swept max_candidates co-action
// candidates (window pairs, as count_window_pairs counts them), but sweeps at least one; returns
// where it stopped and the candidates it swept.
// With `reach`, the co-actions of pairs it rejects are skipped (their owner would drop them).
// No co-actions are sorted: an earlier action a of a co-action with a later action r counts in
// n_older iff r's account has no action between a and r (otherwise a was counted with that
// action, in this piece, an earlier piece of the group, or the previous slice, whose halo this
// group holds), and r counts in n_newer iff a's account has no action between them. So both
// stay exact across pieces and slices without records.
struct SweptPiece {
  const Action* stop;
  std::uint64_t candidates;
};
SweptPiece sweep_piece(const Action* begin, const Action* right_begin, const Action* right_end,
                       const CoactionConfig& config, std::size_t max_pairs,
                       std::uint64_t max_candidates, PairTable& table,
                       const PairReachFilter* reach = nullptr);
// Appends one partial per pair of `table` counting the key once (n_keys 1 and, under tfidf
// weighting, the key's TF-IDF product from `terms`), tagged key_tag: 0 when the piece is the
// whole key, else the tag every piece of the key shares (see kernels/pair_partial.hpp).
void emit_piece(const PairTable& table, std::uint32_t key_tag, const KeyTerms* terms,
                const CoactionConfig& config, std::vector<PairPartial>& out);
// sweep_piece over all of [right_begin, right_end) of the group [begin, end), then emit_piece.
void sweep_key(const Action* begin, const Action* end, const Action* right_begin,
               const Action* right_end, const CoactionConfig& config, std::uint32_t key_tag,
               const KeyTerms* terms, std::vector<PairPartial>& out);

}  // namespace coaction_detail

}  // namespace coordnet

#include "kernels/coaction_impl.hpp"
