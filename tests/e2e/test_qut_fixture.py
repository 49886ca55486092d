"""The QUT Coordination Network Toolkit's own co-retweet fixture (MIT, QUT Digital Observatory).

coretweet_test_input.csv is 15 rows in the toolkit's CSV layout
(message_id,user_id,username,repost_id,reply_id,message,timestamp,urls), starting with a UTF-8
byte-order mark and using CRLF line endings. expected_node_counts.txt restates the toolkit's
expected number of nodes of the co_retweet graph per time window, minimum edge weight and
self-loop setting.

The rows without self-loops are checked with coordnet's own projection (undirected, u < v);
every row, self-loops included, with ``--compat qut`` (directed, ``--self-loops`` where the row
asks for them: uid10 and uid0 co-retweet themselves).
"""

from __future__ import annotations

import csv
import re
import sys
import unittest
from pathlib import Path

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, str(Path(__file__).resolve().parent))
import coordnet_e2e as e2e  # noqa: E402

FIXTURE = "coordination-network-toolkit/coretweet_test_input.csv"
EXPECTED = "coordination-network-toolkit/expected_node_counts.txt"
RANKS = 2

# What the file itself says (checked against it below, so a changed fixture is noticed): the
# no-self-loop rows of expected_node_counts.txt, as (window s, min weight) -> nodes.
KNOWN_NO_SELF_LOOP_ROWS = {(1, 1): 2, (1, 2): 0, (60, 1): 6}
ROW = re.compile(r"^\s*(\d+)\s*,\s*(\d+)\s*,\s*(true|false)\s*,\s*(\d+)\s*$")


def expected_node_counts(path: Path) -> dict[tuple[int, int, bool], int]:
    """The data rows of expected_node_counts.txt: (window, min weight, self-loops) -> nodes."""
    rows: dict[tuple[int, int, bool], int] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        match = ROW.match(line)
        if match:
            window, weight, loops, nodes = match.groups()
            rows[(int(window), int(weight), loops == "true")] = int(nodes)
    return rows


def fixture_users(path: Path) -> dict[str, str]:
    """user_id -> username of the rows of the fixture (read with Python's csv, BOM dropped)."""
    with path.open(newline="", encoding="utf-8-sig") as f:
        return {row["user_id"]: row["username"] for row in csv.DictReader(f)}


class QutFixtureTest(unittest.TestCase):
    """coordnet on the toolkit's fixture gives the toolkit's node counts."""

    @classmethod
    def setUpClass(cls) -> None:
        """Locates the fixture and reads the expected counts."""
        cls.fixture = e2e.shared_file_or_skip_test(FIXTURE)
        cls.expected = expected_node_counts(e2e.shared_file_or_skip_test(EXPECTED))
        cls.tmp = cls.enterClassContext(e2e.temp_dir("coordnet-qut-"))

    def test_expected_file_parsed(self) -> None:
        """The parser found all six rows, and the no-self-loop ones are as documented."""
        self.assertEqual(len(self.expected), 6, self.expected)
        no_loops = {(w, mw): n for (w, mw, loops), n in self.expected.items() if not loops}
        self.assertEqual(no_loops, KNOWN_NO_SELF_LOOP_ROWS)

    def test_node_counts_in_qut_compat_mode(self) -> None:
        """--compat qut gives the toolkit's node count for every row, self-loops included."""
        for (window, min_weight, self_loops), nodes in sorted(self.expected.items()):
            with self.subTest(window=window, min_weight=min_weight, self_loops=self_loops):
                out = self.tmp / f"qut_tw{window}_mw{min_weight}_{self_loops}.h5"
                loops = ["--self-loops"] if self_loops else []
                e2e.run_ok(self, [self.fixture], out, "--compat", "qut", "--window", str(window),
                           "--min-weight", str(min_weight), *loops, ranks=RANKS)
                edges = e2e.read_edges(out)
                self.assertEqual(e2e.n_connected_accounts(edges), nodes)
                if not self_loops:
                    self.assertFalse((edges["src"] == edges["dst"]).any(), "a self-loop")

    def test_node_counts_without_self_loops(self) -> None:
        """Accounts with >= 1 edge equal the toolkit's node count for every no-self-loop row."""
        for (window, min_weight, self_loops), nodes in sorted(self.expected.items()):
            if self_loops:
                continue  # not applicable: coordnet never emits self-pairs (module docstring)
            with self.subTest(window=window, min_weight=min_weight):
                out = self.tmp / f"tw{window}_mw{min_weight}.h5"
                e2e.run_ok(self, [self.fixture], out, "--window", str(window), "--min-weight",
                           str(min_weight), ranks=RANKS)
                edges = e2e.read_edges(out)
                self.assertEqual(e2e.n_connected_accounts(edges), nodes)
                self.assertTrue((edges["count"] >= min_weight).all())

    def test_format_auto_detected_as_qut(self) -> None:
        """--format auto reads the BOM-prefixed file exactly as --format qut does."""
        auto, qut = self.tmp / "auto.h5", self.tmp / "qut.h5"
        e2e.run_ok(self, [self.fixture], auto, "--format", "auto", ranks=RANKS)
        e2e.run_ok(self, [self.fixture], qut, "--format", "qut", ranks=RANKS)
        e2e.assert_same_datasets(self, auto, qut, "--format auto vs --format qut")
        rejects = e2e.read_group(auto, "/rejects")
        self.assertEqual(rejects["count"].size, 0, "no record of the fixture is bad")
        self.assertEqual(int(e2e.read_accounts(auto)["n_actions"].sum()), 15)
        # The events format cannot read it: proves auto did not fall back to it.
        wrong = e2e.run_coordnet([self.fixture], self.tmp / "events.h5", "--format", "events",
                                 ranks=RANKS)
        self.assertEqual(wrong.returncode, e2e.EXIT_DATA, e2e.describe(wrong))

    def test_accounts_and_handles(self) -> None:
        """/accounts/id holds exactly the file's users (uid0-uid5, uid10-uid12; no BOM bytes),
        and /accounts/handle gives usernameN for uidN."""
        out = self.tmp / "accounts.h5"
        e2e.run_ok(self, [self.fixture], out, ranks=RANKS)
        users = fixture_users(self.fixture)
        expected_ids = {f"uid{i}" for i in (*range(0, 6), 10, 11, 12)}
        self.assertEqual(set(users), expected_ids, "the fixture's users are as documented")
        accounts = e2e.read_accounts(out)
        ids = e2e.decode(accounts["id"])
        self.assertEqual(len(ids), len(set(ids)), "account ids are unique")
        self.assertEqual(set(ids), expected_ids)
        handles = dict(zip(ids, e2e.decode(accounts["handle"])))
        self.assertEqual(handles, {uid: "username" + uid[len("uid"):] for uid in expected_ids})
        self.assertEqual(accounts["n_renames"].tolist(), [0] * len(ids))


if __name__ == "__main__":
    e2e.require_shared_file(FIXTURE)
    e2e.require_shared_file(EXPECTED)
    unittest.main()
