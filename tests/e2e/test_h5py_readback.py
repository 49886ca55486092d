"""The HDF5 result file reads back with h5py and follows the coordnet/1 layout.

Checks the root attributes (schema, version, git_sha, created, ranks and the TOML texts config,
inputs, stages), that every documented dataset exists with a sensible dtype, that the datasets
of a group have equal lengths, the edge invariants (src < dst, indices in range, sorted by
(src, dst), 0 <= min_delay_s <= mean_delay_s <= window), that /accounts/n_actions adds up to the
data rows and the compression filters. Runs on tests/data/events_small.csv and, when present, on
CooRTweet's russian_coord_tweets.csv (MIT, Righetti & Balluff).
"""

from __future__ import annotations

import csv
import datetime
import sys
import tomllib
import unittest
from pathlib import Path
from typing import Any

import h5py
import numpy as np

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, str(Path(__file__).resolve().parent))
import coordnet_e2e as e2e  # noqa: E402

FIXTURE = "events_small.csv"
SHARED = "CooRTweet/russian_coord_tweets.csv"
RANKS = 2
WINDOW_S = 60

# Group -> dataset -> numpy dtype kind ('S' fixed-length bytes, 'u' unsigned, 'i' signed,
# 'f' float).
LAYOUT: dict[str, dict[str, str]] = {
    "/accounts": {"id": "S", "handle": "S", "n_actions": "u", "n_renames": "u", "created_ms": "i",
                  "language": "S", "location": "S"},
    "/handles": {"account": "u", "handle": "S", "first_seen_ms": "i", "last_seen_ms": "i",
                 "n_actions": "u"},
    "/edges": {"src": "u", "dst": "u", "weight": "f", "count": "u", "n_keys": "u",
               "min_delay_s": "f", "mean_delay_s": "f"},
    "/rejects": {"reason": "S", "count": "u"},
    "/rejects/records": {"file": "u", "line": "i", "reason": "S", "detail": "S", "text": "S",
                         "truncated": "u"},
    "/inputs": {"path": "S", "size_bytes": "u"},
}
ROOT_ATTRIBUTES = ("schema", "version", "git_sha", "created", "ranks", "config", "inputs",
                   "stages")


def data_rows(path: Path) -> list[dict[str, str]]:
    """The data rows of a CSV file (Python's csv module; header excluded)."""
    with path.open(newline="", encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))


def find_key(table: dict[str, Any], key: str) -> Any:
    """The value of ``key`` at the top of a TOML table or in any of its sub-tables."""
    if key in table:
        return table[key]
    for value in table.values():
        if isinstance(value, dict):
            found = find_key(value, key)
            if found is not None:
                return found
    return None


class H5pyReadbackTest(unittest.TestCase):
    """Reads a coordnet output with h5py and checks its layout and invariants."""

    def run_and_check(self, data: Path, n_rows: int) -> Path:
        """Runs coordnet on ``data`` at RANKS ranks and checks everything generic."""
        out = e2e.make_temp_dir(self) / "result.h5"
        e2e.run_ok(self, [data], out, "--window", str(WINDOW_S), ranks=RANKS)
        with h5py.File(out, "r") as f:
            self.check_attributes(f, data)
            self.check_layout(f)
            self.check_edges(f)
            self.check_accounts_and_handles(f, n_rows)
            self.check_inputs(f, data)
            self.assertEqual(f["/edges/src"].compression, "gzip")
            self.assertTrue(f["/edges/src"].shuffle, "shuffle filter missing on /edges/src")
            plist = f["/edges/src"].id.get_create_plist()
            filters = [plist.get_filter(i)[0] for i in range(plist.get_nfilters())]
            self.assertEqual(filters, [h5py.h5z.FILTER_SHUFFLE, h5py.h5z.FILTER_DEFLATE],
                             "filters of /edges/src: shuffle, then deflate")
        return out

    def check_attributes(self, f: h5py.File, data: Path) -> None:
        """Root attributes: present, typed and parseable."""
        for name in ROOT_ATTRIBUTES:
            self.assertIn(name, f.attrs, f"root attribute {name!r} missing")
        schema = f.attrs["schema"]
        self.assertIn(schema, (b"coordnet/1", "coordnet/1"))
        self.assertTrue(e2e.attr_text(f.attrs["version"]).strip(), "empty version")
        self.assertTrue(e2e.attr_text(f.attrs["git_sha"]).strip(), "empty git_sha")
        created = datetime.datetime.strptime(e2e.attr_text(f.attrs["created"]),
                                             "%Y-%m-%dT%H:%M:%SZ").replace(
                                                 tzinfo=datetime.timezone.utc)
        age = datetime.datetime.now(datetime.timezone.utc) - created
        self.assertLess(abs(age.total_seconds()), 600, f"created {created} is not now")
        self.assertIsInstance(f.attrs["ranks"], (int, np.integer))
        self.assertEqual(int(f.attrs["ranks"]), RANKS)

        config = tomllib.loads(e2e.attr_text(f.attrs["config"]))
        window = find_key(config, "window")
        self.assertIsNotNone(window, f"no 'window' in config: {config}")
        self.assertEqual(float(window), WINDOW_S)

        inputs = tomllib.loads(e2e.attr_text(f.attrs["inputs"]))
        self.assertEqual(len(inputs["input"]), 1, inputs)
        self.assertEqual(Path(inputs["input"][0]["path"]).resolve(), data.resolve())
        self.assertEqual(inputs["input"][0]["size_bytes"], data.stat().st_size)

        stages = tomllib.loads(e2e.attr_text(f.attrs["stages"]))
        self.assertIn("ingest", stages, f"no ingest stage in {sorted(stages)}")

    def check_layout(self, f: h5py.File) -> None:
        """Every documented dataset exists, 1-d, of the right kind; equal lengths per group."""
        for group, datasets in LAYOUT.items():
            with self.subTest(group=group):
                self.assertIn(group, f)
                lengths = {}
                for name, kind in datasets.items():
                    path = f"{group}/{name}"
                    self.assertIn(path, f)
                    dataset = f[path]
                    self.assertIsInstance(dataset, h5py.Dataset, path)
                    self.assertEqual(dataset.ndim, 1, path)
                    self.assertEqual(dataset.dtype.kind, kind, f"{path}: {dataset.dtype}")
                    lengths[name] = dataset.shape[0]
                self.assertEqual(len(set(lengths.values())), 1, f"{group} lengths: {lengths}")

    def check_edges(self, f: h5py.File) -> None:
        """src < dst < n_accounts, sorted unique pairs, weights and delays consistent."""
        n_accounts = len(f["/accounts/id"])
        e = {name: f[f"/edges/{name}"][()] for name in LAYOUT["/edges"]}
        self.assertGreater(e["src"].size, 0, "no edges: the check below would be vacuous")
        self.assertTrue(np.all(e["src"] < e["dst"]), "src < dst")
        self.assertTrue(np.all(e["dst"] < n_accounts), "account index out of range")
        order = np.lexsort((e["dst"], e["src"]))
        np.testing.assert_array_equal(order, np.arange(e["src"].size), "not sorted by (src, dst)")
        pairs = e["src"].astype(object) * n_accounts + e["dst"].astype(object)
        self.assertEqual(len(set(pairs.tolist())), e["src"].size, "duplicate (src, dst) pairs")
        self.assertTrue(np.all(e["count"] >= 1))
        np.testing.assert_array_equal(e["weight"], e["count"].astype(np.float64))
        self.assertTrue(np.all((e["n_keys"] >= 1) & (e["n_keys"] <= e["count"])))
        self.assertTrue(np.all(e["min_delay_s"] >= 0))
        self.assertTrue(np.all(e["min_delay_s"] <= e["mean_delay_s"]), "min_delay > mean")
        self.assertTrue(np.all(e["mean_delay_s"] <= WINDOW_S), "mean_delay > window")

    def check_accounts_and_handles(self, f: h5py.File, n_rows: int) -> None:
        """Unique ids; n_actions adds up to the data rows; /handles consistent with /accounts."""
        ids = f["/accounts/id"][()]
        self.assertEqual(len(set(ids.tolist())), ids.size, "duplicate account ids")
        self.assertEqual(int(f["/accounts/n_actions"][()].sum()), n_rows)
        self.assertTrue(np.all(f["/accounts/n_actions"][()] >= 1))
        h = {name: f[f"/handles/{name}"][()] for name in LAYOUT["/handles"]}
        self.assertTrue(np.all(h["account"] < ids.size))
        self.assertTrue(np.all(h["first_seen_ms"] <= h["last_seen_ms"]))
        per_account = np.bincount(h["account"].astype(np.int64), minlength=ids.size)
        renames = f["/accounts/n_renames"][()]
        np.testing.assert_array_equal(renames, np.maximum(per_account, 1) - 1,
                                      "n_renames != handles per account - 1")
        handles = f["/accounts/handle"][()]
        for account in np.flatnonzero(per_account):
            rows = np.flatnonzero(h["account"] == account)
            latest = rows[np.argmax(h["last_seen_ms"][rows])]
            self.assertEqual(handles[account], h["handle"][latest], f"account {account}")
        self.assertTrue(np.all(handles[per_account == 0] == b""))

    def check_inputs(self, f: h5py.File, data: Path) -> None:
        """/inputs names the input file and its size."""
        paths = e2e.decode(f["/inputs/path"][()])
        self.assertEqual([Path(p).resolve() for p in paths], [data.resolve()])
        self.assertEqual(f["/inputs/size_bytes"][()].tolist(), [data.stat().st_size])

    def test_fixture(self) -> None:
        """events_small.csv: generic checks plus its known rename and handles."""
        data = e2e.test_data_dir() / FIXTURE
        self.assertTrue(data.is_file(), f"fixture {data} is missing")
        rows = data_rows(data)
        self.assertEqual(len(rows), 41)
        out = self.run_and_check(data, len(rows))
        accounts = e2e.read_accounts(out)
        ids = e2e.decode(accounts["id"])
        by_id = {i: k for k, i in enumerate(ids)}
        self.assertEqual(set(ids), {row["account_id"] for row in rows})
        handles = dict(zip(ids, e2e.decode(accounts["handle"])))
        self.assertEqual(handles["acct_02"], "bravo_renamed")
        self.assertEqual(handles["1234567890123456789"], "india, the account")
        self.assertEqual(handles["acct_12"], "")
        self.assertEqual(int(accounts["n_renames"][by_id["acct_02"]]), 1)
        h = e2e.read_group(out, "/handles")
        rows_02 = [(name, int(first), int(last), int(n)) for account, name, first, last, n in zip(
            h["account"], e2e.decode(h["handle"]), h["first_seen_ms"], h["last_seen_ms"],
            h["n_actions"]) if account == by_id["acct_02"]]
        self.assertEqual(rows_02, [("bravo", 1_700_000_010_000, 1_700_001_500_000, 3),
                                   ("bravo_renamed", 1_700_002_000_000, 1_700_004_100_000, 3)])
        self.assertEqual(int(h["n_actions"].sum()), sum(1 for row in rows if row["handle"]))
        self.assertEqual(e2e.read_group(out, "/rejects")["count"].size, 0)

    def test_coortweet(self) -> None:
        """russian_coord_tweets.csv: generic checks (skipped when absent)."""
        data = e2e.shared_file_or_skip_test(SHARED)
        self.run_and_check(data, 35_125)


if __name__ == "__main__":
    unittest.main()
