"""A viral key: cut into time slices over ranks, streamed in small blocks, same result.

Input: scripts/make_viral_sample.py with 60,000 actions of one hashtag (four spellings of
#viral, one key after case folding) by 600 accounts over a day, plus 30,000 ordinary retweets and
hashtags. The reference is one rank with slicing off (the whole key swept at once, the path the
MPI kernel tests check against the serial all-pairs reference); the runs under test slice every
key with more than 10,000 actions into slices of about 3,000 with a halo of one window, and
stream pair partials in blocks of 5,000, at 2 and 3 ranks. Every dataset must be identical.
The same holds at 2 ranks under a memory budget small enough that the owners spill sorted runs
of pair partials to disk and merge them back; a budget too small for the actions is refused
with exit 78 and the figure it needs.
"""

from __future__ import annotations

import subprocess
import sys
import tomllib
import unittest
from pathlib import Path

import h5py

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, str(Path(__file__).resolve().parent))
import coordnet_e2e as e2e  # noqa: E402

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "make_viral_sample.py"
COMMON = ("--window", "10")
SLICED = ("--hot-key-actions", "10000", "--slice-actions", "3000", "--block-pairs", "5000")


class ViralKeyTest(unittest.TestCase):
    """Slicing and streaming change nothing in the output."""

    def test_sliced_equals_whole(self) -> None:
        tmp = e2e.make_temp_dir(self, "coordnet-viral-")
        data = tmp / "viral.csv"
        subprocess.run(["/usr/bin/python3", str(SCRIPT), "--viral-actions", "60000",
                        "--viral-accounts", "600", "--organic-actions", "30000",
                        "--accounts", "5000", "-o", str(data)], check=True)
        whole = tmp / "whole.h5"
        e2e.run_ok(self, [data], whole, *COMMON, "--hot-key-actions", "1000000000", ranks=1)
        with h5py.File(whole) as f:
            self.assertEqual(tomllib.loads(e2e.attr_text(f.attrs["stages"]))
                             ["project_hashtag"]["hot_keys"], 0)
            self.assertGreater(f["/edges_by_layer/hashtag/src"].size, 100_000)
        for ranks in (2, 3):
            out = tmp / f"sliced-np{ranks}.h5"
            e2e.run_ok(self, [data], out, *COMMON, *SLICED, ranks=ranks)
            with h5py.File(out) as f:
                stages = tomllib.loads(e2e.attr_text(f.attrs["stages"]))
                self.assertGreaterEqual(stages["project_hashtag"]["hot_keys"], 1)
            e2e.assert_same_datasets(self, whole, out, f"sliced at {ranks} ranks vs whole")

        spill = tmp / "spill"
        spill.mkdir()
        out = tmp / "spilled.h5"
        e2e.run_ok(self, [data], out, *COMMON, "--hot-key-actions", "10000", "--slice-actions",
                   "3000", "--memory-budget", "12M", "--spill-dir", str(spill), ranks=2)
        with h5py.File(out) as f:
            stages = tomllib.loads(e2e.attr_text(f.attrs["stages"]))
            self.assertGreater(stages["project_hashtag"]["spilled_runs"], 1)
        self.assertEqual(list(spill.iterdir()), [], "spill files left behind")
        e2e.assert_same_datasets(self, whole, out, "spilled at 2 ranks vs whole")

        refused = e2e.run_coordnet([data], tmp / "refused.h5", *COMMON, "--memory-budget", "1M",
                                   ranks=2)
        self.assertEqual(refused.returncode, 78, e2e.describe(refused))
        self.assertIn("--memory-budget 1 MiB is too small for the", refused.stderr)
        self.assertIn("give at least", refused.stderr)
        self.assertFalse((tmp / "refused.h5").exists())


if __name__ == "__main__":
    unittest.main()
