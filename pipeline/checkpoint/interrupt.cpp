#include "pipeline/checkpoint/interrupt.hpp"

#include <csignal>

#include "core/errors.hpp"

namespace coordnet {

namespace {

volatile std::sig_atomic_t g_interrupted = 0;

extern "C" void on_interrupt(int signal) { g_interrupted = signal; }

}  // namespace

void install_interrupt_handlers() {
  struct sigaction action {};
  action.sa_handler = on_interrupt;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  sigaction(SIGTERM, &action, nullptr);
  sigaction(SIGUSR1, &action, nullptr);
}

bool interrupt_received() { return g_interrupted != 0; }

void stop_if_interrupted(const std::string& after_stage, const std::string& checkpoint_dir,
                         const Comm& comm) {
  const int signal = comm.allreduce<int>(g_interrupted, ReduceOp::max);
  if (signal == 0) return;
  const std::string kept =
      checkpoint_dir.empty()
          ? "no --checkpoint-dir, so the next run starts over"
          : "checkpoints in " + checkpoint_dir + "; rerun with --resume to continue";
  throw RetryLaterError("interrupted by signal " + std::to_string(signal) + " after stage " +
                            after_stage + ": " + kept,
                        true);
}

}  // namespace coordnet
