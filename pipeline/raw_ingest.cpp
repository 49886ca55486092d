#include "pipeline/raw_ingest.hpp"

#include <iterator>

namespace coordnet {

RawIngest ingest_inputs(const RunConfig& config, const Comm& comm, StageMetrics& metrics) {
  auto ingest_config = config.ingest;
  RawIngest raw;
  if (ingest_config.keep_layer[static_cast<std::size_t>(Layer::near_text)]) {
    ingest_config.on_near_text = [&](std::string_view text, ContentHash content) {
      raw.text_items.push_back(
          {content, sketch_text(text, config.near_text).signature, KeyHash{0}});
    };
  }
  raw.ingested = ingest(ingest_config, comm, metrics);
  return raw;
}

void append_raw_ingest(RawIngest& into, RawIngest&& later) {
  auto& a = into.ingested;
  auto& b = later.ingested;
  const auto file_offset = static_cast<std::uint32_t>(a.files.size());
  const auto account_offset = static_cast<std::uint32_t>(a.account_ids.size());
  a.files.insert(a.files.end(), b.files.begin(), b.files.end());
  for (auto action : b.actions) {
    action.account.value += account_offset;
    a.actions.push_back(action);
  }
  a.account_ids.append(b.account_ids);
  a.account_actions.insert(a.account_actions.end(), b.account_actions.begin(),
                           b.account_actions.end());
  for (auto& h : b.handles) {
    h.local_account += account_offset;
    a.handles.push_back(std::move(h));
  }
  a.account_created_ms.insert(a.account_created_ms.end(), b.account_created_ms.begin(),
                              b.account_created_ms.end());
  const auto append_values = [&](std::vector<ProfileValueCount>& to,
                                 std::vector<ProfileValueCount>& from) {
    for (auto& v : from) {
      v.local_account += account_offset;
      to.push_back(std::move(v));
    }
  };
  append_values(a.languages, b.languages);
  append_values(a.locations, b.locations);
  a.bad.append(b.bad, file_offset);
  a.good_records += b.good_records;
  a.bytes += b.bytes;
  into.text_items.insert(into.text_items.end(), later.text_items.begin(), later.text_items.end());
  later = RawIngest{};
}

}  // namespace coordnet
