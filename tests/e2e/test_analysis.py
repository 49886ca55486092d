"""The analysis stage of ``coordnet run`` on a tiny events CSV written here, with every value
known by hand.

Two groups act together (window 60 s, retweet and hashtag layers):

- A = {a1, a2, a3}: retweets t100 (a1@1000 s, a2@1010, a3@1030 and
  again @1040) and t200 (a2@2000, a1@2005,
  a3@2020); hashtags ``freedom`` and ``liberty`` in the same posts (a1@3000, a2@3010) and
  ``buynow`` (a1@5000, a3@5030); ``news`` (a1@6000, a2@6010), which c1 uses three more times.
  a1 is renamed (alpha -> alpha_new): 1 rename in 3 accounts. Causes: {freedom, liberty} and
  {buynow}: 2 (``news`` is coordinated but mostly used by others: not A's cause).
- B = {b1, b2}: retweets t300 (b1@10000, b2@10040 and
  again @10050) and t400 (b1@11000, b2@11010).
- c1 acts alone (t500, news).

Edge evidence (K = 3): a1-a2 co-act once on each of t100 (1000..1010), t200 (2000..2005),
freedom and liberty (3000..3010: a tie broken by key hash) and news: t100, t200 and one of the
two tags; a1-a3 twice on t100 (a3 has two posts), once on t200 and buynow; a2-a3 twice on t100,
once on t200; b1-b2 twice on t300, once on t400.

Checks: the feature, role and evidence datasets hold the hand-computed values (and density,
conductance, delays and layer mix agree with a computation here from ``/edges``); the analysis
datasets are identical at 1, 2, 3 and 4 ranks.
"""

from __future__ import annotations

import re
import sys
import unittest
from pathlib import Path

import h5py
import numpy as np

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, str(Path(__file__).resolve().parent))
import coordnet_e2e as e2e  # noqa: E402

RANK_COUNTS = (1, 2, 3, 4)

ROWS = [
    ("t100", "a1", "p1", 1000, "alpha", "retweet"),
    ("t100", "a2", "p2", 1010, "bravo", "retweet"),
    ("t100", "a3", "p3", 1030, "charlie", "retweet"),
    ("t100", "a3", "p3b", 1040, "charlie", "retweet"),
    ("t200", "a2", "p4", 2000, "bravo", "retweet"),
    ("t200", "a1", "p5", 2005, "alpha_new", "retweet"),
    ("t200", "a3", "p6", 2020, "charlie", "retweet"),
    ("freedom", "a1", "p7", 3000, "alpha_new", "hashtag"),
    ("liberty", "a1", "p7", 3000, "alpha_new", "hashtag"),
    ("freedom", "a2", "p8", 3010, "bravo", "hashtag"),
    ("liberty", "a2", "p8", 3010, "bravo", "hashtag"),
    ("buynow", "a1", "p9", 5000, "alpha_new", "hashtag"),
    ("buynow", "a3", "p10", 5030, "charlie", "hashtag"),
    ("news", "a1", "p11", 6000, "alpha_new", "hashtag"),
    ("news", "a2", "p12", 6010, "bravo", "hashtag"),
    ("news", "c1", "r2", 30000, "foxtrot", "hashtag"),
    ("news", "c1", "r3", 30100, "foxtrot", "hashtag"),
    ("news", "c1", "r4", 30200, "foxtrot", "hashtag"),
    ("t300", "b1", "q1", 10000, "delta", "retweet"),
    ("t300", "b2", "q2", 10040, "echo", "retweet"),
    ("t300", "b2", "q2b", 10050, "echo", "retweet"),
    ("t400", "b1", "q3", 11000, "delta", "retweet"),
    ("t400", "b2", "q4", 11010, "echo", "retweet"),
    ("t500", "c1", "r1", 20000, "foxtrot", "retweet"),
]

ANALYSIS_GROUPS = ("/communities", "/accounts", "/edge_evidence")


def write_input(folder: Path) -> Path:
    """The events CSV above."""
    path = folder / "events.csv"
    lines = ["object_id,account_id,content_id,timestamp_share,handle,layer"]
    lines += [",".join(str(v) for v in row) for row in ROWS]
    path.write_text("\n".join(lines) + "\n")
    return path


def datasets(f: h5py.File) -> dict[str, np.ndarray]:
    """Every dataset under the analysis groups, by path."""
    out: dict[str, np.ndarray] = {}

    def visit(name: str, obj: object) -> None:
        if isinstance(obj, h5py.Dataset):
            out[name] = obj[:]

    for group in ANALYSIS_GROUPS:
        f[group].visititems(lambda n, o, g=group: visit(f"{g}/{n}", o))
    return out


def burstiness(times: list[float]) -> float:
    """Goh-Barabasi burstiness of the gaps between sorted times."""
    gaps = np.diff(np.sort(np.array(times, dtype=float)))
    return float((gaps.std() - gaps.mean()) / (gaps.std() + gaps.mean()))


def weighted_quantile(values: np.ndarray, weights: np.ndarray, q: float) -> float:
    """Smallest value whose cumulative weight reaches q of the total."""
    order = np.lexsort((weights, values))
    cumulative = np.cumsum(weights[order])
    return float(values[order][np.argmax(cumulative >= q * cumulative[-1])])


class AnalysisTest(unittest.TestCase):
    """Features, roles and evidence of the two planted groups."""

    @classmethod
    def setUpClass(cls) -> None:
        cls.folder = Path(e2e.make_temp_dir(unittest.TestCase()))
        cls.input = write_input(cls.folder)
        cls.files = {}
        cls.logs = {}
        for ranks in RANK_COUNTS:
            out = cls.folder / f"out{ranks}.h5"
            result = e2e.run_coordnet([cls.input], out, "--layers", "retweet,hashtag",
                                      "--window", "60", ranks=ranks)
            assert result.returncode == e2e.EXIT_OK, e2e.describe(result)
            cls.files[ranks] = out
            cls.logs[ranks] = result.stderr

    def open(self, ranks: int = 2) -> h5py.File:
        f = h5py.File(self.files[ranks], "r")
        self.addCleanup(f.close)
        return f

    def community_of(self, f: h5py.File) -> tuple[dict[str, int], dict[str, int]]:
        ids = [s.decode() for s in f["/accounts/id"][:]]
        labels = f["/accounts/community"][:]
        return {a: int(labels[i]) for i, a in enumerate(ids)}, {a: i for i, a in enumerate(ids)}

    def test_identical_at_every_rank_count(self) -> None:
        with h5py.File(self.files[1], "r") as first:
            reference = datasets(first)
        for ranks in RANK_COUNTS[1:]:
            with h5py.File(self.files[ranks], "r") as other:
                got = datasets(other)
            self.assertEqual(sorted(got), sorted(reference))
            for name, values in reference.items():
                np.testing.assert_array_equal(got[name], values, err_msg=f"{name} at {ranks}")

    def test_features(self) -> None:
        f = self.open()
        community, _ = self.community_of(f)
        a, b, c = community["a1"], community["b1"], community["c1"]
        self.assertEqual({community["a2"], community["a3"]}, {a})
        self.assertEqual(community["b2"], b)
        col = {name: f[f"/communities/{name}"][:] for name in f["/communities"]
               if isinstance(f[f"/communities/{name}"], h5py.Dataset)}
        self.assertEqual(col["size"][[a, b, c]].tolist(), [3, 2, 1])
        self.assertAlmostEqual(col["renames_per_account"][a], 1 / 3)
        self.assertEqual(col["renames_per_account"][b], 0)
        self.assertEqual(col["n_causes"][[a, b, c]].tolist(), [2, 0, 0])
        self.assertEqual(col["n_coordinated_keys"][[a, b, c]].tolist(), [6, 2, 0])
        self.assertEqual(col["first_ms"][[a, b]].tolist(), [1_000_000, 10_000_000])
        self.assertEqual(col["last_ms"][[a, b]].tolist(), [6_010_000, 11_010_000])
        self.assertEqual(col["lifetime_s"][[a, b]].tolist(), [5010.0, 1010.0])
        self.assertTrue(np.isnan(col["lifetime_s"][c]))
        a_times = [1000, 1010, 1030, 1040, 2000, 2005, 2020, 3000, 3000, 3010, 3010, 5000, 5030,
                   6000, 6010]
        self.assertAlmostEqual(col["burstiness"][a], burstiness(a_times), places=12)
        self.assertAlmostEqual(col["burstiness"][b], burstiness([10000, 10040, 10050, 11000, 11010]),
                               places=12)
        self.assertEqual(col["max_coreness"][[a, b, c]].tolist(), [2, 1, 0])
        self.assertEqual(col["n_components"][[a, b, c]].tolist(), [1, 1, 1])

        # Graph features from the fused edges.
        labels = f["/accounts/community"][:]
        src, dst = f["/edges/src"][:], f["/edges/dst"][:]
        weight, count = f["/edges/weight"][:], f["/edges/count"][:]
        delay = f["/edges/mean_delay_s"][:]
        volume_all = 2 * weight.sum()
        for k, n in ((a, 3), (b, 2)):
            inside = (labels[src] == k) & (labels[dst] == k)
            cut = weight[(labels[src] == k) != (labels[dst] == k)].sum()
            w_in = weight[inside].sum()
            self.assertEqual(col["n_edges"][k], inside.sum())
            self.assertAlmostEqual(col["internal_weight"][k], w_in)
            self.assertAlmostEqual(col["density"][k], w_in / (n * (n - 1) / 2))
            self.assertAlmostEqual(col["edge_density"][k], 1.0)
            vol = 2 * w_in + cut
            self.assertAlmostEqual(col["conductance"][k], cut / min(vol, volume_all - vol))
            self.assertAlmostEqual(col["median_delay_s"][k],
                                   weighted_quantile(delay[inside], count[inside], 0.5))
            for layer in ("retweet", "hashtag"):
                self.assertAlmostEqual(col[f"layer_share_{layer}"][k],
                                       f[f"/edges/weight_{layer}"][:][inside].sum() / w_in)

        # Score: the mean of its stored parts; A (renames, two causes) ranks first. The excess
        # part is the flagging excess over itself plus the flagging threshold.
        parts = ["size", "cohesion", "density", "speed", "burst", "renames", "causes", "excess"]
        self.assertEqual(sorted(n for n in col if n.startswith("score_")),
                         sorted(f"score_{p}" for p in parts))
        mean = np.mean([col[f"score_{p}"] for p in parts], axis=0)
        np.testing.assert_allclose(col["score"], mean, rtol=0, atol=1e-12)
        threshold = float(f["/accounts"].attrs["flag_threshold"])
        np.testing.assert_allclose(col["score_excess"],
                                   col["excess"] / (col["excess"] + threshold), rtol=1e-15)
        self.assertAlmostEqual(col["score_causes"][a], 0.5)
        self.assertAlmostEqual(col["score_renames"][a], 1 / 3)
        self.assertEqual(sorted(col["rank"].tolist()), list(range(1, len(col["rank"]) + 1)))
        self.assertEqual(col["rank"][a], 1)
        self.assertEqual(col["rank"][b], 2)

    def test_roles(self) -> None:
        f = self.open()
        _, row = self.community_of(f)
        coreness = f["/accounts/coreness"][:]
        role = [s.decode() for s in f["/accounts/role"][:]]
        hub = f["/accounts/is_hub"][:]
        leader = f["/accounts/leader_share"][:]
        for account in ("a1", "a2", "a3"):
            self.assertEqual(coreness[row[account]], 2)
            self.assertEqual(role[row[account]], "core")
        self.assertEqual(role[row["c1"]], "periphery")
        self.assertEqual(sum(hub[row[x]] for x in ("a1", "a2", "a3")), 1)
        self.assertEqual(sum(hub[row[x]] for x in ("b1", "b2")), 1)
        self.assertEqual(hub[row["c1"]], 0)
        # a1 led 7 of 8 co-actions, a2 3 of 7, a3 none; b1 led both.
        expected = {"a1": 7 / 8, "a2": 3 / 7, "a3": 0.0, "b1": 1.0, "b2": 0.0}
        for account, share in expected.items():
            self.assertAlmostEqual(leader[row[account]], share, msg=account)
        self.assertTrue(np.isnan(leader[row["c1"]]))

    def test_evidence(self) -> None:
        f = self.open()
        community, _ = self.community_of(f)
        ev = {name: f[f"/communities/evidence/{name}"][:] for name in f["/communities/evidence"]}
        rows = [(int(ev["community"][i]), ev["layer"][i].decode(), ev["key"][i].decode(),
                 int(ev["n_accounts"][i]), int(ev["n_actions"][i]), int(ev["first_ms"][i]),
                 int(ev["last_ms"][i])) for i in range(len(ev["community"]))]
        a, b = community["a1"], community["b1"]
        self.assertEqual([r[0] for r in rows], sorted(r[0] for r in rows))
        of_a = [r[1:] for r in rows if r[0] == a]
        self.assertEqual(of_a[:2], [("retweet", "t100", 3, 4, 1_000_000, 1_040_000),
                                    ("retweet", "t200", 3, 3, 2_000_000, 2_020_000)])
        self.assertEqual(sorted(of_a[2:]), [("hashtag", "buynow", 2, 2, 5_000_000, 5_030_000),
                                            ("hashtag", "freedom", 2, 2, 3_000_000, 3_010_000),
                                            ("hashtag", "liberty", 2, 2, 3_000_000, 3_010_000),
                                            ("hashtag", "news", 2, 2, 6_000_000, 6_010_000)])
        of_b = [r[1:] for r in rows if r[0] == b]
        self.assertEqual(sorted(of_b), [("retweet", "t300", 2, 3, 10_000_000, 10_050_000),
                                        ("retweet", "t400", 2, 2, 11_000_000, 11_010_000)])
        self.assertEqual(len(rows), 8)

    def test_edge_evidence(self) -> None:
        f = self.open()
        ids = [s.decode() for s in f["/accounts/id"][:]]
        ev = {name: f[f"/edge_evidence/{name}"][:] for name in f["/edge_evidence"]}
        rows = [(ids[ev["src"][i]], ids[ev["dst"][i]], ev["layer"][i].decode(),
                 ev["key"][i].decode(), int(ev["n_coactions"][i]), int(ev["first_ms"][i]),
                 int(ev["last_ms"][i])) for i in range(len(ev["src"]))]
        pairs = [(int(ev["src"][i]), int(ev["dst"][i])) for i in range(len(ev["src"]))]
        self.assertEqual(pairs, sorted(pairs))
        by_pair: dict[frozenset, list] = {}
        for r in rows:
            by_pair.setdefault(frozenset(r[:2]), []).append(r[2:])
        self.assertEqual(by_pair[frozenset(("a1", "a2"))][:2],
                         [("retweet", "t100", 1, 1_000_000, 1_010_000),
                          ("retweet", "t200", 1, 2_000_000, 2_005_000)])
        self.assertIn(by_pair[frozenset(("a1", "a2"))][2],
                      [("hashtag", tag, 1, 3_000_000, 3_010_000) for tag in ("freedom", "liberty")])
        self.assertEqual(by_pair[frozenset(("a1", "a3"))],
                         [("retweet", "t100", 2, 1_000_000, 1_040_000),
                          ("retweet", "t200", 1, 2_005_000, 2_020_000),
                          ("hashtag", "buynow", 1, 5_000_000, 5_030_000)])
        self.assertEqual(by_pair[frozenset(("a2", "a3"))],
                         [("retweet", "t100", 2, 1_010_000, 1_040_000),
                          ("retweet", "t200", 1, 2_000_000, 2_020_000)])
        self.assertEqual(by_pair[frozenset(("b1", "b2"))],
                         [("retweet", "t300", 2, 10_000_000, 10_050_000),
                          ("retweet", "t400", 1, 11_000_000, 11_010_000)])
        self.assertEqual(len(by_pair), 4)
        self.assertEqual(f["/communities/edge_evidence_skipped_keys"][:].tolist(),
                         [0] * len(f["/communities/size"]))

    def timeline(self, f: h5py.File) -> list[tuple]:
        """/communities/actions as (community, account id, seconds, layer, coordinated,
        evidence order) rows."""
        ids = [s.decode() for s in f["/accounts/id"][:]]
        ac = {name: f[f"/communities/actions/{name}"][:] for name in f["/communities/actions"]}
        return [(int(ac["community"][i]), ids[ac["account"][i]], int(ac["t_ms"][i]) // 1000,
                 ac["layer"][i].decode(), int(ac["coordinated"][i]), int(ac["evidence_order"][i]))
                for i in range(len(ac["community"]))]

    def test_timeline_actions(self) -> None:
        f = self.open()
        community, row = self.community_of(f)
        a, b = community["a1"], community["b1"]
        rows = self.timeline(f)
        # Ordered by community, account row, time; every action of A and B (c1 is alone).
        self.assertEqual([(r[0], row[r[1]], r[2]) for r in rows],
                         sorted((r[0], row[r[1]], r[2]) for r in rows))
        expected = {a: [("a1", 1000, "retweet"), ("a1", 2005, "retweet"), ("a1", 3000, "hashtag"),
                        ("a1", 3000, "hashtag"), ("a1", 5000, "hashtag"), ("a1", 6000, "hashtag"),
                        ("a2", 1010, "retweet"), ("a2", 2000, "retweet"), ("a2", 3010, "hashtag"),
                        ("a2", 3010, "hashtag"), ("a2", 6010, "hashtag"), ("a3", 1030, "retweet"),
                        ("a3", 1040, "retweet"), ("a3", 2020, "retweet"), ("a3", 5030, "hashtag")],
                    b: [("b1", 10000, "retweet"), ("b1", 11000, "retweet"),
                        ("b2", 10040, "retweet"), ("b2", 10050, "retweet"),
                        ("b2", 11010, "retweet")]}
        for k, actions in expected.items():
            self.assertEqual(sorted(r[1:4] for r in rows if r[0] == k), actions)
        self.assertEqual({r[0] for r in rows}, {a, b})
        # All on coordinated keys, all on evidence keys (10 kept): each mark's evidence row has
        # its layer and spans its time.
        ev = {name: f[f"/communities/evidence/{name}"][:] for name in f["/communities/evidence"]}
        evidence = {}
        for i in range(len(ev["community"])):
            order = sum(1 for j in range(i) if ev["community"][j] == ev["community"][i])
            evidence[(int(ev["community"][i]), order)] = (
                ev["layer"][i].decode(), int(ev["first_ms"][i]) // 1000,
                int(ev["last_ms"][i]) // 1000)
        for r in rows:
            self.assertEqual(r[4], 1)
            layer, first, last = evidence[(r[0], r[5])]
            self.assertEqual(layer, r[3])
            self.assertTrue(first <= r[2] <= last, r)

    def test_timeline_cap(self) -> None:
        """Capped at 9 actions of the community ranked first, with 2 evidence keys (t100, t200:
        7 actions): those 7 and 2 of A's 8 other coordinated actions, the same at 1, 2 and 4
        ranks."""
        kept = {}
        for ranks in (1, 2, 4):
            out = self.folder / f"cap{ranks}.h5"
            e2e.run_ok(self, [self.input], out, "--layers", "retweet,hashtag", "--window", "60",
                       "--evidence-keys", "2", "--timeline-communities", "1",
                       "--timeline-actions", "9", ranks=ranks)
            with h5py.File(out, "r") as f:
                kept[ranks] = self.timeline(f)
                community, _ = self.community_of(f)
        rows = kept[1]
        self.assertEqual(kept[2], rows)
        self.assertEqual(kept[4], rows)
        self.assertEqual(len(rows), 9)
        self.assertEqual({r[0] for r in rows}, {community["a1"]})
        on_evidence = sorted(r[1:4] for r in rows if r[5] >= 0)
        self.assertEqual(on_evidence, [
            ("a1", 1000, "retweet"), ("a1", 2005, "retweet"), ("a2", 1010, "retweet"),
            ("a2", 2000, "retweet"), ("a3", 1030, "retweet"), ("a3", 1040, "retweet"),
            ("a3", 2020, "retweet")])
        others = [r for r in rows if r[5] < 0]
        self.assertEqual([(r[3], r[4]) for r in others], [("hashtag", 1)] * 2)

    def test_edge_evidence_option(self) -> None:
        out = self.folder / "e1.h5"
        e2e.run_ok(self, [self.input], out, "--layers", "retweet,hashtag", "--edge-evidence", "1")
        with h5py.File(out, "r") as f:
            keys = sorted(k.decode() for k in f["/edge_evidence/key"][:])
            self.assertIn("edge-evidence=1", e2e.attr_text(f.attrs["config"]))
        self.assertEqual(keys, ["t100", "t100", "t100", "t300"])
        off = self.folder / "e0.h5"
        e2e.run_ok(self, [self.input], off, "--layers", "retweet,hashtag", "--edge-evidence", "0")
        with h5py.File(off, "r") as f:
            self.assertEqual(len(f["/edge_evidence/src"]), 0)

    def test_each_stage_logged_once(self) -> None:
        # The evidence keys' re-read of the inputs is a stage inside a stage: it must not pass
        # for the run's ingest (a script taking stage times from the log would time the re-read).
        stages = re.findall(r"stage (\S+) ", self.logs[2])
        self.assertEqual(stages.count("ingest"), 1, self.logs[2])
        self.assertIn("evidence_keys.ingest", stages)
        self.assertEqual(len(stages), len(set(stages)), stages)

    def test_evidence_keys_option(self) -> None:
        out = self.folder / "k1.h5"
        e2e.run_ok(self, [self.input], out, "--layers", "retweet,hashtag", "--evidence-keys", "1")
        with h5py.File(out, "r") as f:
            keys = [k.decode() for k in f["/communities/evidence/key"][:]]
        self.assertEqual(sorted(keys), ["t100", "t300"])


if __name__ == "__main__":
    unittest.main()
