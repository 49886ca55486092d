#include "core/exchange.hpp"

namespace coordnet {

ReceivedChars::ReceivedChars(std::vector<char> chars, const std::vector<std::uint64_t>& lengths,
                             std::vector<std::uint64_t> counts_by_source)
    : chars_(std::move(chars)),
      starts_(lengths.size() + 1, 0),
      counts_by_source_(std::move(counts_by_source)) {
  for (std::size_t i = 0; i < lengths.size(); ++i) starts_[i + 1] = starts_[i] + lengths[i];
}

ReceivedChars exchange_string_views(std::span<const std::string_view> strings,
                                    std::span<const std::uint32_t> owners, const Comm& comm) {
  const auto p = static_cast<std::size_t>(comm.size());
  std::vector<std::uint64_t> string_counts(p, 0), char_counts(p, 0);
  for (std::size_t i = 0; i < strings.size(); ++i) {
    ++string_counts[owners[i]];
    char_counts[owners[i]] += strings[i].size();
  }
  std::vector<std::uint64_t> next_string(p, 0), next_char(p, 0);
  for (std::size_t d = 1; d < p; ++d) {
    next_string[d] = next_string[d - 1] + string_counts[d - 1];
    next_char[d] = next_char[d - 1] + char_counts[d - 1];
  }
  std::vector<std::uint64_t> lengths(strings.size());
  std::vector<char> chars(next_char[p - 1] + char_counts[p - 1]);
  for (std::size_t i = 0; i < strings.size(); ++i) {
    const auto d = owners[i];
    lengths[next_string[d]++] = strings[i].size();
    std::copy(strings[i].begin(), strings[i].end(),
              chars.begin() + static_cast<long>(next_char[d]));
    next_char[d] += strings[i].size();
  }
  auto received_lengths = comm.alltoallv<std::uint64_t>(lengths, string_counts);
  auto received_chars = comm.alltoallv<char>(chars, char_counts);
  return ReceivedChars(std::move(received_chars.data), received_lengths.data,
                       std::move(received_lengths.counts_by_source));
}

ReceivedStrings exchange_strings(std::span<const std::string> strings,
                                 std::span<const std::uint32_t> owners, const Comm& comm) {
  const std::vector<std::string_view> views(strings.begin(), strings.end());
  const auto received = exchange_string_views(views, owners, comm);
  ReceivedStrings result;
  result.counts_by_source = received.counts_by_source();
  result.strings.reserve(received.size());
  for (std::size_t i = 0; i < received.size(); ++i) result.strings.emplace_back(received[i]);
  return result;
}

}  // namespace coordnet
