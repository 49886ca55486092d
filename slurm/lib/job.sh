# shellcheck shell=bash
# Shared by the coordnet batch scripts of slurm/ (sourced, not run): loads the cluster's env
# file, runs a coordnet job step under srun with SIGUSR1 forwarded to it, writes small files
# atomically, and requeues the job when the step exits 75 (checkpointed, retry).
#
# The batch scripts call, in this order:
#   coordnet_job_setup SLURM_DIR     sets COORDNET_SLURM_DIR and COORDNET_REPO, sources the env
#                                    file, checks COORDNET_BIN
#   coordnet_step ARGS...            srun --mpi=pmix ... $COORDNET_BIN ARGS; sets STEP_STATUS
#   coordnet_finish                  exits with STEP_STATUS, requeueing the job first on 75

# The exit codes of coordnet (README.md), used by the scripts that source this file.
# shellcheck disable=SC2034
readonly EXIT_USAGE=64 EXIT_IO=74 EXIT_RETRY=75 EXIT_CONFIG=78

coordnet_job_die() {
  local code="$1"
  shift
  echo "coordnet job: error: $*" >&2
  exit "$code"
}

# SLURM_DIR is slurm/ of the checkout the job came from. sbatch runs a spooled copy of the batch
# script, so each script finds it (and this file) as its own folder or, from the spool, as the
# folder of the path it was submitted as (scontrol's Command=, first word: no spaces in it).
# Sources the env file of the cluster: COORDNET_ENV (a name under slurm/env/ or a path), else
# slurm/env/$SLURM_CLUSTER_NAME.env. It may load modules and set COORDNET_BIN and
# COORDNET_SRUN_ARGS (extra srun options, split on spaces).
coordnet_job_setup() {
  COORDNET_SLURM_DIR="$(cd "$1" && pwd)"
  COORDNET_REPO="$(cd "$COORDNET_SLURM_DIR/.." && pwd)"
  export COORDNET_SLURM_DIR COORDNET_REPO
  local env_name="${COORDNET_ENV:-${SLURM_CLUSTER_NAME:-local}}" env_file
  case "$env_name" in
    */*) env_file="$env_name" ;;
    *) env_file="$COORDNET_SLURM_DIR/env/$env_name.env" ;;
  esac
  [ -f "$env_file" ] || coordnet_job_die "$EXIT_CONFIG" \
    "no env file $env_file for cluster '$env_name'" \
    "(copy slurm/env/example-cluster.env, or set COORDNET_ENV)"
  # shellcheck source=/dev/null
  source "$env_file"
  COORDNET_ENV_FILE="$env_file"
  COORDNET_BIN="${COORDNET_BIN:-coordnet}"
  command -v "$COORDNET_BIN" >/dev/null ||
    coordnet_job_die "$EXIT_CONFIG" \
      "coordnet binary '$COORDNET_BIN' not found (set COORDNET_BIN in $env_file)"
}

# Writes stdin to FILE through a temporary name in the same folder, so FILE is never half-written.
coordnet_write_file() {
  local file="$1"
  cat >"$file.tmp.$$"
  mv -f "$file.tmp.$$" "$file"
}

# One line about this attempt of the job, for the job record kept beside the output.
coordnet_job_line() {
  local array=""
  [ -n "${SLURM_ARRAY_JOB_ID:-}" ] && array=" array=${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID}"
  printf '%s job=%s%s attempt=%d cluster=%s partition=%s nodes=%s tasks=%s env=%s\n' \
    "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "${SLURM_JOB_ID:-none}" "$array" \
    "$((${SLURM_RESTART_COUNT:-0} + 1))" "${SLURM_CLUSTER_NAME:-none}" \
    "${SLURM_JOB_PARTITION:-none}" "${SLURM_JOB_NODELIST:-none}" "${SLURM_NTASKS:-1}" \
    "$COORDNET_ENV_FILE"
}

# Runs a one-task step (coordnet needs MPI_Init even for --version and --dump-config) and prints
# its output.
coordnet_single_task() {
  # shellcheck disable=SC2086
  srun --mpi=pmix --ntasks=1 --nodes=1 ${COORDNET_SRUN_ARGS:-} "$COORDNET_BIN" "$@"
}

# Runs `srun --mpi=pmix coordnet ARGS` over the job's tasks in the background and waits for it.
# SIGUSR1 to the batch shell (sbatch --signal=B:USR1@SECONDS, or scancel --signal=USR1 --batch)
# is passed on to srun, which delivers it to every rank: coordnet checkpoints and exits 75.
# Sets STEP_STATUS to the step's exit status.
coordnet_step() {
  local step_pid
  # shellcheck disable=SC2086
  srun --mpi=pmix ${COORDNET_SRUN_ARGS:-} "$COORDNET_BIN" "$@" &
  step_pid=$!
  # shellcheck disable=SC2064
  trap "echo 'coordnet job: SIGUSR1: asking the step to checkpoint and stop' >&2
        kill -USR1 $step_pid 2>/dev/null" USR1
  # wait returns early (status > 128) when a trapped signal arrives: wait again until srun ends.
  while :; do
    wait "$step_pid"
    STEP_STATUS=$?
    kill -0 "$step_pid" 2>/dev/null || break
  done
  trap - USR1
}

# Exits with STEP_STATUS. On 75 (coordnet checkpointed and asks to be retried) the job is
# requeued first, at most COORDNET_MAX_REQUEUES times (default 5): Slurm starts it again after
# about two minutes with the same job id and arguments, and the batch script resumes.
coordnet_finish() {
  local restarts="${SLURM_RESTART_COUNT:-0}" max="${COORDNET_MAX_REQUEUES:-5}"
  if [ "$STEP_STATUS" -eq "$EXIT_RETRY" ] && [ -n "${SLURM_JOB_ID:-}" ]; then
    if [ "$restarts" -lt "$max" ]; then
      echo "coordnet job: exit 75 (checkpointed): requeueing job $SLURM_JOB_ID" \
        "(restart $((restarts + 1)) of at most $max)" >&2
      scontrol requeue "$SLURM_JOB_ID" ||
        echo "coordnet job: requeue failed; resubmit the same command to resume" >&2
    else
      echo "coordnet job: exit 75 after $restarts restarts (COORDNET_MAX_REQUEUES=$max):" \
        "not requeued; resubmit the same command to resume" >&2
    fi
  fi
  exit "$STEP_STATUS"
}
