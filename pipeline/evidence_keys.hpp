// The text of evidence keys, recovered by re-reading the inputs: actions carry only a 64-bit
// hash of their key (core/action.hpp), and keeping a dictionary of every key's text from ingest
// would cost memory in proportion to all distinct keys (every post's text for the text layer),
// while a run keeps at most --evidence-keys keys per community.
//
// Every rank gathers the wanted hashes (one sorted list of all ranks' distinct wanted hashes),
// re-reads its byte range of the inputs with the same parsers and keeps the text of wanted keys
// only (ingest with on_key, actions not stored); the texts go to the owner of each hash
// (owner_of_hash), which keeps the smallest text if two differ, and every rank asks the owners
// for the texts of its keys. Keys whose text is not in the inputs (near_text cluster keys) are
// named "#" followed by their hash in hex. Texts longer than kMaxKeyTextBytes are cut at a UTF-8
// character boundary. Collective: every rank calls recover_key_strings once.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "core/comm.hpp"
#include "core/ids.hpp"
#include "io/ingest.hpp"

namespace coordnet {

inline constexpr std::size_t kMaxKeyTextBytes = 1024;

// The text of each key, in the order given; `config` is the run's ingest configuration.
std::vector<std::string> recover_key_strings(const IngestConfig& config,
                                             std::span<const KeyHash> keys, const Comm& comm);

}  // namespace coordnet
