"""--compat coortweet and --compat qut reproduce the peer tools' outputs on real data.

Data: CooRTweet's russian_coord_tweets.csv (35,125 retweets; MIT, Righetti & Balluff) and the
reference outputs derived from it with CooRTweet 2.1 (detect_groups + generate_coordinated_network,
window 60 s, min_participation 2, edge_weight 0.5) and the QUT Coordination Network Toolkit
(co_retweet, window 60 s, min edge weight 1, directed, self-loops kept); see
../shared/data/README.md. Each mode runs at 1 and 3 ranks and must give identical files.
"""

from __future__ import annotations

import csv
import sys
import unittest
from pathlib import Path

import numpy as np

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, str(Path(__file__).resolve().parent))
import coordnet_e2e as e2e  # noqa: E402

DATA = "CooRTweet/russian_coord_tweets.csv"
COORTWEET_NETWORK = "CooRTweet/derived_reference_outputs/ref_network_tw60_mp2_full.csv"
QUT_DIRECTED = "CooRTweet/derived_reference_outputs/qut_coretweet_tw60_mw1_directed.csv"
RANKS = (1, 3)


class CompatTest(unittest.TestCase):
    """Every edge equals the peer tool's, at every rank count."""

    @classmethod
    def setUpClass(cls) -> None:
        """Locates the data; a temporary directory for the outputs."""
        cls.data = e2e.shared_file_or_skip_test(DATA)
        cls.tmp = cls.enterClassContext(e2e.temp_dir("coordnet-compat-"))

    def run_modes(self, name: str, *args: str) -> Path:
        """Runs at every rank count, checks the files agree, returns the first."""
        outputs = []
        for ranks in RANKS:
            out = self.tmp / f"{name}-np{ranks}.h5"
            e2e.run_ok(self, [self.data], out, *args, ranks=ranks)
            outputs.append(out)
        for other in outputs[1:]:
            e2e.assert_same_datasets(self, outputs[0], other, f"{name}: 1 rank vs more")
        return outputs[0]

    def test_coortweet(self) -> None:
        """3,791 co-share rows; 2,110 accounts / 3,721 edges; each edge's weight,
        avg_time_delta, n_content_id(_y), symmetry and weight_threshold as CooRTweet's."""
        reference = e2e.shared_file_or_skip_test(COORTWEET_NETWORK)
        out = self.run_modes("coortweet", "--compat", "coortweet", "--window", "60",
                             "--min-participation", "2")
        edges = e2e.read_edges(out, "retweet")
        ids = e2e.decode(e2e.read_accounts(out)["id"])
        self.assertEqual(int(edges["count"].sum()), 3791)
        self.assertEqual(edges["src"].size, 3721)
        self.assertEqual(e2e.n_connected_accounts(edges), 2110)
        got = {}
        for i in range(edges["src"].size):
            pair = tuple(sorted((ids[edges["src"][i]], ids[edges["dst"][i]])))
            got[pair] = (int(edges["weight"][i]), float(edges["mean_delay_s"][i]),
                         int(edges["n_older"][i]), int(edges["n_newer"][i]),
                         float(edges["symmetry"][i]), int(edges["weight_threshold"][i]))
        with reference.open(newline="") as f:
            expected = {tuple(sorted((r["from"], r["to"]))): (
                int(r["weight"]), float(r["avg_time_delta"]), int(r["n_content_id"]),
                int(r["n_content_id_y"]), float(r["edge_symmetry_score"]),
                int(r["weight_threshold"])) for r in csv.DictReader(f)}
        self.assertEqual(set(got), set(expected))
        mismatched = [p for p in expected
                      if got[p][0] != expected[p][0] or got[p][2:4] != expected[p][2:4]
                      or got[p][5] != expected[p][5]
                      or not np.isclose(got[p][1], expected[p][1], rtol=1e-12, atol=0)
                      or not np.isclose(got[p][4], expected[p][4], rtol=1e-12, atol=0)]
        self.assertEqual(mismatched, [], f"{len(mismatched)} edges differ, e.g. "
                         f"{[(p, got[p], expected[p]) for p in mismatched[:3]]}")
        self.assertEqual(int(edges["weight_threshold"].sum()), 60)

    def test_qut(self) -> None:
        """The directed co-retweet edges (12,470 with 58 self-loops) match QUT's row for row."""
        reference = e2e.shared_file_or_skip_test(QUT_DIRECTED)
        out = self.run_modes("qut", "--compat", "qut", "--window", "60", "--self-loops")
        edges = e2e.read_edges(out)
        ids = e2e.decode(e2e.read_accounts(out)["id"])
        got = {(ids[s], ids[d]): int(w)
               for s, d, w in zip(edges["src"], edges["dst"], edges["weight"])}
        self.assertEqual(len(got), edges["src"].size, "one row per directed pair")
        with reference.open(newline="") as f:
            expected = {(r["user_1"], r["user_2"]): int(r["weight"]) for r in csv.DictReader(f)}
        self.assertEqual(len(expected), 12470)
        self.assertEqual(sum(1 for u, v in got if u == v), 58)
        self.assertEqual(got, expected)


if __name__ == "__main__":
    e2e.require_shared_file(DATA)
    unittest.main()
