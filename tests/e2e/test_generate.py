"""``coordnet generate``: identical files at any rank count, and the properties it promises.

One small default-scenario data set (60,000 target actions, 3,000 accounts, 6 campaigns, seed 7)
is generated at 1, 2 and 3 ranks in both formats; a small viral one at 1 and 2 ranks. Checked:

* the three files are byte-identical at every rank count, and another seed changes them;
* truth.csv lists every account once, with 6 campaigns of 12..1000 members;
* events.csv: the layers are retweet, mention, hashtag and url, one mention per retweet; every
  content id is a snowflake carrying the row's millisecond time; every campaign member acts and
  is renamed (at least two handles), and cause handles are used only by campaign members;
* both files load with ``coordnet run`` without a bad record and give the same datasets (other
  than /inputs), with as many actions as events.csv has rows;
* with --min-weight 3, every campaign member is linked to a member of its own campaign;
* account profile: every account's creation time is known; a campaign's members share one
  language and one location (their operator's) and were created in batches of 50 three days
  apart (their creation times span exactly 3 (ceil(size / 50) - 1) days);
* the viral scenario's two viral keys have exactly --viral-posts retweets each;
* one day, one hashtag, five objects and campaigns of two accounts work too.
"""

from __future__ import annotations

import collections
import csv
import filecmp
import sys
import unittest
from pathlib import Path

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, str(Path(__file__).resolve().parent))
import coordnet_e2e as e2e  # noqa: E402

SMALL = ["--actions", "60000", "--campaigns", "6", "--seed", "7"]
FILES = ("events.csv", "io_archive.csv", "truth.csv")
CAUSE_HANDLE_PREFIXES = ("patriot_", "daily_news_", "truth_voice_", "real_", "nation_first_",
                         "free_voice_", "citizen_", "the_people_", "insider_", "watcher_",
                         "proud_", "defender_", "awake_", "united_", "faithful_", "smart_money_")
TWITTER_EPOCH_MS = 1288834974657


def generate(out: Path, *args: str, ranks: int) -> None:
    """Runs coordnet generate; raises AssertionError unless it exits 0."""
    run = e2e.run_coordnet_command(["generate", "--out-dir", out, *args], ranks=ranks)
    if run.returncode != e2e.EXIT_OK:
        raise AssertionError(e2e.describe(run))


def read_rows(path: Path) -> list[dict[str, str]]:
    """A CSV file as dicts."""
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


class GenerateTest(unittest.TestCase):
    """The default scenario at 1, 2 and 3 ranks."""

    @classmethod
    def setUpClass(cls) -> None:
        folder = e2e.temp_dir()
        cls.tmp = folder.__enter__()
        cls.addClassCleanup(folder.__exit__, None, None, None)
        cls.dirs = {}
        for ranks in (1, 2, 3):
            cls.dirs[ranks] = cls.tmp / f"np{ranks}"
            generate(cls.dirs[ranks], *SMALL, "--format", "both", ranks=ranks)
        cls.truth = read_rows(cls.dirs[1] / "truth.csv")
        cls.events = read_rows(cls.dirs[1] / "events.csv")

    def test_identical_at_every_rank_count(self) -> None:
        """Every file is byte-identical at 1, 2 and 3 ranks, also when every unit of work is a
        block of its own and truth.csv has one account per block (--block-posts 1: the ranks
        take turns hundreds of times per file, some with nothing left in the last round)."""
        small_blocks = self.tmp / "np3-small-blocks"
        generate(small_blocks, *SMALL, "--format", "both", "--block-posts", "1", ranks=3)
        for folder in (self.dirs[2], self.dirs[3], small_blocks):
            for name in FILES:
                with self.subTest(folder=folder.name, file=name):
                    self.assertTrue(filecmp.cmp(self.dirs[1] / name, folder / name,
                                                shallow=False))
        self.assertEqual(sorted(p.name for p in small_blocks.iterdir()), sorted(FILES))

    def test_seed_changes_the_data(self) -> None:
        """Another seed gives other events (the determinism is not a constant output)."""
        other = self.tmp / "seed8"
        generate(other, "--actions", "60000", "--campaigns", "6", "--seed", "8", ranks=2)
        self.assertFalse(filecmp.cmp(self.dirs[1] / "events.csv", other / "events.csv",
                                     shallow=False))

    def test_truth(self) -> None:
        """Every account once; 6 campaigns of 12..1000 members; organic accounts are -1."""
        ids = [r["account_id"] for r in self.truth]
        self.assertEqual(len(ids), 3000)
        self.assertEqual(len(set(ids)), 3000)
        sizes = collections.Counter(r["campaign"] for r in self.truth if r["campaign"] != "-1")
        self.assertEqual(sorted(sizes, key=int), [str(c) for c in range(6)])
        for campaign, size in sizes.items():
            self.assertTrue(12 <= size <= 1000, f"campaign {campaign} has {size} members")
        self.assertTrue(any(len(i) == 64 for i in ids), "no hashed (64 hex) account ids")

    def test_events(self) -> None:
        """Layers, snowflake times, campaign members acting and renamed."""
        layers = collections.Counter(r["layer"] for r in self.events)
        self.assertEqual(set(layers), {"retweet", "mention", "hashtag", "url"})
        self.assertEqual(layers["retweet"], layers["mention"])
        for r in self.events:
            t_ms = (int(r["content_id"]) >> 22) + TWITTER_EPOCH_MS
            self.assertEqual(e2e.parse_time_ms(r["timestamp_share"]), t_ms, r)

        campaign = {r["account_id"]: r["campaign"] for r in self.truth}
        handles: dict[str, set[str]] = collections.defaultdict(set)
        for r in self.events:
            handles[r["account_id"]].add(r["handle"])
        members = [a for a, c in campaign.items() if c != "-1"]
        for account in members:
            self.assertGreaterEqual(len(handles[account]), 2, f"member {account} not renamed")
        for account, names in handles.items():
            if campaign[account] == "-1":
                self.assertFalse(any(n.startswith(CAUSE_HANDLE_PREFIXES) for n in names), names)

    def test_both_formats_load_alike(self) -> None:
        """coordnet run: no bad record, same datasets from both files, every row an action;
        with --min-weight 3 every campaign member is linked to its own campaign."""
        out = {}
        # The archive also carries tweet texts (text layers); compare the layers both express.
        layers = ",".join(sorted({r["layer"] for r in self.events}))
        for name in ("events.csv", "io_archive.csv"):
            out[name] = self.tmp / f"{name}.h5"
            e2e.run_ok(self, [self.dirs[2] / name], out[name], "--min-weight", "3",
                       "--layers", layers)
            rejects = e2e.read_group(out[name], "/rejects")
            self.assertEqual(int(rejects["count"].sum()) if rejects["count"].size else 0, 0)
        problems = [p for p in e2e.dataset_differences(out["events.csv"], out["io_archive.csv"])
                    if not p.startswith("/inputs/")]
        self.assertEqual(problems, [])
        accounts = e2e.read_accounts(out["events.csv"])
        self.assertEqual(int(accounts["n_actions"].sum()), len(self.events))

        campaign = {r["account_id"]: r["campaign"] for r in self.truth}
        ids = e2e.decode(accounts["id"])
        edges = e2e.read_edges(out["events.csv"])
        linked = set()
        for s, d in zip(edges["src"].tolist(), edges["dst"].tolist()):
            if campaign[ids[s]] != "-1" and campaign[ids[s]] == campaign[ids[d]]:
                linked |= {ids[s], ids[d]}
        self.assertEqual(linked, {a for a, c in campaign.items() if c != "-1"})

        created = accounts["created_ms"].tolist()
        self.assertNotIn(-(2**63), created, "an account without creation time")
        by_campaign: dict[str, list[int]] = collections.defaultdict(list)
        for row, account in enumerate(ids):
            if campaign[account] != "-1":
                by_campaign[campaign[account]].append(row)
        for number, rows in by_campaign.items():
            with self.subTest(campaign=number):
                languages = {accounts["language"][r] for r in rows}
                locations = {accounts["location"][r] for r in rows}
                self.assertEqual(len(languages), 1, languages)
                self.assertEqual(len(locations), 1, locations)
                self.assertNotIn(b"", languages | locations)
                span_days = (max(created[r] for r in rows) - min(created[r] for r in rows)) \
                    // 86_400_000
                self.assertEqual(span_days, 3 * ((len(rows) + 49) // 50 - 1))


class ExtremesTest(unittest.TestCase):
    """Tiny pools and one day: the generator ends and keeps its promises."""

    def test_one_day_one_hashtag(self) -> None:
        tmp = e2e.make_temp_dir(self)
        generate(tmp, "--actions", "20000", "--accounts", "2000", "--days", "1", "--hashtags",
                 "1", "--urls", "1", "--objects", "5", "--campaigns", "3",
                 "--campaign-min-size", "2", "--campaign-max-size", "2", "--signals", "1",
                 ranks=2)
        sizes = collections.Counter(r["campaign"] for r in read_rows(tmp / "truth.csv")
                                    if r["campaign"] != "-1")
        self.assertEqual(sizes, {"0": 2, "1": 2, "2": 2})
        hashtags = {r["object_id"] for r in read_rows(tmp / "events.csv")
                    if r["layer"] == "hashtag"}
        self.assertLessEqual(len(hashtags), 1 + 3 * 3)  # one organic, a cause per phase


class ViralTest(unittest.TestCase):
    """The viral scenario: keys with --viral-posts retweets each, identical at 1 and 2 ranks."""

    def test_viral_keys(self) -> None:
        tmp = e2e.make_temp_dir(self)
        args = ["--scenario", "viral", "--actions", "80000", "--campaigns", "4",
                "--viral-posts", "12345", "--seed", "3"]
        generate(tmp / "np1", *args, ranks=1)
        generate(tmp / "np2", *args, ranks=2)
        for name in ("events.csv", "truth.csv"):
            self.assertTrue(filecmp.cmp(tmp / "np1" / name, tmp / "np2" / name, shallow=False))
        retweets = collections.Counter(r["object_id"] for r in read_rows(tmp / "np1/events.csv")
                                       if r["layer"] == "retweet")
        top = retweets.most_common(3)
        self.assertEqual([n for _, n in top[:2]], [12345, 12345])
        self.assertLess(top[2][1], 12345)


if __name__ == "__main__":
    unittest.main()
