#!/usr/bin/env bash
# Benchmark: installs what is missing, builds the release binary and runs scripts/bench.py
# (ingest MB/s per rank and projection pairs/s at 1 and 2 ranks on a >= 1 GB generated events
# CSV, medians of several runs, with cat / wc -l baselines). Works from any directory.
#
# Usage: scripts/bench.sh [bench.py options] [-- extra coordnet run options]
#   e.g. scripts/bench.sh --repeat 5 --ranks 1,2,4 --cache-dir /scratch/bench
# The input is generated once into the cache directory (default build/bench) and reused.
# PYTHON: interpreter with numpy and h5py (default /usr/bin/python3, Debian's).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
python="${PYTHON:-/usr/bin/python3}"

"$root/scripts/install-deps.sh"
# Only the binary is needed: tests are not configured or built here.
cmake -S "$root" --preset release -DCOORDNET_BUILD_TESTS=OFF >/dev/null
cmake --build "$root/build/release" --target coordnet -j "$(nproc)" >&2

exec "$python" "$root/scripts/bench.py" --binary "$root/build/release/pipeline/coordnet" "$@"
