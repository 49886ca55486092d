"""Calibrated flagging (docs/detection.md): a planted campaign is flagged, an organic burst is not.

The fixture, written here with a fixed seed: 300 organic accounts retweet 150 objects at random
times over two days (2,400 retweets); an organic burst: 60 of them retweet one breaking-news
object within 30 s, once; a campaign: 8 accounts retweet each of 14 new objects within 20 s of
its posting. Every burst pair co-acts once (no evidence of repetition), every campaign pair 14
times, against well under one co-action expected by chance. The run flags exactly the campaign,
writes the statistics behind the flags, and is identical at 1, 2 and 4 ranks.

A second fixture is like the hard scenario: three weak campaigns of 16 accounts each, whose
members follow each of 40 signals with probability 0.3 after 0-90 s (a pair co-acts a few
times, against a 60 s window) and post 60 organic retweets each; 400 organic accounts with
4,000 retweets and 2,000 hashtag actions; and one moment where 40 accounts post the same two
hashtags within 20 s (every pair of them co-acts twice in the hashtag layer, at once). The
campaigns are found as three communities, flagged, with only their members flagged; the moment
is one event, with no evidence.
"""

from __future__ import annotations

import random
import sys
import unittest
from pathlib import Path

import h5py
import numpy as np

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, str(Path(__file__).resolve().parent))
import coordnet_e2e as e2e  # noqa: E402

RANK_COUNTS = (1, 2, 4)
T0 = 1_700_000_000
CAMPAIGN = [f"camp{i}" for i in range(8)]
BURST = [f"org{i}" for i in range(60)]


def write_fixture(path: Path) -> None:
    """The events CSV described in the module docstring."""
    rng = random.Random(17)
    rows = []
    for n in range(2400):
        rows.append((f"obj{rng.randrange(150)}", f"org{rng.randrange(300)}",
                     T0 + rng.uniform(0, 172_800)))
    burst_t = T0 + 50_000
    for account in BURST:
        rows.append(("breaking", account, burst_t + rng.uniform(0, 30)))
    for s in range(14):
        t = T0 + 3_000 + s * 11_000 + rng.uniform(0, 1_000)
        for account in CAMPAIGN:
            rows.append((f"signal{s}", account, t + rng.uniform(0, 20)))
    with path.open("w") as f:
        f.write("object_id,account_id,content_id,timestamp_share\n")
        for n, (key, account, t) in enumerate(rows):
            f.write(f"{key},{account},c{n},{t:.3f}\n")


def write_weak_fixture(path: Path) -> None:
    """The second fixture described in the module docstring."""
    rng = random.Random(23)
    rows = []
    for _ in range(4000):
        rows.append((f"obj{rng.randrange(200)}", f"org{rng.randrange(400)}",
                     T0 + rng.uniform(0, 172_800), "retweet"))
    for _ in range(2000):
        rows.append((f"tag{rng.randrange(50)}", f"org{rng.randrange(400)}",
                     T0 + rng.uniform(0, 172_800), "hashtag"))
    for i in range(40):
        t = T0 + 90_000 + rng.uniform(0, 20)
        rows.append(("tag_x", f"moment{i}", t, "hashtag"))
        rows.append(("tag_y", f"moment{i}", t, "hashtag"))
    for c in range(3):
        for s in range(40):
            t = T0 + 2_000 + s * 4_200 + rng.uniform(0, 600)
            for i in range(16 * c, 16 * c + 16):
                if rng.random() < 0.3:
                    rows.append((f"signal{c}_{s}", f"weak{i}", t + rng.uniform(0, 90), "retweet"))
    for i in range(48):
        for _ in range(60):
            rows.append((f"obj{rng.randrange(200)}", f"weak{i}", T0 + rng.uniform(0, 172_800),
                         "retweet"))
    with path.open("w") as f:
        f.write("object_id,account_id,content_id,timestamp_share,layer\n")
        for n, (key, account, t, layer) in enumerate(rows):
            f.write(f"{key},{account},c{n},{t:.3f},{layer}\n")


class FlaggingTest(unittest.TestCase):
    """The campaigns are flagged, the burst and the moment are not, at every rank count alike."""

    def run_at_every_rank_count(self, write) -> Path:
        """Writes a fixture with `write`, runs it at 1, 2 and 4 ranks (window 60 s), checks the
        results are identical and returns the 1-rank result."""
        tmp = e2e.make_temp_dir(self)
        data = tmp / "events.csv"
        write(data)
        outputs = {}
        for ranks in RANK_COUNTS:
            outputs[ranks] = tmp / f"np{ranks}.h5"
            e2e.run_ok(self, [data], outputs[ranks], "--window", "60", ranks=ranks)
        for ranks in RANK_COUNTS[1:]:
            e2e.assert_same_datasets(self, outputs[1], outputs[ranks], f"1 vs {ranks} ranks")
        return outputs[1]

    def test_campaign_flagged_burst_not(self) -> None:
        with h5py.File(self.run_at_every_rank_count(write_fixture), "r") as f:
            ids = e2e.decode(f["/accounts/id"][:])
            flagged = {a for a, x in zip(ids, f["/accounts/flagged"][:]) if x}
            self.assertEqual(flagged, set(CAMPAIGN))
            self.assertEqual(f["/accounts/flagged"].dtype, np.uint8)
            # The burst made edges (every pair within the window once), none with evidence.
            burst = {i for i, a in enumerate(ids) if a in BURST}
            src, dst = f["/edges/src"][:], f["/edges/dst"][:]
            in_burst = np.array([s in burst and d in burst for s, d in zip(src, dst)])
            self.assertGreater(in_burst.sum(), 1000)
            self.assertEqual(float(f["/edges/excess"][:][in_burst & (f["/edges/count"][:] == 1)]
                                   .max()), 0.0)
            # The campaign's community: flagged, its 28 pairs with 14 co-actions each.
            camp_rows = [i for i, a in enumerate(ids) if a in CAMPAIGN]
            community = f["/accounts/community"][:][camp_rows]
            self.assertEqual(len(set(community)), 1)
            k = int(community[0])
            self.assertEqual(int(f["/communities/flagged"][k]), 1)
            self.assertEqual(int(f["/communities/significant"][k]), 8)
            self.assertEqual(int(f["/communities/observed"][k]), 28 * 14)
            self.assertLess(float(f["/communities/expected"][k]), 28.0)
            self.assertGreater(float(f["/communities/excess"][k]), 100.0)
            self.assertEqual(int(f["/communities/flagged"][:].sum()), 1)
            threshold = float(f["/accounts"].attrs["flag_threshold"])
            tested = int(f["/accounts"].attrs["flag_tested"])
            self.assertAlmostEqual(threshold, float(np.log(tested / 0.01)), places=9)
            self.assertTrue((f["/accounts/excess"][:][camp_rows] >= threshold).all())

    def test_weak_campaigns_flagged_moment_not(self) -> None:
        with h5py.File(self.run_at_every_rank_count(write_weak_fixture), "r") as f:
            ids = e2e.decode(f["/accounts/id"][:])
            row = {a: i for i, a in enumerate(ids)}
            community = f["/accounts/community"][:]
            flagged = f["/accounts/flagged"][:]
            internal = f["/accounts/excess_internal"][:]
            threshold = float(f["/accounts"].attrs["flag_threshold"])
            # Each campaign is one community of its own, flagged; no other community is.
            campaigns = [[row[f"weak{i}"] for i in range(16 * c, 16 * c + 16)] for c in range(3)]
            found = [set(community[rows].tolist()) for rows in campaigns]
            self.assertEqual([len(x) for x in found], [1, 1, 1])
            ids_found = {next(iter(x)) for x in found}
            self.assertEqual(len(ids_found), 3)
            self.assertEqual(set(np.flatnonzero(f["/communities/flagged"][:]).tolist()), ids_found)
            for k in ids_found:
                self.assertEqual(int(f["/communities/size"][k]), 16)
            # Flagged: exactly the members whose edges inside their campaign pass the test.
            members = [r for rows in campaigns for r in rows]
            expected = {ids[r] for r in members if internal[r] >= threshold}
            self.assertEqual({a for a, x in zip(ids, flagged) if x}, expected)
            self.assertEqual(len(expected), 37)
            # The moment: every pair of its 40 accounts co-acted twice at once, one event, so
            # none of the 780 edges has evidence.
            moment = {row[f"moment{i}"] for i in range(40)}
            src, dst = f["/edges/src"][:], f["/edges/dst"][:]
            in_moment = np.array([s in moment and d in moment for s, d in zip(src, dst)])
            self.assertEqual(int(in_moment.sum()), 780)
            self.assertEqual(set(f["/edges/count"][:][in_moment].tolist()), {2})
            self.assertEqual(float(f["/edges/excess"][:][in_moment].max()), 0.0)


if __name__ == "__main__":
    unittest.main()
