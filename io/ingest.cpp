#include "io/ingest.hpp"

#include <absl/container/flat_hash_map.h>

#include <algorithm>
#include <exception>
#include <functional>
#include <memory>

#include "core/errors.hpp"
#include "core/hash.hpp"
#include "core/huge_pages.hpp"
#include "core/log.hpp"
#include "core/progress.hpp"
#include "io/csv_tokenizer.hpp"
#include "io/key_normalise.hpp"
#include "io/mapped_csv_parser.hpp"

namespace coordnet {

namespace {

// A growing array of slots kept in chunks of 2^16, so that growing never moves a slot: a doubling
// vector of 651k 64-byte account slots copied them and faulted in twice their pages, 0.04-0.05 s of
// ingest at 2 ranks (13M-row input). A chunk (4 MiB of 64-byte slots) spans whole huge pages,
// which it is given (core/huge_pages.hpp), as the slots are updated at random.
template <class Slot>
class ChunkedSlots {
 public:
  std::size_t size() const { return size_; }
  Slot& operator[](std::size_t i) { return chunks_[i >> kChunkBits][i & kChunkMask]; }
  const Slot& operator[](std::size_t i) const { return chunks_[i >> kChunkBits][i & kChunkMask]; }
  void emplace_back() {
    if ((size_ & kChunkMask) == 0) chunks_.emplace_back(kChunkMask + 1);
    ++size_;
  }

 private:
  static constexpr int kChunkBits = 16;
  static constexpr std::size_t kChunkMask = (std::size_t{1} << kChunkBits) - 1;
  std::vector<std::vector<Slot, HugePageAllocator<Slot>>> chunks_;
  std::size_t size_ = 0;
};

// Interns the actions of each record; commit() keeps them, rollback() drops them (a rejected
// record leaves no action, count or handle behind).
//
// Account look-ups are the cost of ingest (one random access into a table as large as the
// accounts), so they are made in batches: emit() only hashes; every kBatch committed actions,
// resolve() prefetches the table slots of the whole batch, then looks them up, then updates the
// accounts' slots. Ids are recognised by a 128-bit fingerprint (XXH3-128) kept inline in the
// table, so a probe never follows a pointer to a stored string; ids whose low 64 bits collide
// with another id's go to an exact table keyed by the string. Two ids are merged only if all
// 128 bits agree (odds about 2^-128 per pair).
//
// Handles: each account keeps its current run of actions under one handle (recognised by the
// handle's 64-bit hash, its text kept once per run in one buffer); at the end every account's
// run becomes a sighting. A run that ends earlier (the account's handle changed) goes to a table
// of (account, handle hash) sightings, which the account's later runs under the same handle join;
// most accounts keep one handle and never touch it (tables of every handle and every sighting
// took 0.1-0.2 s more on 13M actions of 651k accounts). The profile fields are tallied per action
// (io/profile_tally.hpp); an account's creation time is the earliest its actions give.
class InterningSink final : public ActionSink {
 public:
  InterningSink(IngestResult& out, const IngestConfig& config)
      : out_(out),
        key_mask_(config.fingerprint_key_bits >= 64
                      ? ~std::uint64_t{0}
                      : (std::uint64_t{1} << config.fingerprint_key_bits) - 1),
        keep_layer_(config.keep_layer),
        derive_domains_(config.derive_domains),
        on_near_text_(config.on_near_text),
        on_key_(config.on_key),
        store_actions_(config.store_actions) {}

  void emit(const ParsedAction& a) override {
    if (derive_domains_ && a.layer == Layer::url && keep(Layer::domain)) {
      ParsedAction domain = a;
      domain.layer = Layer::domain;
      emit_kept(domain);
    }
    if (keep(a.layer)) emit_kept(a);
  }

  void commit() {
    committed_actions_ = out_.actions.size();
    committed_pending_ = pending_.size();
    committed_text_ = text_.size();
    if (pending_.size() >= kBatch) resolve();
  }

  void rollback() {
    out_.actions.resize(committed_actions_);
    pending_.resize(committed_pending_);
    text_.resize(committed_text_);
  }

  // Moves the action counts and handle sightings into the result (sightings in no particular
  // order: the registry merges and orders them at the accounts' owners).
  void finish() {
    resolve();
    out_.account_actions.resize(slots_.size());
    out_.account_created_ms.resize(slots_.size());
    out_.handles.reserve(slots_.size() + changed_sightings_.size());
    for (std::uint32_t account = 0; account < slots_.size(); ++account) {
      const auto& slot = slots_[account];
      if (slot.run_n > 0 && slot.handle_changed) {
        end_run(account);
      } else if (slot.run_n > 0) {
        out_.handles.push_back({account, handle_text(slot.run_handle_at, slot.run_handle_length),
                                slot.run_first_ms, slot.run_last_ms, slot.run_n});
      }
      out_.account_actions[account] = slot.n_actions;
      out_.account_created_ms[account] = slot.created_ms;
    }
    out_.languages = languages_.finish();
    out_.locations = locations_.finish();
    for (const auto& [key, s] : changed_sightings_) {
      out_.handles.push_back(
          {key.first, handle_text(s.handle_at, s.handle_length), s.first_ms, s.last_ms, s.n});
    }
  }

 private:
  static constexpr std::size_t kBatch = 256;

  bool keep(Layer layer) const { return keep_layer_[static_cast<std::size_t>(layer)]; }

  // Adds one action of a kept layer, its key in canonical form (io/key_normalise.hpp), and
  // queues its account for the next batch of look-ups.
  void emit_kept(const ParsedAction& a) {
    const auto key = normalise_key(a.layer, a.key, key_scratch_);
    const KeyHash key_hash{hash_string(key, static_cast<std::uint64_t>(a.layer) + 1)};
    if (on_key_) on_key_(key_hash, key);
    const bool near_text = a.layer == Layer::near_text && on_near_text_;
    if (!store_actions_ && !near_text) return;  // a pass for the keys only
    const ContentHash content{hash_string(a.content)};
    if (near_text) on_near_text_(key, content);
    if (!store_actions_) return;
    const std::uint8_t flags = key == a.content ? kActionIsOriginal : 0;
    out_.actions.push_back(make_action(key_hash, AccountIndex{0}, a.t_ms, content, a.layer, flags));
    // Filled where it lies: built on the stack, its 4-byte fields were read back by 16-byte
    // loads when copied into pending_, a store-forwarding stall per action.
    auto& p = pending_.emplace_back();
    p.fingerprint = XXH3_128bits(a.account.data(), a.account.size());
    p.fingerprint.low64 &= key_mask_;
    p.account = store(a.account);
    p.has_handle = !a.handle.empty();
    if (p.has_handle) {
      p.handle_hash = hash_string(a.handle);
      p.handle = store(a.handle);
    }
    p.t_ms = a.t_ms;
    p.created_ms = a.created_ms;
    p.language = store(a.language);
    p.location = store(a.location);
  }

  struct TextRef {
    std::uint32_t offset = 0, length = 0;
  };
  struct Pending {
    XXH128_hash_t fingerprint{};
    TextRef account, handle, language, location;
    std::uint64_t handle_hash = 0;
    TimeMs t_ms = 0;
    TimeMs created_ms = kUnknownTime;
    bool has_handle = false;
  };
  struct AccountKey {
    std::uint64_t high64;
    std::uint32_t index;
  };
  // One cache line per account (56 bytes unaligned straddle two lines most of the time).
  struct alignas(64) AccountSlot {
    std::uint64_t n_actions = 0;
    std::uint64_t run_handle_hash = 0;
    std::uint64_t run_n = 0;
    TimeMs run_first_ms = 0, run_last_ms = 0;
    TimeMs created_ms = kUnknownTime;
    std::uint64_t run_handle_at = 0;      // the run's handle: handle_chars_ from here,
    std::uint32_t run_handle_length = 0;  // this long
    bool handle_changed = false;  // a run ended before: its sightings are in changed_sightings_
  };
  struct Sighting {
    std::uint64_t handle_at;
    std::uint32_t handle_length;
    TimeMs first_ms, last_ms;
    std::uint64_t n;
  };

  TextRef store(std::string_view text) {
    const TextRef ref{static_cast<std::uint32_t>(text_.size()),
                      static_cast<std::uint32_t>(text.size())};
    text_.append(text);
    return ref;
  }
  std::string_view text(TextRef ref) const {
    return std::string_view(text_).substr(ref.offset, ref.length);
  }

  // The committed actions not yet resolved are the last pending_.size() of out_.actions.
  void resolve() {
    for (const auto& p : pending_) accounts_.prefetch(p.fingerprint.low64);
    std::vector<std::uint32_t>& index = resolved_;
    index.clear();
    for (const auto& p : pending_) {
      index.push_back(intern_account(p));
      __builtin_prefetch(&slots_[index.back()]);
      if (p.language.length > 0) languages_.prefetch(index.back());
      if (p.location.length > 0) locations_.prefetch(index.back());
    }
    const std::size_t first = out_.actions.size() - pending_.size();
    for (std::size_t i = 0; i < pending_.size(); ++i) {
      const auto& p = pending_[i];
      const auto account = index[i];
      out_.actions[first + i].account = AccountIndex{account};
      auto& slot = slots_[account];
      ++slot.n_actions;
      slot.created_ms = earliest_known(slot.created_ms, p.created_ms);
      if (p.has_handle) extend_run(account, p);
      if (p.language.length > 0) languages_.add(account, text(p.language));
      if (p.location.length > 0) locations_.add(account, text(p.location));
    }
    pending_.clear();
    text_.clear();
    committed_pending_ = committed_text_ = 0;
  }

  std::uint32_t intern_account(const Pending& p) {
    const auto next = static_cast<std::uint32_t>(out_.account_ids.size());
    auto [it, inserted] =
        accounts_.try_emplace(p.fingerprint.low64, AccountKey{p.fingerprint.high64, next});
    std::uint32_t account = it->second.index;
    if (!inserted && it->second.high64 != p.fingerprint.high64) {
      auto [exact, added] = colliding_accounts_.try_emplace(text(p.account), next);
      inserted = added;
      account = exact->second;
    }
    if (inserted) {
      out_.account_ids.push_back(text(p.account));
      slots_.emplace_back();
    }
    return account;
  }

  void extend_run(std::uint32_t account, const Pending& p) {
    auto& slot = slots_[account];
    if (slot.run_n == 0 || slot.run_handle_hash != p.handle_hash) {
      if (slot.run_n > 0) end_run(account);
      const auto handle = text(p.handle);
      slot.run_handle_at = handle_chars_.size();
      slot.run_handle_length = static_cast<std::uint32_t>(handle.size());
      handle_chars_.append(handle);
      slot.run_handle_hash = p.handle_hash;
      slot.run_first_ms = slot.run_last_ms = p.t_ms;
    }
    slot.run_first_ms = std::min(slot.run_first_ms, p.t_ms);
    slot.run_last_ms = std::max(slot.run_last_ms, p.t_ms);
    ++slot.run_n;
  }

  // Adds the account's current run to its sightings under the run's handle.
  void end_run(std::uint32_t account) {
    auto& slot = slots_[account];
    auto [it, inserted] =
        changed_sightings_.try_emplace(std::pair{account, slot.run_handle_hash},
                                       Sighting{slot.run_handle_at, slot.run_handle_length,
                                                slot.run_first_ms, slot.run_last_ms, 0});
    it->second.first_ms = std::min(it->second.first_ms, slot.run_first_ms);
    it->second.last_ms = std::max(it->second.last_ms, slot.run_last_ms);
    it->second.n += slot.run_n;
    slot.run_n = 0;
    slot.handle_changed = true;
  }

  std::string handle_text(std::uint64_t at, std::uint32_t length) const {
    return handle_chars_.substr(at, length);
  }

  IngestResult& out_;
  std::uint64_t key_mask_;
  std::array<bool, kLayerCount> keep_layer_;
  bool derive_domains_;
  const std::function<void(std::string_view, ContentHash)>& on_near_text_;
  const std::function<void(KeyHash, std::string_view)>& on_key_;
  bool store_actions_;
  std::string key_scratch_;
  // By fingerprint low 64 bits.
  absl::flat_hash_map<std::uint64_t, AccountKey, absl::Hash<std::uint64_t>,
                      std::equal_to<std::uint64_t>,
                      HugePageAllocator<std::pair<const std::uint64_t, AccountKey>>>
      accounts_;
  absl::flat_hash_map<std::string, std::uint32_t, StringViewHash, StringViewEq> colliding_accounts_;
  ChunkedSlots<AccountSlot> slots_;
  std::string handle_chars_;  // the handle of every run, once per run
  // Runs that ended before the last, by (account, handle hash).
  absl::flat_hash_map<std::pair<std::uint32_t, std::uint64_t>, Sighting> changed_sightings_;
  ProfileTally languages_, locations_;
  std::vector<Pending> pending_;
  std::vector<std::uint32_t> resolved_;
  std::string text_;  // account ids, handles and profile values of the pending actions
  std::size_t committed_actions_ = 0, committed_pending_ = 0, committed_text_ = 0;
};

// Where a unit's records start: its first record boundary and that boundary's line number.
struct UnitStart {
  std::uint64_t offset;
  std::int64_t line;
};

// The most bytes of an uncounted range mapped ahead of its parse.
constexpr std::uint64_t kPopulateBytes = std::uint64_t{1} << 30;

struct RangeCounts {
  std::uint32_t file;
  std::uint64_t begin;
  std::uint64_t quotes;
  std::uint64_t newlines;
};

// The first record start of every local unit, from the quote and newline counts of all ranks'
// ranges (parity of quotes before the unit decides whether its first byte is inside a field).
// A range that ends its file comes before no other, so it is not counted (one rank: none is);
// counting maps a range's pages, so at more ranks, where a rank would wait for the others'
// counts, an uncounted range has its first kPopulateBytes mapped instead, which its parse then
// need not fault in (13M-row input at 2 ranks: the last rank waited 0.076 s for the first's
// count, then took its page faults while parsing).
std::vector<UnitStart> locate_unit_starts(const std::vector<WorkUnit>& units,
                                          const std::vector<InputFile>& files,
                                          const std::vector<std::unique_ptr<FileText>>& texts,
                                          const std::vector<Framing>& framings, const Comm& comm) {
  std::vector<RangeCounts> mine;
  for (std::size_t i = 0; i < units.size(); ++i) {
    if (units[i].whole_file || units[i].end == files[units[i].file].size_bytes) {
      if (comm.size() > 1) {
        const auto begin = units[i].whole_file ? 0 : units[i].begin;
        texts[i]->populate(begin, begin + kPopulateBytes);
      }
      continue;
    }
    const auto counts = count_quotes_and_newlines(
        texts[i]->text().substr(units[i].begin, units[i].end - units[i].begin));
    mine.push_back({units[i].file, units[i].begin, counts.quotes, counts.newlines});
  }
  const auto all = comm.allgatherv<RangeCounts>(mine);
  std::vector<UnitStart> starts;
  for (std::size_t i = 0; i < units.size(); ++i) {
    const auto& unit = units[i];
    if (unit.whole_file) {
      starts.push_back({0, 1});
      continue;
    }
    std::uint64_t quotes = 0, newlines = 0;
    for (const auto& r : all) {
      if (r.file == unit.file && r.begin < unit.begin) {
        quotes += r.quotes;
        newlines += r.newlines;
      }
    }
    const auto text = texts[i]->text();
    const auto start = first_record_start(text, unit.begin, quotes & 1, framings[i]);
    const auto skipped = count_quotes_and_newlines(text.substr(unit.begin, start - unit.begin));
    starts.push_back({start, 1 + static_cast<std::int64_t>(newlines + skipped.newlines)});
  }
  return starts;
}

// The parsing state of one work unit.
struct UnitCursor {
  std::unique_ptr<RecordParser> parser;
  std::unique_ptr<CsvTokenizer> tokenizer;
  std::uint64_t limit = 0;         // records starting before this offset belong to the unit
  std::uint64_t header_begin = 0;  // offset of the header record (skipped), or UINT64_MAX
  std::uint64_t text_begin = 0;    // first byte of the unit in the file's text
  std::uint64_t unit_bytes = 0;    // input bytes of the unit (compressed size for gzip)
  double input_bytes_per_text_byte = 1.0;
  std::uint64_t progress_bytes = 0;
  std::uint64_t released = 0;  // the file's pages before this offset are released
  bool done = false;

  // Input bytes of the unit consumed once the tokenizer stands at `position` (for gzip, the
  // same fraction of the compressed size).
  std::uint64_t bytes_done(std::uint64_t position) const {
    const auto consumed = position > text_begin ? position - text_begin : 0;
    return std::min(unit_bytes, static_cast<std::uint64_t>(static_cast<double>(consumed) *
                                                           input_bytes_per_text_byte));
  }
};

// Parsed text is released from the resident set in steps of this many bytes.
constexpr std::uint64_t kReleaseBytes = std::uint64_t{64} << 20;

// Reserves room for the actions of the whole input, extrapolated (with 5% to spare) from the
// first `done` of `total` bytes, so the vector does not grow by copying; untouched capacity
// costs address space only.
void reserve_extrapolated(std::vector<Action>& actions, std::uint64_t done, std::uint64_t total) {
  if (done == 0) return;
  const double per_byte = static_cast<double>(actions.size()) / static_cast<double>(done);
  const auto estimate = static_cast<std::uint64_t>(per_byte * 1.05 * static_cast<double>(total));
  actions.reserve(std::min(estimate, total / 4));
}

std::string header_error(const InputFile& file, const std::exception& e) {
  return "input '" + file.path + "': " + e.what();
}

}  // namespace

IngestResult ingest(const IngestConfig& config, const Comm& comm, StageMetrics& metrics) {
  metrics.start("ingest");
  IngestResult out;
  out.bad = BadRecordLog(config.on_bad_record);
  out.files = list_input_files(config.inputs, comm);
  std::vector<std::string> paths;
  for (const auto& f : out.files) paths.push_back(f.path);
  const auto units = assign_work(out.files, comm.rank(), comm.size());

  std::exception_ptr failure;
  std::vector<std::unique_ptr<FileText>> texts;
  std::vector<Framing> framings;
  std::vector<UnitCursor> cursors(units.size());
  CsvRecord header;
  try {
    for (std::size_t i = 0; i < units.size(); ++i) {
      const auto& file = out.files[units[i].file];
      texts.push_back(std::make_unique<FileText>(file));
      const auto text = texts.back()->text();
      const bool json = text.substr(bom_length(text)).starts_with("{");
      CsvTokenizer head(text, 0, 1, json ? Framing::lines : Framing::csv, {config.max_field_bytes});
      const bool has_first = head.next(header);
      auto format = config.format;
      try {
        const bool mapped = !config.column_map.empty();
        if (format == InputFormat::auto_detect && has_first && !mapped) {
          format = detect_format(header);
        }
        framings.push_back(mapped ? Framing::csv : framing_of(format));
        auto& cursor = cursors[i];
        cursor.done = !has_first;
        cursor.header_begin =
            has_first && (mapped || has_header(format)) ? header.begin : UINT64_MAX;
        if (has_first && mapped) {
          cursor.parser = make_mapped_csv_parser(header.fields, config.column_map);
        } else if (has_first) {
          if (!has_header(format)) header.fields.clear();
          cursor.parser = make_parser(format, header.fields);
        }
      } catch (const Error& e) {
        throw DataError(header_error(file, e));
      }
      units[i].whole_file ? out.bytes += file.size_bytes
                          : out.bytes += units[i].end - units[i].begin;
    }
  } catch (...) {
    failure = std::current_exception();
  }
  comm.throw_if_any_failed(failure);

  const auto starts = locate_unit_starts(units, out.files, texts, framings, comm);
  for (std::size_t i = 0; i < units.size(); ++i) {
    auto& cursor = cursors[i];
    const auto text = texts[i]->text();
    cursor.limit = units[i].whole_file ? text.size() : units[i].end;
    cursor.text_begin = units[i].whole_file ? 0 : units[i].begin;
    cursor.unit_bytes =
        units[i].whole_file ? out.files[units[i].file].size_bytes : units[i].end - units[i].begin;
    if (units[i].whole_file && !text.empty()) {
      cursor.input_bytes_per_text_byte =
          static_cast<double>(cursor.unit_bytes) / static_cast<double>(text.size());
    }
    cursor.tokenizer = std::make_unique<CsvTokenizer>(
        text, starts[i].offset, starts[i].line, framings[i], CsvLimits{config.max_field_bytes});
  }

  InterningSink sink(out, config);
  auto parse_record = [&](const CsvRecord& record, std::uint32_t file, RecordParser& parser) {
    if (record.error != CsvError::none) {
      out.bad.add(file, record.line, csv_error_reason(record.error), "", record.raw);
      return;
    }
    if (const auto rejection = parser.parse({record.fields, record.raw}, sink)) {
      sink.rollback();
      out.bad.add(file, record.line, rejection->reason, rejection->detail, record.raw);
    } else {
      sink.commit();
      ++out.good_records;
    }
  };
  CsvRecord record;
  std::uint64_t done_bytes = 0;
  std::size_t current = 0;
  auto parse_until = [&](std::uint64_t target_bytes) {
    while (current < units.size() && done_bytes < target_bytes) {
      auto& cursor = cursors[current];
      const bool got = !cursor.done && cursor.tokenizer->next(record, cursor.limit);
      const auto reached =
          got ? cursor.bytes_done(cursor.tokenizer->position()) : cursor.unit_bytes;
      done_bytes += reached - std::min(reached, cursor.progress_bytes);
      cursor.progress_bytes = std::max(reached, cursor.progress_bytes);
      if (!got) {
        cursor.done = true;
        texts[current].reset();
        ++current;
        continue;
      }
      if (record.begin != cursor.header_begin)
        parse_record(record, units[current].file, *cursor.parser);
      if (record.begin >= cursor.released + kReleaseBytes) {
        texts[current]->release_before(record.begin);
        cursor.released = record.begin;
      }
    }
  };

  Progress progress(comm, metrics.stage_name(), out.bytes);
  for (int step = 1; step <= Progress::kSteps; ++step) {
    parse_until(out.bytes * static_cast<std::uint64_t>(step) / Progress::kSteps);
    progress.update(done_bytes);
    if (step == 1) reserve_extrapolated(out.actions, done_bytes, out.bytes);
  }
  parse_until(UINT64_MAX);
  progress.finish();
  sink.finish();

  out.bad.enforce(out.good_records, out.bytes, config.max_bad_fraction, paths, comm);
  metrics.add_count("records", out.good_records);
  metrics.add_count("bad_records", out.bad.n_bad());
  metrics.add_count("actions", out.actions.size());
  metrics.add_count("bytes", out.bytes);
  metrics.finish(comm);
  return out;
}

}  // namespace coordnet
