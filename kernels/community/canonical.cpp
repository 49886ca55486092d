#include "kernels/community/canonical.hpp"

#include <algorithm>

#include "core/exchange.hpp"
#include "kernels/community/id_map.hpp"
#include "kernels/community/owner_queries.hpp"

namespace coordnet {

namespace {

struct Membership {
  VertexId label;
  VertexId vertex;
};

}  // namespace

CanonicalLabels canonical_labels(std::span<const VertexId> labels,
                                 std::span<const std::uint64_t> first_by_rank, const Comm& comm) {
  const auto first = first_by_rank[static_cast<std::size_t>(comm.rank())];
  const auto label_owner = [&](VertexId label) { return owner_of_vertex(label, comm.size()); };
  // The smallest member per label, first among this rank's vertices, then at the label's owner.
  // distinct: this rank's labels, each once; distinct_of[i]: the position of labels[i] there.
  IdMap label_index;
  if (!labels.empty()) {
    // Labels are vertex ids: a flat array over their range when it is dense (few ranks).
    const auto [lowest, highest] = std::minmax_element(labels.begin(), labels.end());
    label_index = IdMap::for_range(*lowest, *highest, labels.size());
  }
  std::vector<Membership> memberships;
  std::vector<VertexId> distinct;
  std::vector<std::uint32_t> distinct_of(labels.size());
  for (std::size_t i = 0; i < labels.size(); ++i) {
    const auto next = static_cast<std::uint32_t>(memberships.size());
    const auto at = label_index.insert(labels[i], next);
    if (at == next) {
      memberships.push_back({labels[i], first + i});
      distinct.push_back(labels[i]);
    }
    distinct_of[i] = at;
  }
  auto received = exchange_by_owner(
      memberships, [&](const Membership& m) { return label_owner(m.label); }, comm);
  std::vector<Membership>().swap(memberships);
  // Smallest member per label owned here, sorted by label.
  auto& smallest = received.data;
  std::sort(smallest.begin(), smallest.end(), [](const Membership& a, const Membership& b) {
    return a.label != b.label ? a.label < b.label : a.vertex < b.vertex;
  });
  smallest.erase(
      std::unique(smallest.begin(), smallest.end(),
                  [](const Membership& a, const Membership& b) { return a.label == b.label; }),
      smallest.end());

  std::vector<VertexId> leaders;
  leaders.reserve(smallest.size());
  for (const auto& m : smallest) leaders.push_back(m.vertex);
  const auto at_block = exchange_by_owner(
      leaders, [&](VertexId v) { return owner_in_blocks(v, first_by_rank); }, comm);
  std::vector<std::uint64_t> leader_number(labels.size(), 0);
  for (auto v : at_block.data) leader_number[v - first] = 1;
  std::uint64_t local_leaders = 0;
  for (auto& x : leader_number) {
    const auto is_leader = x;
    x = local_leaders;
    local_leaders += is_leader;
  }
  const auto offset = comm.exscan_sum(local_leaders);
  const auto numbers = ask_owners<std::uint64_t>(
      leaders, [&](VertexId v) { return owner_in_blocks(v, first_by_rank); },
      each_answer_with_source<std::uint64_t, VertexId>(
          [&](VertexId v, int) { return offset + leader_number[v - first]; }),
      comm);

  CanonicalLabels result;
  result.n_communities = comm.allreduce(local_leaders, ReduceOp::sum);
  // Each distinct label is asked for once, not once per vertex.
  std::vector<VertexId> owned_labels;
  owned_labels.reserve(smallest.size());
  for (const auto& m : smallest) owned_labels.push_back(m.label);
  const auto owned_index = IdMap::of(owned_labels);
  const auto distinct_numbers = ask_owners<std::uint64_t>(
      distinct, label_owner,
      each_answer_with_source<std::uint64_t, VertexId>(
          [&](VertexId label, int) { return numbers[owned_index.find(label)]; }),
      comm);
  result.community.resize(labels.size());
  for (std::size_t i = 0; i < labels.size(); ++i)
    result.community[i] = distinct_numbers[distinct_of[i]];
  return result;
}

}  // namespace coordnet
