#!/usr/bin/env bash
# Installs the Debian 12 packages coordnet needs to build and run; installs only what is
# missing, so running it again is cheap. Needs root or sudo.
#   --report   also what scripts/report.py needs (matplotlib)
#   --test     also what the test suite needs (report packages, networkx, headless chromium,
#              a single-node Slurm)
set -euo pipefail

packages=(
  build-essential cmake git pkg-config ca-certificates
  openmpi-bin libopenmpi-dev libhdf5-openmpi-dev
  libboost-graph-dev libcli11-dev libgtest-dev
  libfmt-dev libsimdjson-dev libxxhash-dev libabsl-dev zlib1g-dev
  python3 python3-h5py python3-numpy python3-igraph
)
report_packages=(python3-matplotlib)
# --test: the exports/report tests (networkx, headless chromium) and the tests of slurm/ (a
# private single-node Slurm started by tests/slurm/local_slurm.sh).
test_packages=(python3-networkx chromium munge slurmctld slurmd slurm-client)
for option in "$@"; do
  case "$option" in
    --report) packages+=("${report_packages[@]}") ;;
    --test) packages+=("${report_packages[@]}" "${test_packages[@]}") ;;
    *) echo "install-deps: unknown option $option (use --report or --test)" >&2; exit 64 ;;
  esac
done

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  sudo="sudo"
fi
echo "install-deps: installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
