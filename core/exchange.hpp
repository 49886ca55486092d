// exchange_by_owner: sends every record to the rank that owns it.
//
// owner_of(record) must return a rank in [0, comm.size()). Records for the same owner keep their
// relative order; the received records come grouped by source rank in rank order, so a reply
// built in the same order can be sent back with reply_to_sources. Collective: every rank calls it.
#pragma once

#include <algorithm>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/comm.hpp"

namespace coordnet {

// Indices 0..n-1 grouped by owner rank in rank order, stable within an owner (a counting sort),
// and how many go to each rank: the order in which exchange_by_owner sends records, and so the
// order in which replies come back.
struct OwnerOrder {
  std::vector<std::size_t> order;
  std::vector<std::uint64_t> counts;  // per rank
};

template <class OwnerOfIndex>
OwnerOrder order_by_owner(std::size_t n, OwnerOfIndex&& owner_of_index, int n_ranks) {
  OwnerOrder result{std::vector<std::size_t>(n),
                    std::vector<std::uint64_t>(static_cast<std::size_t>(n_ranks), 0)};
  std::vector<std::uint32_t> owner(n);
  for (std::size_t i = 0; i < n; ++i) {
    owner[i] = static_cast<std::uint32_t>(owner_of_index(i));
    ++result.counts[owner[i]];
  }
  std::vector<std::uint64_t> next(result.counts.size(), 0);
  for (std::size_t d = 1; d < next.size(); ++d) next[d] = next[d - 1] + result.counts[d - 1];
  for (std::size_t i = 0; i < n; ++i) result.order[next[owner[i]]++] = i;
  return result;
}

// Copies `records` into `send` grouped by their owners (owners[i] the rank of records[i]) in rank
// order, stable within an owner, and counts them per rank into `counts`. The vectors keep their
// memory.
template <class T>
void scatter_by_owner(std::span<const T> records, std::span<const std::uint32_t> owners,
                      int n_ranks, std::vector<T>& send, std::vector<std::uint64_t>& counts) {
  counts.assign(static_cast<std::size_t>(n_ranks), 0);
  for (const auto owner : owners) ++counts[owner];
  std::vector<std::uint64_t> next(counts.size(), 0);
  for (std::size_t d = 1; d < next.size(); ++d) next[d] = next[d - 1] + counts[d - 1];
  send.resize(records.size());
  for (std::size_t i = 0; i < records.size(); ++i) send[next[owners[i]]++] = records[i];
}

// The same with owner_of(record) computed into `owner` (scratch).
template <class T, class OwnerOf>
void group_by_owner(std::span<const T> records, OwnerOf&& owner_of, int n_ranks,
                    std::vector<std::uint32_t>& owner, std::vector<T>& send,
                    std::vector<std::uint64_t>& counts) {
  owner.resize(records.size());
  for (std::size_t i = 0; i < records.size(); ++i) {
    owner[i] = static_cast<std::uint32_t>(owner_of(records[i]));
  }
  scatter_by_owner(records, std::span<const std::uint32_t>(owner), n_ranks, send, counts);
}

template <class T, class OwnerOf>
Received<T> exchange_by_owner(std::span<const T> records, OwnerOf&& owner_of, const Comm& comm) {
  std::vector<std::uint32_t> owner;
  std::vector<T> send;
  std::vector<std::uint64_t> counts;
  group_by_owner(records, owner_of, comm.size(), owner, send, counts);
  std::vector<std::uint32_t>().swap(owner);
  return comm.alltoallv<T>(std::move(send), counts);
}

template <class T, class OwnerOf>
Received<T> exchange_by_owner(const std::vector<T>& records, OwnerOf&& owner_of, const Comm& comm) {
  return exchange_by_owner(std::span<const T>(records), owner_of, comm);
}

// Reorders `records` in place so that they are grouped by owner rank in rank order (American
// flag sort: one pass of swaps, each record straight into its owner's range; the order within an
// owner is not kept) and returns the count per rank.
template <class T, class OwnerOf>
std::vector<std::uint64_t> partition_by_owner(std::vector<T>& records, OwnerOf&& owner_of,
                                              int n_ranks) {
  std::vector<std::uint32_t> owner(records.size());
  std::vector<std::uint64_t> counts(static_cast<std::size_t>(n_ranks), 0);
  for (std::size_t i = 0; i < records.size(); ++i) {
    owner[i] = static_cast<std::uint32_t>(owner_of(records[i]));
    ++counts[owner[i]];
  }
  std::vector<std::uint64_t> next(counts.size(), 0), end(counts.size(), 0);
  for (std::size_t d = 0; d < counts.size(); ++d) {
    next[d] = d == 0 ? 0 : end[d - 1];
    end[d] = next[d] + counts[d];
  }
  for (std::size_t d = 0; d < counts.size(); ++d) {
    while (next[d] < end[d]) {
      const auto home = owner[next[d]];
      if (home == d) {
        ++next[d];
        continue;
      }
      const auto to = next[home]++;
      std::swap(records[next[d]], records[to]);
      std::swap(owner[next[d]], owner[to]);
    }
  }
  return counts;
}

// The same for records the caller gives up, in no particular order within a source: on one rank
// they come back as they are (no copy); otherwise they are grouped in place and freed once sent.
template <class T, class OwnerOf>
Received<T> exchange_by_owner(std::vector<T>&& records, OwnerOf&& owner_of, const Comm& comm) {
  if (comm.size() == 1) {
    const std::uint64_t count = records.size();
    return {std::move(records), {count}};
  }
  const auto counts = partition_by_owner(records, owner_of, comm.size());
  return comm.alltoallv<T>(std::move(records), counts);
}

// The spare capacity worth giving a buffer sent by exchange_by_owner_keeping_memory (a fraction
// of its records), so that what the exchange brings fits: ranks receive a little more or less
// than they send.
inline constexpr double kReceiveHeadroom = 0.125;

// exchange_by_owner of records the caller gives up, leaving `records` empty with its memory kept
// for the caller to reuse (as the scatter target of a sort: pages already mapped, where a fresh
// array faults every page in). On one rank the records are moved into the result and `records`
// keeps nothing.
template <class T, class OwnerOf>
Received<T> exchange_by_owner_keeping_memory(std::vector<T>& records, OwnerOf&& owner_of,
                                             const Comm& comm) {
  if (comm.size() == 1) return exchange_by_owner(std::move(records), owner_of, comm);
  const auto counts = partition_by_owner(records, owner_of, comm.size());
  auto received = comm.alltoallv<T>(std::span<const T>(records), counts);
  records.clear();
  return received;
}

// exchange_by_owner for a stream of rounds (the co-action stream sends blocks to their owners
// again and again): the send and receive buffers are kept between rounds, so a round reuses their
// memory instead of faulting in fresh pages. One rank copies the records once, with no owner
// computed. Each call is collective.
template <class T>
class OwnerExchange {
 public:
  template <class OwnerOf>
  Received<T>& operator()(std::span<const T> records, OwnerOf&& owner_of, const Comm& comm) {
    if (comm.size() == 1) {
      received_.data.assign(records.begin(), records.end());
      received_.counts_by_source.assign(1, records.size());
      return received_;
    }
    group_by_owner(records, owner_of, comm.size(), owner_, send_, counts_);
    comm.alltoallv_into<T>(send_, counts_, received_);
    return received_;
  }
  // Frees the buffers.
  void release() {
    std::vector<std::uint32_t>().swap(owner_);
    std::vector<T>().swap(send_);
    received_ = Received<T>{};
  }

 private:
  std::vector<std::uint32_t> owner_;
  std::vector<T> send_;
  std::vector<std::uint64_t> counts_;
  Received<T> received_;
};

// Sends replies[i] back to the source of the i-th record of `request` (same length, same order).
// The requester receives them in the order it sent its requests when it sent them grouped by
// destination rank in rank order (as exchange_by_owner does after a stable grouping).
template <class T, class R>
std::vector<T> reply_to_sources(const Received<R>& request, std::span<const T> replies,
                                const Comm& comm) {
  return comm.alltoallv<T>(replies, request.counts_by_source).data;
}

// One request/reply round with the owners of some questions: every rank sends each of its
// questions to owner_of(question); each owner answers all the questions it received at once
// (answer_all(received) -> one answer per question, in the order received, where `received` is
// the Received<Question> with the questions grouped by source rank), and the answers come back to
// the askers in the order of their questions. Collective, with the same owner_of.
template <class Answer, class Question, class OwnerOf, class AnswerAll>
std::vector<Answer> ask_owners(std::span<const Question> questions, OwnerOf&& owner_of,
                               AnswerAll&& answer_all, const Comm& comm) {
  // At least one rank, as always; saying so spares GCC 12 a false -Wfree-nonheap-object in
  // order_by_owner when it is inlined here.
  const int n_ranks = std::max(comm.size(), 1);
  const auto grouped = order_by_owner(
      questions.size(), [&](std::size_t i) { return owner_of(questions[i]); }, n_ranks);
  std::vector<Question> send;
  send.reserve(questions.size());
  for (const auto i : grouped.order) send.push_back(questions[i]);
  const auto received = comm.alltoallv<Question>(send, grouped.counts);
  const std::vector<Answer> answers = answer_all(received);
  const auto replies = reply_to_sources<Answer>(received, answers, comm);
  std::vector<Answer> result(questions.size());
  for (std::size_t k = 0; k < grouped.order.size(); ++k) result[grouped.order[k]] = replies[k];
  return result;
}

template <class Answer, class Question, class OwnerOf, class AnswerAll>
std::vector<Answer> ask_owners(const std::vector<Question>& questions, OwnerOf&& owner_of,
                               AnswerAll&& answer_all, const Comm& comm) {
  return ask_owners<Answer>(std::span<const Question>(questions), owner_of, answer_all, comm);
}

// answer_all for ask_owners from a function of the received questions alone.
template <class Answer, class Question, class AnswerData>
auto all_answers(AnswerData&& answer_data) {
  return [answer_data](const Received<Question>& received) -> std::vector<Answer> {
    return answer_data(received.data);
  };
}

// answer_all for ask_owners from a function of one question.
template <class Answer, class Question, class AnswerOne>
auto each_answer(AnswerOne&& answer_one) {
  return [answer_one](const Received<Question>& received) {
    std::vector<Answer> answers;
    answers.reserve(received.data.size());
    for (const auto& q : received.data) answers.push_back(answer_one(q));
    return answers;
  };
}

// answer_all for ask_owners from a function of one question and the rank that asked it.
template <class Answer, class Question, class AnswerOne>
auto each_answer_with_source(AnswerOne&& answer_one) {
  return [answer_one](const Received<Question>& received) {
    std::vector<Answer> answers;
    answers.reserve(received.data.size());
    std::size_t next = 0;
    for (std::size_t source = 0; source < received.counts_by_source.size(); ++source) {
      for (std::uint64_t j = 0; j < received.counts_by_source[source]; ++j) {
        answers.push_back(answer_one(received.data[next++], static_cast<int>(source)));
      }
    }
    return answers;
  };
}

// Strings sent to owner ranks: the characters of all strings travel in one message and their
// lengths in another. Both return the received strings grouped by source rank in rank order:
// exchange_strings as std::strings, exchange_string_views as views into one received buffer
// (no string is allocated on either side: for the hundreds of thousands of short ids and
// handles of the account registry).
struct ReceivedStrings {
  std::vector<std::string> strings;
  std::vector<std::uint64_t> counts_by_source;
};

class ReceivedChars {
 public:
  ReceivedChars(std::vector<char> chars, const std::vector<std::uint64_t>& lengths,
                std::vector<std::uint64_t> counts_by_source);
  std::size_t size() const noexcept { return starts_.size() - 1; }
  std::string_view operator[](std::size_t i) const noexcept {
    return {chars_.data() + starts_[i], starts_[i + 1] - starts_[i]};
  }
  const std::vector<std::uint64_t>& counts_by_source() const noexcept { return counts_by_source_; }
  // Starts loading where string i starts (read a few strings later, in another order).
  void prefetch(std::size_t i) const noexcept { __builtin_prefetch(&starts_[i]); }

 private:
  std::vector<char> chars_;
  std::vector<std::uint64_t> starts_;  // string i is chars_[starts_[i], starts_[i + 1])
  std::vector<std::uint64_t> counts_by_source_;
};

ReceivedChars exchange_string_views(std::span<const std::string_view> strings,
                                    std::span<const std::uint32_t> owners, const Comm& comm);
ReceivedStrings exchange_strings(std::span<const std::string> strings,
                                 std::span<const std::uint32_t> owners, const Comm& comm);

}  // namespace coordnet
