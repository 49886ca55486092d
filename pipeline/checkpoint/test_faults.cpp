#include "pipeline/checkpoint/test_faults.hpp"

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <string>
#include <thread>

#include "pipeline/checkpoint/interrupt.hpp"

namespace coordnet {

namespace {

std::string_view next_field(std::string_view& rest) {
  const auto colon = rest.find(':');
  const auto field = rest.substr(0, colon);
  rest = colon == std::string_view::npos ? std::string_view() : rest.substr(colon + 1);
  return field;
}

}  // namespace

void inject_test_fault(std::string_view stage, std::string_view point, int rank) {
  const char* spec = std::getenv("COORDNET_TEST_FAULT");
  if (spec == nullptr) return;
  std::string_view rest = spec;
  const auto fault_stage = next_field(rest);
  const auto fault_rank = next_field(rest);
  const auto action = next_field(rest);
  const auto fault_point = rest.empty() ? std::string_view("computed") : rest;
  if (fault_stage != stage || fault_point != point || fault_rank != std::to_string(rank)) return;
  if (action == "kill") std::raise(SIGKILL);
  if (action == "usr1") std::raise(SIGUSR1);
  if (action == "term") std::raise(SIGTERM);
  if (action == "wait") {
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (!interrupt_received() && std::chrono::steady_clock::now() < give_up) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
}

}  // namespace coordnet
