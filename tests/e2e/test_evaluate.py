"""``coordnet evaluate`` on a hand-made result file with a hand-computed score.

The fixture (written here with h5py, as the community stage will write it) and the truth::

    account  truth campaign   community (size)   flagged (second file)
    a1       0                10 (4)             1
    a2       0                10                 1
    a3       0                10                 0
    a4       0                20 (4)             0
    b1       1                20                 1
    b2       1                20                 0
    b3       1                none               1
    m1       1                (not in result)
    o1       organic (-1)     10                 1
    o2       organic (-1)     30 (2)             1
    o3       organic (empty)  30                 0
    o4       organic (-1)     none               0
    o5       organic (-1)     40 (1)             0
    x1       (not in truth)   20                 0

With communities of >= 3 accounts flagged (10 and 20): TP a1 a2 a3 a4 b1 b2 = 6, FP o1 x1 = 2,
FN b3 m1 = 2, TN o2 o3 o4 o5 = 4. Campaign 0: 4 of 4 flagged, best community 10 (3 members, size
4); campaign 1: 2 of 4, best 20 (2 members, size 4). Over the 8 campaign members the predicted
labels are 10 10 10 20 | 20 20 b3 m1 (b3 and m1 singletons): contingency (0,10)=3 (0,20)=1
(1,20)=2 (1,b3)=1 (1,m1)=1, so ARI = (4 - 12*6/28) / (9 - 12*6/28) = 2/9.

With /accounts/flagged: TP a1 a2 b1 b3 = 4, FP o1 o2 = 2, FN a3 a4 b2 m1 = 4, TN o3 o4 o5 x1 = 4.
"""

from __future__ import annotations

import json
import math
import sys
import unittest
from pathlib import Path

import h5py
import numpy as np

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, str(Path(__file__).resolve().parent))
import coordnet_e2e as e2e  # noqa: E402

IDS = ["a1", "a2", "a3", "a4", "b1", "b2", "b3", "o1", "o2", "o3", "o4", "o5", "x1"]
COMMUNITY = [10, 10, 10, 20, 20, 20, -1, 10, 30, 30, -1, 40, 20]
FLAGGED = [1, 1, 0, 0, 1, 0, 1, 1, 1, 0, 0, 0, 0]
TRUTH = ("account_id,campaign\na1,0\na2,0\na3,0\na4,0\nb1,1\nb2,1\nb3,1\no1,-1\no2,-1\no3,\n"
         "o4,-1\no5,-1\nm1,1\n")


def write_result(path: Path, community: bool, flagged: bool, dtype: str = "i8") -> None:
    """A result file with /accounts/id and the chosen label columns."""
    with h5py.File(path, "w") as f:
        f.create_dataset("accounts/id", data=np.array([i.encode() for i in IDS], dtype="S8"))
        if community:
            values = np.array(COMMUNITY, dtype=np.int64)
            if dtype == "u8":  # unsigned ids have no -1: "none" is a community of its own
                values = np.where(values < 0, 999 + np.arange(len(values)), values)
            f.create_dataset("accounts/community", data=values.astype(dtype))
        if flagged:
            f.create_dataset("accounts/flagged", data=np.array(FLAGGED, dtype=np.uint8))


def nmi(cells: list[int], rows: list[int], columns: list[int], cell_rc: list[tuple[int, int]]
        ) -> float:
    """NMI (arithmetic normalisation) of a contingency table given by its cells."""
    n = sum(cells)
    mutual = sum(c / n * math.log(c * n / (rows[r] * columns[k]))
                 for c, (r, k) in zip(cells, cell_rc))
    h_rows = -sum(r / n * math.log(r / n) for r in rows)
    h_columns = -sum(k / n * math.log(k / n) for k in columns)
    return mutual / (0.5 * (h_rows + h_columns))


class EvaluateTest(unittest.TestCase):
    """Scores of a fixture whose right answer is worked out in the module docstring."""

    def setUp(self) -> None:
        self.tmp = e2e.make_temp_dir(self)
        self.truth = self.tmp / "truth.csv"
        self.truth.write_text(TRUTH)

    def evaluate(self, result: Path, *args: str, ranks: int = 1) -> dict:
        """Runs evaluate with --json; returns the JSON."""
        out = self.tmp / "scores.json"
        run = e2e.run_coordnet_command(["evaluate", result, "--truth", self.truth, "--json", out,
                                        *args], ranks=ranks)
        self.assertEqual(run.returncode, e2e.EXIT_OK, e2e.describe(run))
        self.assertIn("precision", run.stdout)
        return json.loads(out.read_text())

    def test_communities_of_min_size(self) -> None:
        """Without /accounts/flagged, communities of >= 3 accounts are flagged."""
        result = self.tmp / "result.h5"
        write_result(result, community=True, flagged=False)
        for ranks in (1, 2):
            with self.subTest(ranks=ranks):
                s = self.evaluate(result, ranks=ranks)
                self.assertEqual(s["labelling"], "community")
                self.assertEqual((s["accounts"], s["positives"]), (14, 8))
                self.assertEqual((s["truth_not_in_result"], s["result_not_in_truth"]), (1, 1))
                self.assertEqual((s["true_positives"], s["false_positives"],
                                  s["false_negatives"], s["true_negatives"]), (6, 2, 2, 4))
                self.assertAlmostEqual(s["precision"], 0.75, places=12)
                self.assertAlmostEqual(s["recall"], 0.75, places=12)
                self.assertAlmostEqual(s["f1"], 0.75, places=12)
                self.assertAlmostEqual(s["false_positive_rate"], 1 / 3, places=12)
                self.assertAlmostEqual(s["ari"], 2 / 9, places=12)
                expected_nmi = nmi([3, 1, 2, 1, 1], [4, 4], [3, 3, 1, 1],
                                   [(0, 0), (0, 1), (1, 1), (1, 2), (1, 3)])
                self.assertAlmostEqual(s["nmi"], expected_nmi, places=12)
                self.assertEqual(s["campaigns"], [
                    {"campaign": "0", "size": 4, "flagged": 4, "recall": 1.0,
                     "best_community": 10, "overlap": 3, "community_size": 4},
                    {"campaign": "1", "size": 4, "flagged": 2, "recall": 0.5,
                     "best_community": 20, "overlap": 2, "community_size": 4}])

    def test_min_size_two_flags_community_30(self) -> None:
        """--min-size 2 also flags community 30 (o2, o3): two more false positives."""
        result = self.tmp / "result.h5"
        write_result(result, community=True, flagged=False)
        s = self.evaluate(result, "--min-size", "2")
        self.assertEqual((s["true_positives"], s["false_positives"], s["false_negatives"],
                          s["true_negatives"]), (6, 4, 2, 2))
        self.assertAlmostEqual(s["precision"], 0.6, places=12)
        self.assertAlmostEqual(s["false_positive_rate"], 4 / 6, places=12)

    def test_flagged_column_wins(self) -> None:
        """/accounts/flagged is used when present; --flagged-from community overrides it."""
        result = self.tmp / "result.h5"
        write_result(result, community=True, flagged=True, dtype="u8")
        s = self.evaluate(result)
        self.assertEqual(s["labelling"], "flagged")
        self.assertEqual((s["true_positives"], s["false_positives"], s["false_negatives"],
                          s["true_negatives"]), (4, 2, 4, 4))
        self.assertAlmostEqual(s["precision"], 4 / 6, places=12)
        self.assertAlmostEqual(s["recall"], 0.5, places=12)
        self.assertAlmostEqual(s["f1"], 2 * (4 / 6) * 0.5 / (4 / 6 + 0.5), places=12)
        self.assertAlmostEqual(s["false_positive_rate"], 2 / 6, places=12)
        # Campaign 1: b1 (community 20) and b3 (its own community 1005) flagged; 20 is best.
        self.assertEqual([(c["flagged"], c["best_community"], c["overlap"])
                          for c in s["campaigns"]], [(2, 10, 2), (2, 20, 1)])

        s = self.evaluate(result, "--flagged-from", "community")
        self.assertEqual(s["labelling"], "community")
        self.assertEqual((s["true_positives"], s["false_positives"]), (6, 2))

    def test_no_labelling_is_a_data_error(self) -> None:
        """A result without /accounts/flagged and /accounts/community: exit 65."""
        result = self.tmp / "result.h5"
        write_result(result, community=False, flagged=False)
        run = e2e.run_coordnet_command(["evaluate", result, "--truth", self.truth], ranks=2)
        self.assertEqual(run.returncode, e2e.EXIT_DATA, e2e.describe(run))
        self.assertIn("/accounts/community", run.stderr)


if __name__ == "__main__":
    unittest.main()
