"""Account profile end to end: creation time, language and location from an events CSV with the
optional columns, through /accounts, to the profile features of /communities, at 1, 2 and 4 ranks
(identical files), shown by `coordnet inspect` and in the JSON summary of `coordnet export`.

tests/data/events_profile.csv (23 data rows, window 60 s):

* a1..a4 retweet o1, o2, o3 within 15 s: a 4-clique. Created 2016-05-01, -03, -06, -08 (days 0,
  2, 5, 7): quartiles (ranks ceil(q k)) day 0 and day 5, IQR 5 days; days 0, 2, 5 lie within 7
  days, batch share 3/4. Languages: a1 ru ru ru, a2 ru ru und, a3 ru ru ru, a4 en en ru (en):
  ru for 3 of 4, entropy 0.811278 bits. Location Moscow for a1..a3, a4 none (empty, nan).
* b1..b3 retweet p1, p2, p3 20 s apart: a triangle. Created b1 2010-01-01, b2 2014-06-15 (once
  as unix seconds 1402790400), b3 unknown (nan, empty, None): 2 known, IQR 1626 days, batch
  share 1/2. Languages en, es, b3 und/empty/None: en and es tie, en (the smaller), share 1/2,
  1 bit. Locations London, "Paris, France" (quoted comma), b3 none: London 1/2, 1 bit.
* Line 23: a bad account_created (`05/01/2016`), line 24: a 51-byte language: both
  quarantined with their line and reason (hence --max-bad-fraction).
"""

from __future__ import annotations

import json
import math
import shutil
import sys
import tempfile
import unittest
from pathlib import Path

import h5py
import numpy as np

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, str(Path(__file__).resolve().parent))
import coordnet_e2e as e2e  # noqa: E402

FIXTURE = "events_profile.csv"
ARGS = ("--window", "60", "--max-bad-fraction", "0.5")
DAY_MS = 86_400_000
MAY_1ST_2016_MS = 1_462_060_800_000
UNKNOWN_TIME = -(2**63)


class AccountProfileTest(unittest.TestCase):
    """The profile of every account and community of the fixture, at 1, 2 and 4 ranks."""

    @classmethod
    def setUpClass(cls) -> None:
        cls.tmp = Path(tempfile.mkdtemp(prefix="coordnet-e2e-"))
        cls.addClassCleanup(shutil.rmtree, cls.tmp, ignore_errors=True)
        cls.outputs: dict[int, Path] = {}
        for ranks in (1, 2, 4):
            out = cls.tmp / f"np{ranks}.h5"
            result = e2e.run_coordnet([e2e.test_data_dir() / FIXTURE], out, *ARGS, ranks=ranks)
            if result.returncode != e2e.EXIT_OK:
                raise AssertionError(e2e.describe(result))
            cls.outputs[ranks] = out

    def test_identical_at_every_rank_count(self) -> None:
        for ranks in (2, 4):
            with self.subTest(ranks=ranks):
                e2e.assert_same_datasets(self, self.outputs[1], self.outputs[ranks])

    def test_accounts(self) -> None:
        a = e2e.read_accounts(self.outputs[2])
        by_id = {i: k for k, i in enumerate(e2e.decode(a["id"]))}
        created = {
            "a1": MAY_1ST_2016_MS,
            "a2": MAY_1ST_2016_MS + 2 * DAY_MS,
            "a3": MAY_1ST_2016_MS + 5 * DAY_MS,
            "a4": MAY_1ST_2016_MS + 7 * DAY_MS,
            "b1": 1_262_304_000_000,
            "b2": 1_402_790_400_000,
            "b3": UNKNOWN_TIME,
        }
        language = {"a1": "ru", "a2": "ru", "a3": "ru", "a4": "en", "b1": "en", "b2": "es",
                    "b3": ""}
        location = {"a1": "Moscow", "a2": "Moscow", "a3": "Moscow", "a4": "", "b1": "London",
                    "b2": "Paris, France", "b3": ""}
        self.assertEqual(a["created_ms"].dtype, np.int64)
        for account, row in by_id.items():
            with self.subTest(account=account):
                self.assertEqual(int(a["created_ms"][row]), created[account])
                self.assertEqual(a["language"][row].decode(), language[account])
                self.assertEqual(a["location"][row].decode(), location[account])

    def community_of(self, path: Path, account: str) -> int:
        a = e2e.read_accounts(path)
        return int(a["community"][e2e.decode(a["id"]).index(account)])

    def test_community_features(self) -> None:
        path = self.outputs[4]
        c = e2e.read_group(path, "/communities")
        a, b = self.community_of(path, "a1"), self.community_of(path, "b1")
        self.assertEqual(int(c["size"][a]), 4)
        self.assertEqual(int(c["size"][b]), 3)
        expected = {
            a: {"created_known": 4, "created_iqr_days": 5.0, "created_batch_share": 0.75,
                "language_known": 4, "language_top": "ru", "language_top_share": 0.75,
                "language_entropy": -(0.75 * math.log2(0.75) + 0.25 * math.log2(0.25)),
                "location_known": 3, "location_top": "Moscow", "location_top_share": 1.0,
                "location_entropy": 0.0},
            b: {"created_known": 2, "created_iqr_days": 1626.0, "created_batch_share": 0.5,
                "language_known": 2, "language_top": "en", "language_top_share": 0.5,
                "language_entropy": 1.0, "location_known": 2, "location_top": "London",
                "location_top_share": 0.5, "location_entropy": 1.0},
        }
        for community, features in expected.items():
            for name, value in features.items():
                with self.subTest(community=community, feature=name):
                    got = c[name][community]
                    if isinstance(value, str):
                        self.assertEqual(got.decode(), value)
                    else:
                        self.assertAlmostEqual(float(got), value, places=12)

    def test_bad_values_are_quarantined_with_line_and_reason(self) -> None:
        rejects = e2e.read_group(self.outputs[2], "/rejects")
        self.assertEqual(dict(zip(e2e.decode(rejects["reason"]), rejects["count"].tolist())),
                         {"bad_creation_time": 1, "bad_language": 1})
        with h5py.File(self.outputs[2], "r") as f:
            records = f["/rejects/records"]
            got = sorted(zip(records["line"][()].tolist(),
                             e2e.decode(records["reason"][()]),
                             e2e.decode(records["detail"][()])))
        self.assertEqual(got, [
            (23, "bad_creation_time", "account_created '05/01/2016'"),
            (24, "bad_language",
             "language 'this language name is far too long to be a language'"),
        ])

    def test_inspect_and_json_summary_show_the_features(self) -> None:
        path = self.outputs[1]
        a = self.community_of(path, "a1")
        shown = e2e.run_coordnet_command(["inspect", path, "--community", str(a)])
        self.assertEqual(shown.returncode, e2e.EXIT_OK, e2e.describe(shown))
        for text in ("created_batch_share 0.75", "language_top ru", "location_top Moscow",
                     "2016-05-08T00:00:00Z"):
            self.assertIn(text, shown.stdout)
        summary = self.tmp / "summary.json"
        exported = e2e.run_coordnet_command(["export", path, "--format", "json", "-o", summary])
        self.assertEqual(exported.returncode, e2e.EXIT_OK, e2e.describe(exported))
        listed = {c["id"]: c for c in json.loads(summary.read_text())["communities"]}
        self.assertEqual(listed[a]["language_top"], "ru")
        self.assertEqual(listed[a]["created_batch_share"], 0.75)
        self.assertEqual(listed[a]["location_entropy"], 0.0)


if __name__ == "__main__":
    unittest.main()
