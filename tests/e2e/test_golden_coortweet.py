"""Golden figures on CooRTweet's russian_coord_tweets.csv (see ../shared/data/README.md).

Data: CooRTweet R package v2.1.3 (MIT, Righetti & Balluff), 35,125 real retweets from
pro-government Russian Twitter (Kulichkina, Righetti & Waldherr 2024). Reference outputs: the
CooRTweet R package and the QUT Coordination Network Toolkit (co_retweet), which agree exactly
with each other on these figures (window inclusive, no participation filter, undirected, no
self-loops).

Every run here is at 2 ranks with the default layer (retweet) and no participation filter.
"""

from __future__ import annotations

import collections
import csv
import sys
import unittest
from pathlib import Path

import numpy as np

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, str(Path(__file__).resolve().parent))
import coordnet_e2e as e2e  # noqa: E402

DATA = "CooRTweet/russian_coord_tweets.csv"
QUT_DIRECTED = "CooRTweet/derived_reference_outputs/qut_coretweet_tw60_mw1_directed.csv"
RANKS = 2

# window (s) -> (accounts with >= 1 edge, edges), all edges and edges of weight >= 2.
GOLDEN_ALL = {10: (1525, 1092), 30: (2937, 3092), 60: (3954, 6206)}
GOLDEN_WEIGHT2 = {10: (10, 5), 30: (43, 27), 60: (97, 63)}
GOLDEN_WEIGHT_HISTOGRAM_60 = {1: 6143, 2: 52, 3: 10, 4: 1}


def qut_undirected_max_weights(path: Path) -> dict[tuple[str, str], int]:
    """QUT's directed co_retweet edges with self-loops dropped and the two directions merged.

    Returns {(smaller id, larger id): max of the two directed weights}.
    """
    merged: dict[tuple[str, str], int] = {}
    with path.open(newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            u, v, weight = row["user_1"], row["user_2"], int(row["weight"])
            if u == v:
                continue
            key = (u, v) if u < v else (v, u)
            merged[key] = max(merged.get(key, 0), weight)
    return merged


class GoldenCoorTweetTest(unittest.TestCase):
    """coordnet reproduces the CooRTweet / QUT golden figures at windows 10, 30 and 60 s."""

    data: Path
    outputs: dict[int, Path]

    @classmethod
    def setUpClass(cls) -> None:
        """Runs coordnet once per window (shared by the tests below)."""
        cls.data = e2e.shared_file_or_skip_test(DATA)
        cls.tmp = cls.enterClassContext(e2e.temp_dir("coordnet-golden-"))
        cls.outputs = {}
        for window in GOLDEN_ALL:
            out = cls.tmp / f"tw{window}.h5"
            result = e2e.run_coordnet([cls.data], out, "--window", str(window), ranks=RANKS)
            if result.returncode != 0:
                raise AssertionError(e2e.describe(result))
            cls.outputs[window] = out

    def test_accounts_and_edges_per_window(self) -> None:
        """Accounts with >= 1 edge and number of edges match the golden table."""
        for window, (n_accounts, n_edges) in GOLDEN_ALL.items():
            with self.subTest(window=window):
                edges = e2e.read_edges(self.outputs[window])
                self.assertEqual(edges["src"].size, n_edges)
                self.assertEqual(e2e.n_connected_accounts(edges), n_accounts)

    def test_weight_two_subgraph_per_window(self) -> None:
        """Edges of weight >= 2 and their accounts match the golden table."""
        for window, (n_accounts, n_edges) in GOLDEN_WEIGHT2.items():
            with self.subTest(window=window):
                edges = e2e.read_edges(self.outputs[window])
                heavy = edges["count"] >= 2
                self.assertEqual(int(heavy.sum()), n_edges)
                accounts = np.union1d(edges["src"][heavy], edges["dst"][heavy])
                self.assertEqual(accounts.size, n_accounts)

    def test_weight_histogram_60s(self) -> None:
        """At 60 s: 6,143 edges of weight 1, 52 of 2, 10 of 3, 1 of 4; weight == count."""
        edges = e2e.read_edges(self.outputs[60])
        histogram = collections.Counter(int(c) for c in edges["count"])
        self.assertEqual(dict(histogram), GOLDEN_WEIGHT_HISTOGRAM_60)
        np.testing.assert_array_equal(edges["weight"], edges["count"].astype(np.float64))

    def test_edge_set_matches_qut_60s(self) -> None:
        """At 60 s the undirected edges are QUT's (self-loops dropped, directions merged), and
        /edges/count is the larger of QUT's two directed weights of each pair."""
        qut_path = e2e.shared_file_or_skip_test(QUT_DIRECTED)
        expected = qut_undirected_max_weights(qut_path)
        self.assertEqual(len(expected), GOLDEN_ALL[60][1])  # the reference itself is as stated
        accounts = e2e.read_accounts(self.outputs[60])
        self.assertEqual(accounts["id"].dtype.kind, "S", "account ids are fixed-length bytes")
        got = e2e.edge_pairs_by_id(self.outputs[60])
        missing = sorted(set(expected) - set(got))
        extra = sorted(set(got) - set(expected))
        self.assertEqual((len(missing), len(extra)), (0, 0),
                         f"edges missing vs QUT: {missing[:5]}; extra: {extra[:5]}")
        wrong = [(pair, got[pair], weight) for pair, weight in expected.items()
                 if got[pair] != weight]
        self.assertEqual(wrong, [], "(pair, coordnet count, QUT max directed weight)")

    def test_min_weight_2_at_60s(self) -> None:
        """--min-weight 2 at 60 s keeps exactly the 63 edges of weight >= 2, unchanged."""
        out = self.tmp / "tw60_mw2.h5"
        e2e.run_ok(self, [self.data], out, "--window", "60", "--min-weight", "2", ranks=RANKS)
        edges = e2e.read_edges(out)
        self.assertEqual(edges["src"].size, GOLDEN_WEIGHT2[60][1])
        self.assertEqual(e2e.n_connected_accounts(edges), GOLDEN_WEIGHT2[60][0])
        self.assertTrue(np.all(edges["count"] >= 2))
        full = e2e.edge_pairs_by_id(self.outputs[60])
        heavy = {pair: count for pair, count in full.items() if count >= 2}
        self.assertEqual(e2e.edge_pairs_by_id(out), heavy)


if __name__ == "__main__":
    e2e.require_shared_file(DATA)
    unittest.main()
