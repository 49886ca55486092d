"""The same job at 1, 2, 3 and 4 ranks, and the same job run twice, writes the same file.

Every dataset of the file (accounts, handles, edges, communities, rejects, inputs) must be
identical in dtype, shape and value at every rank count and on a rerun, and so must every
attribute of every group and dataset, except the run-specific ones documented in
docs/operations.md: the root attributes ``created``, ``ranks`` and ``stages``, and the keys
``out``, ``checkpoint-dir`` and ``resume`` of the ``config`` attribute. Runs on the hand-written fixture tests/data/events_small.csv (needs no
shared data) and, when present, on CooRTweet's russian_coord_tweets.csv (35,125 retweets; MIT,
Righetti & Balluff).

events_small.csv holds 41 data rows: objects shared by overlapping accounts inside and outside
a 60 s window (delays of exactly 60 s and 61 s), an account that sends the same object twice,
an account renamed (handle ``bravo`` -> ``bravo_renamed``), a quoted object id and a quoted
handle that hold commas, CRLF endings on some lines, no terminator on the last line, unix and
ISO-8601 timestamps, a fractional timestamp, a duplicate row, and hashtag rows whose key equals
a retweet key (another layer: the retweet layer's edges are checked against the reference).
"""

from __future__ import annotations

import sys
import unittest
from pathlib import Path

import h5py
import numpy as np

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, str(Path(__file__).resolve().parent))
import coordnet_e2e as e2e  # noqa: E402

RANK_COUNTS = (1, 2, 3, 4)
RERUN_RANKS = 2
FIXTURE = "events_small.csv"
SHARED = "CooRTweet/russian_coord_tweets.csv"
WINDOW_S = 60


class RankInvarianceTest(unittest.TestCase):
    """Outputs at 1, 2, 3 and 4 ranks are dataset-for-dataset identical."""

    def run_at_all_rank_counts(self, data: Path, *args: str) -> dict[int, Path]:
        """Runs coordnet on ``data`` at every rank count; returns the output per rank count."""
        tmp = e2e.make_temp_dir(self)
        outputs = {}
        for ranks in RANK_COUNTS:
            out = tmp / f"np{ranks}.h5"
            e2e.run_ok(self, [data], out, *args, ranks=ranks)
            outputs[ranks] = out
        rerun = tmp / f"np{RERUN_RANKS}-rerun.h5"
        e2e.run_ok(self, [data], rerun, *args, ranks=RERUN_RANKS)
        e2e.assert_same_result(self, outputs[RERUN_RANKS], rerun, "run vs rerun")
        return outputs

    def assert_rank_invariant(self, outputs: dict[int, Path]) -> None:
        """Every output equals the 1-rank output in every dataset and attribute; 'ranks' says
        the rank count."""
        baseline = outputs[RANK_COUNTS[0]]
        for ranks, out in outputs.items():
            with self.subTest(ranks=ranks):
                e2e.assert_same_result(self, baseline, out, f"1 rank vs {ranks} ranks")
                with h5py.File(out, "r") as f:
                    self.assertEqual(int(f.attrs["ranks"]), ranks)

    def test_fixture(self) -> None:
        """events_small.csv: identical at all rank counts, and equal to a brute-force reference."""
        data = e2e.test_data_dir() / FIXTURE
        self.assertTrue(data.is_file(), f"fixture {data} is missing")
        outputs = self.run_at_all_rank_counts(data, "--window", str(WINDOW_S))
        self.assert_rank_invariant(outputs)

        # The fixture must exercise something: edges, a rename and every data row counted.
        out = outputs[1]
        accounts = e2e.read_accounts(out)
        edges = e2e.read_edges(out, "retweet")
        self.assertEqual(int(accounts["n_actions"].sum()), 41)
        self.assertEqual(int(accounts["n_renames"].sum()), 1)
        # 13 accounts, acct_12 without a handle, acct_02 under two: 13 (account, handle) rows.
        self.assertEqual(len(e2e.read_group(out, "/handles")["account"]), 13)

        # Independent check of the edge values against a brute-force Python model.
        expected = e2e.reference_coactions(data, WINDOW_S)
        self.assertGreater(len(expected), 10)
        ids = e2e.decode(accounts["id"])
        got = {}
        for i in range(edges["src"].size):
            pair = tuple(sorted((ids[edges["src"][i]], ids[edges["dst"][i]])))
            got[pair] = (int(edges["count"][i]), int(edges["n_keys"][i]),
                         round(float(edges["min_delay_s"][i]) * 1000),
                         float(edges["mean_delay_s"][i]))
        self.assertEqual(sorted(got), sorted(expected), "edge sets differ from the reference")
        for pair, (count, n_keys, min_ms, sum_ms) in expected.items():
            with self.subTest(pair=pair):
                self.assertEqual(got[pair][:3], (count, n_keys, min_ms))
                self.assertTrue(np.isclose(got[pair][3], sum_ms / count / 1000.0, rtol=1e-12,
                                           atol=0.0), f"mean delay {got[pair][3]}")

    def test_coortweet(self) -> None:
        """russian_coord_tweets.csv at 60 s: identical at all rank counts (skipped if absent).
        The timeline keeps 50 actions of each of the 20 communities ranked first, so big
        communities are sampled (docs/analysis.md "Timeline")."""
        data = e2e.shared_file_or_skip_test(SHARED)
        outputs = self.run_at_all_rank_counts(data, "--window", str(WINDOW_S),
                                              "--timeline-actions", "50")
        self.assert_rank_invariant(outputs)
        self.assertEqual(e2e.read_edges(outputs[1])["src"].size, 6206)
        kept = e2e.read_group(outputs[1], "/communities/actions")
        communities = e2e.read_group(outputs[1], "/communities")
        top = (communities["rank"] <= 20) & (communities["size"] >= 2)  # lone accounts act alone
        present, per_community = np.unique(kept["community"], return_counts=True)
        self.assertEqual(present.tolist(), np.flatnonzero(top).tolist())
        self.assertEqual(int(per_community.max()), 50, "no community was sampled")


if __name__ == "__main__":
    unittest.main()
