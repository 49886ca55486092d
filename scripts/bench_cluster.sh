#!/usr/bin/env bash
# Community-detection benchmark: builds the release binary and runs scripts/bench_cluster.py
# (coordnet cluster at 1 and 2 ranks against igraph multilevel and Leiden on LFR-like graphs of
# 100k and 1M vertices, mu 0.3 and 0.5; graphs cached in build/bench). Works from any directory.
#
# Usage: scripts/bench_cluster.sh [bench_cluster.py options] [-- extra coordnet cluster options]
#   e.g. scripts/bench_cluster.sh --sizes 100000 --mu 0.3 --repeat 3 --update-doc
# PYTHON: interpreter with numpy, h5py and python3-igraph (default /usr/bin/python3, Debian's).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
python="${PYTHON:-/usr/bin/python3}"

"$root/scripts/install-deps.sh"
cmake -S "$root" --preset release -DCOORDNET_BUILD_TESTS=OFF >/dev/null
cmake --build "$root/build/release" --target coordnet -j "$(nproc)" >&2

export OMPI_MCA_rmaps_base_oversubscribe=1
if [ "$(id -u)" = 0 ]; then
  export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
fi
exec "$python" "$root/scripts/bench_cluster.py" --binary "$root/build/release/pipeline/coordnet" "$@"
