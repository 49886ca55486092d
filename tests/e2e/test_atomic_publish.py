"""The output file is published atomically: written as OUT.tmp, renamed over OUT on success.

A run killed half-way (COORDNET_TEST_KILL_AFTER_DATASET=/path makes rank 0 SIGKILL itself right
after writing that dataset; io/hdf5_file.cpp) must leave a previous OUT byte for byte as it was,
readable, with at most OUT.tmp beside it; the next clean run must replace OUT.
Fixture: tests/data/events_small.csv.
"""

from __future__ import annotations

import os
import sys
import unittest
from pathlib import Path

import h5py

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, str(Path(__file__).resolve().parent))
import coordnet_e2e as e2e  # noqa: E402

FIXTURE = "events_small.csv"
RANKS = 2
KILL_VARIABLE = "COORDNET_TEST_KILL_AFTER_DATASET"
# The first dataset written, one in the middle, and the last one (after it only the commit).
KILL_POINTS = ("/accounts/id", "/edges/src", "/inputs/size_bytes")


class AtomicPublishTest(unittest.TestCase):
    """A killed run never damages or replaces the previous output."""

    def setUp(self) -> None:
        """A temporary output folder and the fixture."""
        self.tmp = e2e.make_temp_dir(self)
        self.data = e2e.test_data_dir() / FIXTURE
        self.assertTrue(self.data.is_file(), f"fixture {self.data} is missing")
        self.out = self.tmp / "OUT.h5"
        self.tmp_out = self.tmp / "OUT.h5.tmp"

    def run_killed(self, dataset: str) -> None:
        """Runs with the fault hook at ``dataset`` and asserts that the run failed."""
        result = e2e.run_coordnet([self.data], self.out, ranks=RANKS,
                                  env={KILL_VARIABLE: dataset})
        self.assertNotEqual(result.returncode, 0,
                            f"run with {KILL_VARIABLE}={dataset} did not fail\n"
                            + e2e.describe(result))

    def assert_only_outputs(self, required: set[str]) -> None:
        """The folder holds ``required`` and at most OUT.h5.tmp besides."""
        names = set(os.listdir(self.tmp))
        self.assertTrue(required <= names, f"missing {required - names} in {sorted(names)}")
        self.assertEqual(names - required - {self.tmp_out.name}, set(),
                         f"unexpected files: {sorted(names)}")

    def test_killed_run_keeps_previous_output(self) -> None:
        """Killed after /edges/src at 2 ranks: OUT.h5 unchanged and readable; then a clean rerun
        replaces it (new inode) and leaves no OUT.h5.tmp."""
        e2e.run_ok(self, [self.data], self.out, ranks=RANKS)
        before = self.out.read_bytes()
        inode_before = self.out.stat().st_ino
        reference = e2e.make_temp_dir(self) / "reference.h5"  # kept outside the output folder
        reference.write_bytes(before)

        self.run_killed("/edges/src")
        self.assertEqual(self.out.read_bytes(), before, "OUT.h5 changed by a killed run")
        with h5py.File(self.out, "r") as f:
            self.assertEqual(len(f["/edges/src"]), len(f["/edges/dst"]))
        e2e.assert_same_datasets(self, reference, self.out, "after the killed run")
        self.assert_only_outputs({self.out.name})

        e2e.run_ok(self, [self.data], self.out, ranks=RANKS)
        self.assertFalse(self.tmp_out.exists(), "OUT.h5.tmp left after a clean run")
        self.assertEqual(set(os.listdir(self.tmp)), {self.out.name})
        self.assertNotEqual(self.out.stat().st_ino, inode_before, "OUT.h5 was not replaced")
        e2e.assert_same_datasets(self, reference, self.out, "clean rerun vs first run")

    def test_kill_points(self) -> None:
        """Killed after the first, a middle and the last dataset: previous OUT.h5 intact."""
        e2e.run_ok(self, [self.data], self.out, ranks=RANKS)
        before = self.out.read_bytes()
        for dataset in KILL_POINTS:
            with self.subTest(dataset=dataset):
                self.run_killed(dataset)
                self.assertEqual(self.out.read_bytes(), before, "OUT.h5 changed")
                self.assert_only_outputs({self.out.name})

    def test_killed_first_run_publishes_nothing(self) -> None:
        """With no previous output, a killed run leaves no OUT.h5 (at most OUT.h5.tmp)."""
        self.run_killed("/edges/src")
        self.assertFalse(self.out.exists(), "a killed run published OUT.h5")
        self.assertLessEqual(set(os.listdir(self.tmp)), {self.tmp_out.name})
        e2e.run_ok(self, [self.data], self.out, ranks=RANKS)
        self.assertEqual(set(os.listdir(self.tmp)), {self.out.name})


if __name__ == "__main__":
    unittest.main()
