// Test hook: makes one rank fail at a named point of a stage, so tests can interrupt a run
// deterministically.
//
// COORDNET_TEST_FAULT=STAGE:RANK:ACTION[:POINT] raises, on rank RANK, when the stage STAGE
// reaches POINT: ACTION kill -> SIGKILL (the rank dies at once), usr1 -> SIGUSR1, term ->
// SIGTERM (both handled like a signal from outside: interrupt.hpp), wait -> the rank waits (at
// most 60 s) for a signal from outside, so a test can send one while the run is surely
// running (tests/slurm: the batch shell's forwarded SIGUSR1). POINT is `computed` (the
// stage's work is done, nothing saved; the default) or `part-saved` (this rank's checkpoint
// part is written, the manifest is not). Unset in production; rank-local.
#pragma once

#include <string_view>

namespace coordnet {

void inject_test_fault(std::string_view stage, std::string_view point, int rank);

}  // namespace coordnet
