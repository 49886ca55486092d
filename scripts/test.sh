#!/usr/bin/env bash
# Installs missing packages, builds (preset ci: ASan/UBSan, unless COORDNET_PRESET says
# otherwise) and runs the whole test suite with ctest. Extra arguments go to ctest (e.g. -R golden).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --test
preset="${COORDNET_PRESET:-ci}"
jobs="$(nproc)"
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset" -j "$jobs"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
ctest --preset "$preset" -j "$jobs" "$@"
