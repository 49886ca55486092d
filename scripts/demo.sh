#!/usr/bin/env bash
# End-to-end demo: installs what is missing, builds the release binary, generates a synthetic
# events CSV with planted campaigns (coordnet generate --scenario default), runs coordnet on it
# with MPI and prints a summary of the result (scripts/summarize.py: the largest groups and the
# flagged communities with their evidence) and the evaluation of the flags (coordnet evaluate).
#
# Usage: scripts/demo.sh [WORK_DIR]        (from any directory)
#   WORK_DIR       where the sample, truth and result go (default: build/demo in the repository)
# Environment:
#   DEMO_ACTIONS   target actions (events rows) of the sample (default 400000)
#   DEMO_RANKS     MPI ranks (default 2)
#   DEMO_WINDOW    co-action window in seconds (default 60)
#   DEMO_MIN_WEIGHT  minimum co-actions per edge (default 3)
#   DEMO_SEED      sample seed (default 1)
#   PYTHON         interpreter with numpy and h5py for the summary (default /usr/bin/python3,
#                  Debian's, which install-deps.sh provides them for)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="${1:-$root/build/demo}"
mkdir -p "$work"
work="$(cd "$work" && pwd)"  # absolute, so a relative WORK_DIR means the caller's directory
actions="${DEMO_ACTIONS:-400000}"
ranks="${DEMO_RANKS:-2}"
window="${DEMO_WINDOW:-60}"
min_weight="${DEMO_MIN_WEIGHT:-3}"
seed="${DEMO_SEED:-1}"
python="${PYTHON:-/usr/bin/python3}"

step() { printf '\n== %s\n' "$*"; }

step "dependencies"
"$root/scripts/install-deps.sh"

step "build (preset release, target coordnet)"
# The demo needs only the binary: tests are not configured or built here (ctest --preset
# release / scripts/test.sh build them).
cmake -S "$root" --preset release -DCOORDNET_BUILD_TESTS=OFF >/dev/null
cmake --build "$root/build/release" --target coordnet -j "$(nproc)"
coordnet="$root/build/release/pipeline/coordnet"

if [ "$(id -u)" -eq 0 ]; then
  export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
fi

step "sample: about $actions actions with planted campaigns -> $work"
mpiexec --oversubscribe -np "$ranks" "$coordnet" generate --scenario default \
  --actions "$actions" --seed "$seed" --format events --out-dir "$work"

step "coordnet run on $ranks rank(s): window $window s, min weight $min_weight"
mpiexec --oversubscribe -np "$ranks" "$coordnet" run "$work/events.csv" -o "$work/result.h5" \
  --window "$window" --min-weight "$min_weight"

step "summary"
"$python" "$root/scripts/summarize.py" "$work/result.h5" --truth "$work/truth.csv"

step "the 3 most suspicious communities: features, score parts and evidence (coordnet inspect)"
mpiexec --oversubscribe -np 1 "$coordnet" inspect "$work/result.h5" --top 3 --max-evidence 3 |
  sed -n '/^community /,$p'

step "evaluation of the flagged accounts against the planted campaigns"
mpiexec --oversubscribe -np 1 "$coordnet" evaluate "$work/result.h5" --truth "$work/truth.csv"
