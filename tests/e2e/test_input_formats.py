"""End-to-end runs of the IO-archive and twarc2 readers through the real tokenizer and ranks.

The unit tests check each reader record by record; here the whole file goes through
``coordnet run``: the IO-archive fixture has quoted multi-line tweet texts (so byte ranges at 3
ranks start inside them) and two records that must be rejected; the two twarc2 shapes (pages and
flattened) must give the same accounts, handle history and edges.
"""

from __future__ import annotations

import sys
import unittest

import numpy as np

sys.dont_write_bytecode = True

import coordnet_e2e as e2e  # noqa: E402


class IoArchiveTest(unittest.TestCase):
    """The IO-archive quirks fixture (tests/data/io_archive_quirks.csv)."""

    def test_rejects_and_accounts_identical_at_every_rank_count(self) -> None:
        data = e2e.test_data_dir() / "io_archive_quirks.csv"
        tmp = e2e.make_temp_dir(self)
        outputs = []
        for ranks in (1, 2, 3):
            out = tmp / f"archive-np{ranks}.h5"
            e2e.run_ok(self, [data], out, "--layers", "hashtag", "--max-bad-fraction", "0.5",
                       ranks=ranks)
            outputs.append(out)
        for other in outputs[1:]:
            e2e.assert_same_datasets(self, outputs[0], other)

        rejects = e2e.read_group(outputs[0], "rejects")
        counts = dict(zip(e2e.decode(rejects["reason"]), rejects["count"].tolist()))
        self.assertEqual(counts, {"bad_id": 1, "missing_key": 1})
        records = e2e.read_group(outputs[0], "rejects/records")
        self.assertEqual(sorted(e2e.decode(records["reason"])), ["bad_id", "missing_key"])

        accounts = e2e.read_accounts(outputs[0])
        ids = e2e.decode(accounts["id"])
        handles = dict(zip(ids, e2e.decode(accounts["handle"])))
        renames = dict(zip(ids, accounts["n_renames"].tolist()))
        hashed = "c4abf6e8653ac81e57e4d89cd6caa1ec58b8436593122774e212727e3aa42e8a"
        self.assertEqual(handles[hashed], "patriot_anna")
        self.assertEqual(renames["1234567890"], 1)
        self.assertEqual(handles["1234567890"], "news_bot_one")


class TwarcShapesTest(unittest.TestCase):
    """twarc2 pages and flattened tweets describe the same tweets."""

    def test_pages_and_flat_give_the_same_result(self) -> None:
        tmp = e2e.make_temp_dir(self)
        results = {}
        for shape in ("pages", "flat"):
            for ranks in (1, 3):
                out = tmp / f"{shape}-np{ranks}.h5"
                e2e.run_ok(self, [e2e.test_data_dir() / f"twarc2_{shape}.jsonl"], out,
                           "--layers", "hashtag", "--window", "86400", ranks=ranks)
                results[(shape, ranks)] = out
        for key in (("pages", 3), ("flat", 1), ("flat", 3)):
            for group in ("accounts", "handles", "edges"):
                a = e2e.read_group(results[("pages", 1)], group)
                b = e2e.read_group(results[key], group)
                self.assertEqual(a.keys(), b.keys())
                for name in a:
                    # NaN equals NaN here (leader_share of an account alone in its community)
                    np.testing.assert_array_equal(a[name], b[name], f"{key} /{group}/{name}")
        edges = e2e.read_edges(results[("pages", 1)])
        self.assertGreater(len(edges["src"]), 0, "the fixture's tweets share hashtags")
        renamed = e2e.read_accounts(results[("pages", 1)])["n_renames"]
        self.assertEqual(int(renamed.sum()), 1, "one author is renamed between the pages")


if __name__ == "__main__":
    unittest.main()
