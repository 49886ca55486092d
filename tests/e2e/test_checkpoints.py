"""Checkpoints, --resume and signals of ``coordnet run`` (docs/operations.md).

Every test interrupts a 2-rank run on tests/data/events_small.csv (edges in several layers,
handle renames, communities) and checks that ``--resume`` then writes a file equal to an
uninterrupted run in every dataset and attribute (created, ranks and stages aside), and that
the log says which stages were loaded and which recomputed. Interruptions are made
deterministic with the test hook COORDNET_TEST_FAULT=STAGE:RANK:ACTION[:POINT]
(pipeline/checkpoint/test_faults.hpp): rank 1 kills itself with SIGKILL, or raises SIGUSR1, at
a named point of a stage.
"""

from __future__ import annotations

import shutil
import sys
import unittest
from pathlib import Path

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, str(Path(__file__).resolve().parent))
import coordnet_e2e as e2e  # noqa: E402

FIXTURE = "events_small.csv"
ARGS = ("--window", "60", "--layers", "retweet,hashtag")
STAGES = ("ingest", "project", "cluster")
EXIT_RETRY_LATER = 75


class CheckpointTest(unittest.TestCase):
    """Interrupted runs resume to the uninterrupted result."""

    @classmethod
    def setUpClass(cls) -> None:
        cls.shared_tmp = Path(e2e.tempfile.mkdtemp(prefix="coordnet-ckpt-"))
        cls.data = e2e.test_data_dir() / FIXTURE
        cls.baseline = cls.shared_tmp / "baseline.h5"
        result = e2e.run_coordnet([cls.data], cls.baseline, *ARGS, ranks=2)
        if result.returncode != 0:
            raise AssertionError(e2e.describe(result))

    @classmethod
    def tearDownClass(cls) -> None:
        shutil.rmtree(cls.shared_tmp, ignore_errors=True)

    def setUp(self) -> None:
        self.tmp = e2e.make_temp_dir(self)
        self.out = self.tmp / "result.h5"
        self.ckpt = self.tmp / "checkpoints"

    def coordnet(self, *extra: str, fault: str | None = None, ranks: int = 2,
            data: Path | None = None, args: tuple[str, ...] = ARGS):
        env = {"COORDNET_TEST_FAULT": fault} if fault else None
        return e2e.run_coordnet([data or self.data], self.out, *args, "--checkpoint-dir",
                                str(self.ckpt), *extra, ranks=ranks, env=env)

    def resume_ok(self, **kwargs) -> str:
        """Runs with --resume, expects success and the baseline's result; returns the log."""
        result = self.coordnet("--resume", **kwargs)
        self.assertEqual(result.returncode, 0, e2e.describe(result))
        e2e.assert_same_result(self, self.baseline, self.out, "resumed vs uninterrupted")
        return result.stderr

    def assert_stages(self, log: str, loaded: tuple[str, ...]) -> None:
        """The stages in ``loaded`` came from checkpoints, the others were recomputed."""
        for stage in STAGES:
            with self.subTest(stage=stage):
                line = f"checkpoint {stage}: loaded"
                if stage in loaded:
                    self.assertIn(line, log)
                else:
                    self.assertNotIn(line, log)

    def test_sigkill_in_each_stage(self) -> None:
        """Rank 1 killed after each stage's work: the finished stages load, the rest rerun.

        The stages without a checkpoint of their own (null model, flags, analysis, evidence
        keys) resume from the last checkpointed one before them."""
        loaded_on_resume = {"ingest": (), "project": ("ingest",),
                            "null_model": ("ingest", "project"),
                            "cluster": ("ingest", "project"), "flag": STAGES,
                            "analysis": STAGES, "evidence_keys": STAGES}
        for stage, loaded in loaded_on_resume.items():
            with self.subTest(stage=stage):
                shutil.rmtree(self.ckpt, ignore_errors=True)
                self.out.unlink(missing_ok=True)
                killed = self.coordnet(fault=f"{stage}:1:kill")
                self.assertNotEqual(killed.returncode, 0, e2e.describe(killed))
                self.assertIn("Killed", killed.stderr + killed.stdout, e2e.describe(killed))
                self.assertFalse(self.out.exists(), "a killed run published its output")
                self.assertFalse((self.ckpt / f"{stage}.manifest").exists())
                log = self.resume_ok()
                self.assert_stages(log, loaded)

    def test_sigkill_after_one_part_saved(self) -> None:
        """Rank 1 killed after writing its part of the projection, before the manifest: the
        parts on disk are not trusted and the projection is recomputed."""
        killed = self.coordnet(fault="project:1:kill:part-saved")
        self.assertNotEqual(killed.returncode, 0, e2e.describe(killed))
        self.assertTrue((self.ckpt / "project.part-1-of-2.bin").exists())
        self.assertFalse((self.ckpt / "project.manifest").exists())
        log = self.resume_ok()
        self.assertIn("checkpoint project: not reused, recomputing: no manifest", log)
        self.assert_stages(log, ("ingest",))

    def test_sigkill_while_writing(self) -> None:
        """Killed while writing the HDF5 file: every stage loads, the file is written again."""
        killed = e2e.run_coordnet([self.data], self.out, *ARGS, "--checkpoint-dir",
                                  str(self.ckpt), ranks=2,
                                  env={"COORDNET_TEST_KILL_AFTER_DATASET": "/edges/src"})
        self.assertNotEqual(killed.returncode, 0, e2e.describe(killed))
        self.assertFalse(self.out.exists())
        self.assert_stages(self.resume_ok(), STAGES)

    def test_corrupt_part_is_recomputed(self) -> None:
        """A flipped byte in one part fails its checksum; that stage is recomputed."""
        first = self.coordnet()
        self.assertEqual(first.returncode, 0, e2e.describe(first))
        part = self.ckpt / "project.part-1-of-2.bin"
        data = bytearray(part.read_bytes())
        data[-3] ^= 0x40
        part.write_bytes(data)
        log = self.resume_ok()
        self.assertIn("checksum mismatch", log)
        self.assertIn("checkpoint project: a part failed its checks, recomputing", log)
        self.assert_stages(log, ("ingest", "cluster"))

    def test_other_config_rank_count_or_input_recomputes(self) -> None:
        """--resume with another window, rank count or input recomputes and says why."""
        first = self.coordnet()
        self.assertEqual(first.returncode, 0, e2e.describe(first))

        other = self.coordnet("--resume", args=("--window", "30", "--layers", "retweet,hashtag"))
        self.assertEqual(other.returncode, 0, e2e.describe(other))
        self.assertIn("checkpoint ingest: not reused, recomputing: the run differs: in [config]",
                      other.stderr)
        self.assert_stages(other.stderr, ())
        fresh = self.tmp / "fresh30.h5"
        e2e.run_ok(self, [self.data], fresh, "--window", "30", "--layers", "retweet,hashtag")
        e2e.assert_same_result(self, fresh, self.out, "resumed with another window")

        self.coordnet()  # checkpoints of the baseline configuration again
        one_rank = self.coordnet("--resume", ranks=1)
        self.assertEqual(one_rank.returncode, 0, e2e.describe(one_rank))
        self.assertIn("'ranks = 1' now vs 'ranks = 2' in the checkpoint", one_rank.stderr)
        self.assert_stages(one_rank.stderr, ())
        e2e.assert_same_result(self, self.baseline, self.out, "resumed at 1 rank")

        copy = self.tmp / FIXTURE
        shutil.copyfile(self.data, copy)
        self.coordnet(data=copy)
        with open(copy, "a", encoding="utf-8") as f:
            f.write("\n")
        changed = self.coordnet("--resume", data=copy)
        self.assertEqual(changed.returncode, 0, e2e.describe(changed))
        self.assertIn("size_bytes", changed.stderr)
        self.assert_stages(changed.stderr, ())

    def test_sigusr1_checkpoints_and_exits_75(self) -> None:
        """SIGUSR1 on rank 1 during the projection: every rank exits 75 after saving it; the
        resumed run loads ingest and projection and completes with the same result."""
        stopped = self.coordnet(fault="project:1:usr1")
        self.assertEqual(stopped.returncode, EXIT_RETRY_LATER, e2e.describe(stopped))
        self.assertIn("interrupted by signal 10 after stage project", stopped.stderr)
        self.assertFalse(self.out.exists())
        self.assertTrue((self.ckpt / "project.manifest").exists())
        self.assertFalse((self.ckpt / "cluster.manifest").exists())
        self.assert_stages(self.resume_ok(), ("ingest", "project"))

    def test_sigterm_without_checkpoints_exits_75(self) -> None:
        """SIGTERM without --checkpoint-dir still stops every rank with 75, writing nothing."""
        result = e2e.run_coordnet([self.data], self.out, *ARGS, ranks=2,
                                  env={"COORDNET_TEST_FAULT": "ingest:0:term"})
        self.assertEqual(result.returncode, EXIT_RETRY_LATER, e2e.describe(result))
        self.assertIn("no --checkpoint-dir", result.stderr)
        self.assertFalse(self.out.exists())

    def test_checkpointed_run_equals_plain_run(self) -> None:
        """Saving checkpoints does not change the result."""
        result = self.coordnet()
        self.assertEqual(result.returncode, 0, e2e.describe(result))
        e2e.assert_same_result(self, self.baseline, self.out, "with checkpoints")
        for stage in STAGES:
            self.assertTrue((self.ckpt / f"{stage}.manifest").exists())
            for rank in range(2):
                self.assertTrue((self.ckpt / f"{stage}.part-{rank}-of-2.bin").exists())


if __name__ == "__main__":
    unittest.main()
