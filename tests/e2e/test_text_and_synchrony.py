"""The text, near_text and synchrony layers through `coordnet run`, at 1 and 3 ranks.

A QUT-format fixture written here (message texts are what the text layers read):
* accounts a1-a3 post the same message with small edits (case, a mention, a URL, the last of
  20 words changed) within seconds, 5 times over a day with a new message each time: exact
  co-tweets for the variants that normalise equal, near-duplicates for all three (Jaccard of
  word 3-shingles 17/19 = 0.89 against the 0.7 threshold);
* accounts s1-s4 post unrelated texts, always within the same 10 s bins, 30 times: a
  synchrony group with nothing in common but timing;
* 40 background accounts post unrelated texts at random times.
"""

from __future__ import annotations

import csv
import random
import sys
import unittest
from pathlib import Path

import numpy as np

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, str(Path(__file__).resolve().parent))
import coordnet_e2e as e2e  # noqa: E402

START = 1_700_000_000
WORDS = ("alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike "
         "november oscar papa quebec romeo sierra tango uniform victor whiskey xray").split()


def write_fixture(path: Path) -> None:
    rng = random.Random(5)
    rows = []
    n = 0

    def post(user: str, text: str, t: float) -> None:
        nonlocal n
        n += 1
        rows.append([f"m{n}", user, user, "", "", text, f"{t:.3f}", ""])

    for k in range(5):
        t0 = START + k * 14_400
        message = " ".join(f"{w}{k}" for w in WORDS[:20])  # a new message every time
        post("a1", message, t0)
        post("a2", f"@someone {message.upper()} https://x.co/{k}", t0 + 3)
        post("a3", message.replace(f"tango{k}", "tangerine"), t0 + 7)  # last word changed
    for k in range(30):
        t0 = START + 600 + k * 2_000
        for i, user in enumerate(("s1", "s2", "s3", "s4")):
            post(user, " ".join(rng.sample(WORDS, 12)) + f" s{k}{i}", t0 + i)
    for _ in range(400):
        post(f"b{rng.randrange(40)}", " ".join(rng.sample(WORDS, 12)),
             START + rng.uniform(0, 86_400))
    with path.open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["message_id", "user_id", "username", "repost_id", "reply_id", "message",
                         "timestamp", "urls"])
        writer.writerows(rows)


def pairs(out: Path, layer: str) -> dict[tuple[str, str], dict[str, float]]:
    ids = e2e.decode(e2e.read_accounts(out)["id"])
    edges = e2e.read_edges(out, layer)
    return {tuple(sorted((ids[s], ids[d]))): {k: edges[k][i] for k in edges if edges[k].ndim}
            for i, (s, d) in enumerate(zip(edges["src"], edges["dst"]))}


class TextAndSynchronyTest(unittest.TestCase):
    """Near-duplicate posters and synchronised posters are linked, and only they."""

    @classmethod
    def setUpClass(cls) -> None:
        cls.tmp = cls.enterClassContext(e2e.temp_dir("coordnet-text-"))
        cls.data = cls.tmp / "posts.csv"
        write_fixture(cls.data)
        cls.outputs = {}
        for ranks in (1, 3):
            out = cls.tmp / f"np{ranks}.h5"
            result = e2e.run_coordnet([cls.data], out, "--layers", "text,near_text,synchrony",
                                      "--window", "10", "--sync-bin", "10", "--sync-min-bins",
                                      "5", ranks=ranks)
            if result.returncode != 0:
                raise AssertionError(e2e.describe(result))
            cls.outputs[ranks] = out

    def test_same_at_every_rank_count(self) -> None:
        e2e.assert_same_datasets(self, self.outputs[1], self.outputs[3], "1 vs 3 ranks")

    def test_exact_and_near_duplicate_text(self) -> None:
        out = self.outputs[1]
        exact = pairs(out, "text")
        near = pairs(out, "near_text")
        # a1 and a2 normalise equal (case, mention, URL); a3 changed a word: near only.
        self.assertEqual(set(exact), {("a1", "a2")})
        self.assertEqual(int(exact[("a1", "a2")]["count"]), 5)
        self.assertEqual(set(near), {("a1", "a2"), ("a1", "a3"), ("a2", "a3")})
        self.assertTrue(all(int(e["n_keys"]) == 5 for e in near.values()))

    def test_synchrony_group(self) -> None:
        sync = pairs(self.outputs[1], "synchrony")
        group = {tuple(sorted(p)) for p in
                 [(u, v) for u in ("s1", "s2", "s3", "s4") for v in ("s1", "s2", "s3", "s4")
                  if u < v]}
        self.assertTrue(group <= set(sync), sorted(sync))
        for p in group:
            self.assertEqual(int(sync[p]["count"]), 30)
            self.assertLess(float(sync[p]["expected_co_bins"]), 3.0)
        others = set(sync) - group
        self.assertTrue(all(int(sync[p]["count"]) < 30 for p in others))
        fused = e2e.read_edges(self.outputs[1])
        self.assertIn("weight_synchrony", fused)
        self.assertTrue(np.all(fused["n_layers"] >= 1))


if __name__ == "__main__":
    unittest.main()
