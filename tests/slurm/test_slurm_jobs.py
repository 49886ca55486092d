"""The Slurm jobs of slurm/ under a real single-node Slurm, against mpiexec runs of the same input.

tests/slurm/local_slurm.sh starts munged, slurmctld and slurmd (Debian packages) in a private
state folder with free ports; the test submits the jobs with ``sbatch``, polls them until they
end (``sbatch --wait`` polls at up to 32 s intervals) and stops the daemons at the end.
Skipped (exit 77, ctest: skipped) only when that Slurm cannot start here: not root, no /proc,
or munge/slurmctld/slurmd/slurm-client missing (scripts/install-deps.sh --test).

Checked:
- coordnet.sbatch with 2 tasks (srun --mpi=pmix) writes the same datasets as
  ``mpiexec -np 2 coordnet run`` on tests/data/events_small.csv, with ranks=2 in the file, and
  records version.txt (= ``coordnet --version``), config.toml (``--dump-config``) and job.txt;
- coordnet-array.sbatch on a list of 2 datasets (the fixture and a small generated sample, one
  given relative to the list) writes each dataset's folder equal to its mpiexec run;
- SIGUSR1 to the batch shell (what --signal=B:USR1@300 sends) after the first stage is saved:
  the step exits 75 with its checkpoints, the job requeues itself, the second attempt adds
  --resume, and the result equals mpiexec's;
- coordnet-nightly.sbatch --resubmit-at submits the next night: same name and arguments,
  --dependency=singleton, --begin at the next HH:MM; with `coordnet nightly`, the night's
  OUT/latest/result.h5 equals ``mpiexec coordnet run`` on the days of its window;
- the #SCRON options of slurm/nightly.scrontab are accepted by this Slurm (sbatch --test-only:
  Debian 12 ships no scrontab command) and its cron line has five valid time fields.

While coordnet has no --checkpoint-dir (the checkpoints work), the jobs run with
--no-checkpoints and the SIGUSR1 test is skipped; once it has, they run with checkpoints and the
folder must hold some. While it has no `nightly`, only the nightly job's resubmission is checked.
"""

from __future__ import annotations

import datetime
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
import unittest
from collections.abc import Callable
from pathlib import Path

import h5py

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "e2e"))
import coordnet_e2e as e2e  # noqa: E402

SLURM_DIR = e2e.REPO_ROOT / "slurm"
LOCAL_SLURM = Path(__file__).resolve().parent / "local_slurm.sh"
JOB_TIMEOUT_S = 300.0
ACTIVE_STATES = {"PENDING", "CONFIGURING", "RUNNING", "COMPLETING", "REQUEUED", "RESIZING",
                 "SUSPENDED"}
WINDOW = ("--window", "60")
# Samples of `coordnet generate`: a small one, and a larger one whose projection and clustering
# take seconds (with --min-weight 3 its output stays small), long enough to be interrupted.
GENERATED = {"generated": ("--actions", "5000", "--accounts", "2000", "--campaigns", "2",
                           "--seed", "3", "--format", "events"),
             "large": ("--actions", "20000", "--accounts", "2000", "--campaigns", "2",
                       "--seed", "5", "--format", "events")}
RUN_OPTIONS = {"small": WINDOW, "generated": WINDOW, "large": (*WINDOW, "--min-weight", "3")}

slurm_env: dict[str, str] = {}
"""The environment for Slurm commands and jobs (SLURM_CONF, COORDNET_BIN), set by main."""


def coordnet_has_checkpoints() -> bool:
    """Whether this coordnet's `run` takes --checkpoint-dir (coordnet.sbatch passes it)."""
    result = e2e.run_coordnet_command(["run", "--help"])
    return "--checkpoint-dir" in result.stdout


def slurm(*args: str, check: bool = True, timeout_s: float = 60.0
          ) -> subprocess.CompletedProcess[str]:
    """Runs a Slurm command (sbatch, squeue, scontrol, ...) against the local cluster."""
    result = subprocess.run(list(args), env=slurm_env, capture_output=True, text=True,
                            timeout=timeout_s, check=False)
    if check and result.returncode != 0:
        raise AssertionError(e2e.describe(result))
    return result


def job_records(job_id: str) -> list[dict[str, str]]:
    """`scontrol show job` as one {field: value} per job (an array job: one per task)."""
    text = slurm("scontrol", "show", "job", "--oneliner", job_id).stdout
    return [dict(re.findall(r"(\S+?)=(\S*)", line)) for line in text.splitlines() if line]


def wait_for_job(job_id: str) -> list[dict[str, str]]:
    """Polls until the job (every task of an array job) has ended; returns its records."""
    deadline = time.monotonic() + JOB_TIMEOUT_S
    while time.monotonic() < deadline:
        records = job_records(job_id)
        if all(r["JobState"] not in ACTIVE_STATES for r in records):
            return records
        time.sleep(0.5)
    slurm("scancel", job_id, check=False)
    raise AssertionError(f"job {job_id} still running after {JOB_TIMEOUT_S} s: {records}")


class SlurmJobsTest(unittest.TestCase):
    """sbatch jobs of slurm/ on the local cluster write what mpiexec writes."""

    checkpoints = False
    references: dict[str, Path] = {}

    @classmethod
    def setUpClass(cls) -> None:
        cls.checkpoints = coordnet_has_checkpoints()
        if not cls.checkpoints:
            print("note: coordnet run has no --checkpoint-dir yet: jobs run with --no-checkpoints",
                  file=sys.stderr)
        cls.tmp = Path(tempfile.mkdtemp(prefix="coordnet-slurm-jobs-"))
        cls.inputs = {"small": e2e.test_data_dir() / "events_small.csv"}
        for name, args in GENERATED.items():
            result = e2e.run_coordnet_command(["generate", "--out-dir", cls.tmp / name, *args])
            assert result.returncode == 0, e2e.describe(result)
            cls.inputs[name] = cls.tmp / name / "events.csv"

    @classmethod
    def tearDownClass(cls) -> None:
        if not os.environ.get("COORDNET_E2E_KEEP"):
            shutil.rmtree(cls.tmp, ignore_errors=True)

    def reference(self, name: str) -> Path:
        """`mpiexec -np 2 coordnet run` of a dataset (computed once per dataset)."""
        if name not in self.references:
            out = self.tmp / f"mpiexec-{name}.h5"
            e2e.run_ok(self, [self.inputs[name]], out, *RUN_OPTIONS[name], ranks=2)
            self.references[name] = out
        return self.references[name]

    def checkpoint_option(self) -> list[str]:
        return [] if self.checkpoints else ["--no-checkpoints"]

    def sbatch_wait(self, cwd: Path, *args: str) -> str:
        """`sbatch ARGS` from ``cwd``, fails unless every task exits 0; returns its id."""
        job_id = slurm("sbatch", "--parsable", f"--chdir={cwd}", *args).stdout.strip()
        records = wait_for_job(job_id)
        logs = "\n".join(f"--- {log}\n{log.read_text()}" for log in sorted(cwd.glob("*.out")))
        for record in records:
            self.assertEqual((record["JobState"], record["ExitCode"]), ("COMPLETED", "0:0"),
                             f"job {record['JobId']}; job logs:\n{logs}")
        return job_id

    def assert_run_folder(self, run_dir: Path, dataset: str) -> None:
        """The job's result equals the mpiexec run, ran on 2 ranks, and its record is complete."""
        result = run_dir / "result.h5"
        self.assertTrue(result.is_file(), f"no {result}")
        e2e.assert_same_datasets(self, self.reference(dataset), result,
                                 f"sbatch vs mpiexec, {dataset}")
        with h5py.File(result, "r") as f:
            self.assertEqual(int(f.attrs["ranks"]), 2, "the job step did not run as one 2-rank job")
        version = e2e.run_coordnet_command(["--version"])
        self.assertEqual((run_dir / "version.txt").read_text().strip(), version.stdout.strip())
        config = (run_dir / "config.toml").read_text()
        self.assertIn("run.window=60", config)
        self.assertIn(str(self.inputs[dataset]), config)
        self.assertRegex((run_dir / "job.txt").read_text(), r"job=\d+ .*attempt=1 .*tasks=2 ")
        if self.checkpoints:
            self.assertTrue(any((run_dir / "checkpoints").iterdir()), "no checkpoints written")

    def test_single_job_equals_mpiexec(self) -> None:
        """coordnet.sbatch, 2 tasks under srun --mpi=pmix: same datasets as mpiexec -np 2."""
        work = e2e.make_temp_dir(self, "coordnet-sbatch-")
        job_id = self.sbatch_wait(
            work, "--ntasks=2", str(SLURM_DIR / "coordnet.sbatch"),
            "--out-root", str(work / "runs"), *self.checkpoint_option(), "--",
            str(self.inputs["small"]), *WINDOW)
        # Without --name the run's folder is the job id.
        self.assert_run_folder(work / "runs" / job_id, "small")

    def test_array_job_two_datasets(self) -> None:
        """coordnet-array.sbatch --array=0-1: one folder per dataset, each equal to mpiexec."""
        work = e2e.make_temp_dir(self, "coordnet-sbatch-array-")
        generated_dir = self.inputs["generated"].parent
        listing = generated_dir / "datasets.txt"
        listing.write_text(f"# name inputs\nsmall {self.inputs['small']}\n\n"
                           f"generated {self.inputs['generated'].name}\n")
        job_id = self.sbatch_wait(
            work, "--array=0-1", "--ntasks=2",
            str(SLURM_DIR / "coordnet-array.sbatch"), str(listing), "--out-root",
            str(work / "runs"), *self.checkpoint_option(), "--", *WINDOW)
        for index, name in enumerate(("small", "generated")):
            with self.subTest(dataset=name):
                self.assert_run_folder(work / "runs" / name, name)
                self.assertIn(f"array={job_id}_{index}",
                              (work / "runs" / name / "job.txt").read_text())

    def test_usr1_checkpoints_requeues_and_resumes(self) -> None:
        """SIGUSR1 to the batch shell mid-run: exit 75, requeued, resumed; same datasets."""
        if not self.checkpoints:
            self.skipTest("coordnet run has no --checkpoint-dir yet")
        work = e2e.make_temp_dir(self, "coordnet-sbatch-usr1-")
        run_dir = work / "runs" / "usr1"
        # Rank 0 waits once its ingest part is saved (test hook,
        # pipeline/checkpoint/test_faults.hpp) until the signal arrives, so the signal surely
        # finds the run running; the resumed attempt loads ingest and does not wait.
        job_id = slurm("sbatch", "--parsable", f"--chdir={work}", "--ntasks=2",
                       "--export=ALL,COORDNET_TEST_FAULT=ingest:0:wait:part-saved",
                       str(SLURM_DIR / "coordnet.sbatch"), "--out-root", str(work / "runs"),
                       "--name", "usr1", "--", str(self.inputs["large"]),
                       *RUN_OPTIONS["large"]).stdout.strip()
        self.addCleanup(slurm, "scancel", job_id, check=False)
        # What Slurm does 300 s before the time limit (--signal=B:USR1@300): the batch shell
        # passes it on, coordnet stops at the end of the stage.
        self.wait_until(lambda: any(run_dir.glob("checkpoints/ingest.part-0-*.bin")), job_id)
        slurm("scancel", "--signal=USR1", "--batch", job_id)

        def requeued() -> bool:
            """Pending again after the first attempt is cleaned up (no longer COMPLETING)."""
            record = job_records(job_id)[0]
            return (record["JobState"], record["Restarts"]) == ("PENDING", "1")

        # It starts again after the credential lifetime (10 s on the local cluster, 120 s by
        # default): slurmd refuses the job id until its old credential has expired.
        self.wait_until(requeued, job_id)
        record = wait_for_job(job_id)[0]
        log = (work / f"coordnet-{job_id}.out").read_text()
        self.assertEqual((record["JobState"], record["ExitCode"]), ("COMPLETED", "0:0"), log)
        self.assertIn("exit 75 (checkpointed): requeueing", log)
        self.assertIn("resuming from", log)
        attempts = re.findall(r"attempt=(\d+)", (run_dir / "job.txt").read_text())
        self.assertEqual(attempts, ["1", "2"])
        e2e.assert_same_datasets(self, self.reference("large"), run_dir / "result.h5",
                                 "requeued and resumed sbatch vs mpiexec")

    def wait_until(self, condition: Callable[[], bool], job_id: str) -> None:
        """Polls ``condition`` until it holds; fails if the job ends first or time runs out."""
        deadline = time.monotonic() + JOB_TIMEOUT_S
        while not condition():
            record = job_records(job_id)[0]
            self.assertNotIn(record["JobState"], ("COMPLETED", "FAILED", "CANCELLED", "TIMEOUT"),
                             f"job {job_id} ended first: {record}")
            self.assertLess(time.monotonic(), deadline, f"job {job_id}: timed out waiting")
            time.sleep(0.2)

    def test_nightly_job_resubmits_itself(self) -> None:
        """--resubmit-at HH:MM: the next job is pending, singleton, at the next HH:MM; where
        coordnet has `nightly`, the night's result equals mpiexec coordnet run on its days."""
        work = e2e.make_temp_dir(self, "coordnet-sbatch-nightly-")
        days = [work / "in" / day / "events.csv" for day in ("2026-01-01", "2026-01-02")]
        for day, source in zip(days, (self.inputs["small"], self.inputs["generated"])):
            day.parent.mkdir(parents=True)
            shutil.copyfile(source, day)
        at = datetime.datetime.now() + datetime.timedelta(hours=2)
        at = at.replace(second=0, microsecond=0)
        name = f"coordnet-nightly-test-{os.getpid()}"
        args = ["--input-root", str(work / "in"), "--out-root", str(work / "out"), "--days", "3",
                "--resubmit-at", at.strftime("%H:%M"), "--", *WINDOW]
        # A held job of the same name keeps the next night's singleton dependency unfulfilled
        # (Slurm drops a fulfilled one from the record), so it shows.
        held = slurm("sbatch", "--parsable", "--hold", f"--job-name={name}",
                     "--wrap=true").stdout.strip()
        self.addCleanup(slurm, "scancel", held, check=False)
        first = slurm("sbatch", "--parsable", f"--chdir={work}", f"--job-name={name}",
                      "--export=ALL,COORDNET_MAX_REQUEUES=0", "--ntasks=2", "--time=10",
                      str(SLURM_DIR / "coordnet-nightly.sbatch"), *args).stdout.strip()
        first_record = wait_for_job(first)[0]
        pending = slurm("squeue", "--noheader", f"--name={name}", "--states=PENDING",
                        "--format=%i").stdout.split()
        for job_id in pending:
            self.addCleanup(slurm, "scancel", job_id, check=False)
        successors = [job_id for job_id in pending if job_id not in (held, first)]
        self.assertEqual(len(successors), 1, f"expected one next-night job, got {successors}")
        record = job_records(successors[0])[0]
        self.assertEqual(record["Dependency"], "singleton(unfulfilled)")
        self.assertEqual(record["EligibleTime"], at.strftime("%Y-%m-%dT%H:%M:%S"))
        self.assertEqual(record["NumTasks"], "2")
        self.assertEqual(record["TimeLimit"], "00:10:00")
        script = slurm("scontrol", "show", "job", successors[0]).stdout
        self.assertIn(f"Command={SLURM_DIR / 'coordnet-nightly.sbatch'} {' '.join(args)}", script)
        version = e2e.run_coordnet_command(["--version"]).stdout.strip()
        self.assertIn(version, (work / "out" / "nightly-jobs.txt").read_text())

        if not re.search(r"^\s+nightly\s", e2e.run_coordnet_command(["--help"]).stdout, re.M):
            print("note: coordnet has no `nightly` yet: only the resubmission is checked",
                  file=sys.stderr)
            return
        log = (work / f"coordnet-nightly-{first}.out").read_text()
        self.assertEqual((first_record["JobState"], first_record["ExitCode"]),
                         ("COMPLETED", "0:0"), log)
        reference = work / "mpiexec.h5"
        e2e.run_ok(self, days, reference, *WINDOW, ranks=2)
        e2e.assert_same_datasets(self, reference, work / "out" / "latest" / "result.h5",
                                 "nightly job vs mpiexec coordnet run on its days")

    def test_scrontab_entry_accepted(self) -> None:
        """slurm/nightly.scrontab: its #SCRON options pass sbatch --test-only, its time is valid."""
        lines = (SLURM_DIR / "nightly.scrontab").read_text().splitlines()
        options = [word for line in lines if line.startswith("#SCRON")
                   for word in shlex.split(line[len("#SCRON"):])]
        self.assertIn("--signal=B:USR1@300", options)
        result = slurm("sbatch", "--test-only", *options, "--wrap=true", check=False)
        self.assertEqual(result.returncode, 0, e2e.describe(result))
        entries = [line for line in lines if line.strip() and not line.startswith("#")]
        self.assertEqual(len(entries), 1, entries)
        fields = entries[0].split(None, 5)
        limits = (59, 23, 31, 12, 7)
        for field, limit in zip(fields[:5], limits):
            for part in field.split(","):
                self.assertRegex(part, r"^(\*|\d+(-\d+)?)(/\d+)?$", f"cron field {field!r}")
                for number in re.findall(r"\d+", part.split("/")[0]):
                    self.assertLessEqual(int(number), limit, f"cron field {field!r}")
        command = shlex.split(fields[5])
        script = next(word for word in command if word.endswith(".sbatch"))
        self.assertTrue((SLURM_DIR / Path(script).name).is_file(), script)
        self.assertIn("exec", command, "the batch shell must become the script to get SIGUSR1")


def main() -> int:
    if not LOCAL_SLURM.is_file():
        e2e.skip(f"{LOCAL_SLURM} is missing")
    state = Path(tempfile.mkdtemp(prefix="coordnet-slurm-"))
    started = subprocess.run([str(LOCAL_SLURM), "start", str(state)], capture_output=True,
                             text=True, check=False)
    try:
        if started.returncode == e2e.SKIP_EXIT_CODE:
            e2e.skip(started.stderr.strip())
        if started.returncode != 0:
            print(started.stdout, started.stderr, sep="\n", file=sys.stderr)
            return 1
        slurm_env.update(e2e.run_env({"SLURM_CONF": str(state / "slurm.conf"),
                                      "COORDNET_BIN": str(e2e.coordnet_bin())}))
        program = unittest.main(exit=False)
        return 0 if program.result.wasSuccessful() else 1
    finally:
        subprocess.run([str(LOCAL_SLURM), "stop", str(state)], check=False)
        if not os.environ.get("COORDNET_E2E_KEEP"):
            shutil.rmtree(state, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
