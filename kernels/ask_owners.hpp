// ask_owners: one request/reply round with the owners of some questions.
//
// Every rank sends each of its questions to owner_of(question); each owner computes the answers
// to all the questions it received at once (answer_all(received) -> one answer per question, in
// the order received), and the answers come back to the askers, returned in the order of their
// questions. Collective: every rank calls it, with the same owner_of.
#pragma once

#include <algorithm>
#include <vector>

#include "core/comm.hpp"
#include "core/exchange.hpp"

namespace coordnet {

template <class Answer, class Question, class OwnerOf, class AnswerAll>
std::vector<Answer> ask_owners(const std::vector<Question>& questions, OwnerOf&& owner_of,
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
  const std::vector<Answer> answers = answer_all(received.data);
  const auto replies = reply_to_sources<Answer>(received, answers, comm);
  std::vector<Answer> result(questions.size());
  for (std::size_t k = 0; k < grouped.order.size(); ++k) result[grouped.order[k]] = replies[k];
  return result;
}

}  // namespace coordnet
