#!/usr/bin/env bash
# A private single-node Slurm cluster on this machine, for the Slurm tests and for trying the
# jobs of slurm/ by hand. Everything it writes (munge key and socket, slurm.conf, state, spool,
# logs) lives under STATE_DIR; nothing under /etc or /run is touched, so it can run next to a
# system Slurm or another private cluster (ports are chosen free at start).
#
# Usage:
#   tests/slurm/local_slurm.sh start STATE_DIR   # start munged, slurmctld, slurmd; wait until idle
#   tests/slurm/local_slurm.sh stop STATE_DIR    # stop the daemons started there
# After start, `export SLURM_CONF=STATE_DIR/slurm.conf` points sbatch, srun, squeue, sinfo,
# scontrol and scrontab at the cluster. Its one node is this host (`hostname -s`) with one
# partition, "local", and CPUs = max(nproc, 2), so a 2-task job runs even on one core.
#
# Needs root (slurmd starts job steps as their owner) and the Debian packages munge, slurmctld,
# slurmd and slurm-client (scripts/install-deps.sh --test). Exit status: 0 started/stopped,
# 77 cannot start here (not root, a package missing; the reason is printed), 1 failed to start
# (the daemons' logs are printed). No cgroups: ProctrackType=proctrack/linuxproc and
# TaskPlugin=task/none work in containers without cgroup v2 delegation.
set -euo pipefail

readonly CANNOT_START=77
readonly START_TIMEOUT_S=30

# Prints why, stops what was started in STATE_DIR and exits 77.
die_cannot_start() {
  echo "local_slurm: cannot start a local Slurm here: $*" >&2
  [ -z "${STATE_DIR:-}" ] || stop "$STATE_DIR"
  exit "$CANNOT_START"
}

free_port() {
  /usr/bin/python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

show_logs() {
  local dir="$1" log
  for log in "$dir"/munged.log "$dir"/slurmctld.log "$dir"/slurmd.log; do
    [ -f "$log" ] && { echo "--- $log (last 30 lines)"; tail -n 30 "$log"; }
  done >&2
}

# Waits up to START_TIMEOUT_S for a command to succeed.
wait_for() {
  local what="$1" dir="$2"
  shift 2
  local deadline=$((SECONDS + START_TIMEOUT_S))
  until "$@" >/dev/null 2>&1; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "local_slurm: $what not ready after ${START_TIMEOUT_S} s" >&2
      show_logs "$dir"
      return 1
    fi
    sleep 0.3
  done
}

node_is_idle() {
  local node="$1"
  [ "$(sinfo --noheader --nodes "$node" --format %T)" = idle ]
}

write_slurm_conf() {
  local dir="$1" node="$2" cpus="$3" memory_mb="$4" ctld_port="$5" slurmd_port="$6"
  cat >"$dir/slurm.conf" <<EOF
# Written by tests/slurm/local_slurm.sh for a private single-node cluster.
ClusterName=local
SlurmctldHost=$node(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
# Job credentials live 10 s instead of 120: a requeued job may start again after 11 s.
AuthInfo=socket=$dir/munge.socket,cred_expire=10
StateSaveLocation=$dir/ctld
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SlurmdParameters=config_overrides
MpiDefault=none
MailProg=/bin/true
ReturnToService=2
MinJobAge=300
KillWait=5
InactiveLimit=0
SchedulerParameters=sched_interval=1
NodeName=$node NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$memory_mb State=UNKNOWN
PartitionName=local Nodes=$node Default=YES MaxTime=INFINITE State=UP
EOF
  # slurmd 22.05 always starts a cgroup plugin (v1 or v2, detected). Without systemd (a
  # container) the v2 plugin must not ask systemd for a scope.
  cat >"$dir/cgroup.conf" <<EOF
CgroupPlugin=autodetect
IgnoreSystemd=yes
EOF
}

# Exits 77 with the reason when this machine lacks what the daemons need.
check_can_start() {
  [ "$(id -u)" -eq 0 ] || die_cannot_start "needs root (slurmd runs job steps as their owner)"
  local tool
  for tool in munged mungekey slurmctld slurmd sbatch srun sinfo scontrol; do
    command -v "$tool" >/dev/null ||
      die_cannot_start "$tool not found" \
        "(scripts/install-deps.sh --test installs munge, slurmctld, slurmd, slurm-client)"
  done
  [ -r /proc/self/stat ] || die_cannot_start "/proc is not mounted (proctrack/linuxproc needs it)"
  [ -n "$(ls -A /sys/fs/cgroup 2>/dev/null)" ] ||
    die_cannot_start "no cgroup filesystem at /sys/fs/cgroup (slurmd 22.05 always needs one)"
}

# Starts the daemons; on failure returns 1 (exits 77 where this machine cannot run them) and the
# caller stops whatever did start.
start() {
  local dir="$1"
  mkdir -p "$dir/ctld" "$dir/spool" && chmod 700 "$dir" || return 1
  local node cpus memory_mb
  node="$(hostname -s)"
  cpus="$(nproc)"
  [ "$cpus" -ge 2 ] || cpus=2
  # Half the machine's memory, so a job's --mem requests are checked against a real bound.
  memory_mb="$(awk '/^MemTotal:/ { printf "%d", $2 / 1024 / 2 }' /proc/meminfo)"
  local ports
  ports="$(free_port) $(free_port)" || die_cannot_start "cannot bind a port on 127.0.0.1"
  # shellcheck disable=SC2086
  write_slurm_conf "$dir" "$node" "$cpus" "$memory_mb" $ports || return 1
  export SLURM_CONF="$dir/slurm.conf"

  mungekey --create --keyfile="$dir/munge.key" --force >/dev/null ||
    die_cannot_start "mungekey could not create a key"
  munged --force --key-file="$dir/munge.key" --socket="$dir/munge.socket" \
    --pid-file="$dir/munged.pid" --log-file="$dir/munged.log" --seed-file="$dir/munged.seed" ||
    { show_logs "$dir"; die_cannot_start "munged did not start"; }
  wait_for "munged" "$dir" test -S "$dir/munge.socket" || return 1

  slurmctld -c -f "$SLURM_CONF" || { show_logs "$dir"; return 1; }
  wait_for "slurmctld" "$dir" scontrol ping || return 1
  if ! slurmd -f "$SLURM_CONF" -N "$node" ||
    ! wait_for "node $node idle" "$dir" node_is_idle "$node"; then
    local cgroup_error
    cgroup_error="$(grep -i -m 1 cgroup "$dir/slurmd.log")" &&
      die_cannot_start "slurmd cannot use this machine's cgroups (it needs a writable v1 or v2" \
        "hierarchy, e.g. a container started with --privileged): $cgroup_error"
    show_logs "$dir"
    return 1
  fi
  echo "local_slurm: node $node idle ($cpus CPUs); export SLURM_CONF=$SLURM_CONF"
}

# Sends SIGTERM to the daemon whose pid file is given, then SIGKILL if it is still alive after
# 10 s; only that pid is signalled.
stop_daemon() {
  local pid_file="$1" pid
  [ -f "$pid_file" ] || return 0
  pid="$(cat "$pid_file")"
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.2
  done
  kill -KILL "$pid" 2>/dev/null || true
}

stop() {
  local dir="$1"
  [ -d "$dir" ] || return 0
  # slurmd first: it ends the job steps it started before exiting.
  stop_daemon "$dir/slurmd.pid"
  stop_daemon "$dir/slurmctld.pid"
  stop_daemon "$dir/munged.pid"
}

case "${1:-}" in
  start)
    [ $# -eq 2 ] || { echo "usage: $0 start STATE_DIR" >&2; exit 64; }
    check_can_start
    mkdir -p "$2" && STATE_DIR="$(cd "$2" && pwd)" || exit 1
    start "$STATE_DIR" || { stop "$STATE_DIR"; exit 1; }
    ;;
  stop) [ $# -eq 2 ] || { echo "usage: $0 stop STATE_DIR" >&2; exit 64; }; stop "$2" ;;
  *) echo "usage: $0 start|stop STATE_DIR" >&2; exit 64 ;;
esac
