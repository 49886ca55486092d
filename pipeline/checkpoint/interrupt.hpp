// SIGTERM and SIGUSR1 ask a run to stop cleanly: checkpoint what it has and exit 75.
//
// The handlers only set a flag. At each safe point (a stage boundary, after the stage's
// checkpoint is saved) every rank calls stop_if_interrupted, which takes the maximum of the
// flags over all ranks, so all ranks stop at the same point and exit with the same code even
// when the signal reached only one of them.
#pragma once

#include <string>

#include "core/comm.hpp"

namespace coordnet {

// Installs the flag-setting handlers for SIGTERM and SIGUSR1 (once per process).
void install_interrupt_handlers();

// Rank-local: whether this process got SIGTERM or SIGUSR1 (no communication).
bool interrupt_received();

// Collective: throws RetryLaterError (exit 75, agreed) on every rank when any rank got a signal.
// after_stage names the last stage done (for the message); checkpoint_dir empty: none kept.
void stop_if_interrupted(const std::string& after_stage, const std::string& checkpoint_dir,
                         const Comm& comm);

}  // namespace coordnet
