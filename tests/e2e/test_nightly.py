"""``coordnet nightly``: seven simulated nights over a rolling window (docs/operations.md).

Nine days of events are generated (three planted groups of five accounts retweeting the same
objects within 30 s every day, organic retweets of a shared pool of objects, hashtags, an
account renamed on day 4, and on every day a record with a bad timestamp near its start and one
near its end, quarantined: their rows must come out in the order of a from-scratch run). Day 5 is a file named by its date in the input root, the other days
are dated folders. The input root gains one day per night; with --days 3 --retain 3 every night
must parse only its new day (the others come from the day cache, as the night's log says), write
OUT/DATE/result.h5 equal to a from-scratch ``coordnet run`` on the window's files (every dataset
and attribute; the ``config`` attribute aside, which holds the nightly options), point
``latest`` at it, and keep three dated folders and the day caches of the window only. A night
killed during clustering leaves ``latest`` on the previous complete result; its rerun parses
nothing.
"""

from __future__ import annotations

import datetime
import random
import re
import shutil
import sys
import unittest
from pathlib import Path

import h5py

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, str(Path(__file__).resolve().parent))
import coordnet_e2e as e2e  # noqa: E402

FIRST_DAY = datetime.date(2026, 1, 1)
N_DAYS = 9
WINDOW_DAYS = 3
RETAIN = 3
FILE_DAY = 5  # this day is a file named by its date, not a folder
ARGS = ("--window", "60")
RANKS = 2


def date_of(day: int) -> str:
    """YYYY-MM-DD of day 1..N_DAYS."""
    return (FIRST_DAY + datetime.timedelta(days=day - 1)).isoformat()


def day_rows(day: int) -> list[str]:
    """The events CSV rows of one day (deterministic)."""
    rng = random.Random(day)
    base = int(datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc).timestamp())
    base += (day - 1) * 86400
    rows = []

    def handle(account: int) -> str:
        return f"h{account:02d}" + ("_new" if account == 3 and day >= 4 else "")

    def add(obj: str, account: int, t: int, layer: str) -> None:
        rows.append(f"{obj},acct_{account:02d},c{day}_{len(rows)},{t},{layer},{handle(account)}")

    for group in range(3):
        for k in range(4):
            t0 = base + rng.randrange(0, 80000)
            for member in range(group * 5, group * 5 + 5):
                add(f"obj_{day}_{group}_{k}", member, t0 + rng.randrange(0, 30), "retweet")
    for _ in range(200):
        add(f"pop_{rng.randrange(100)}", rng.randrange(15, 80), base + rng.randrange(0, 86400),
            "retweet")
    for _ in range(40):
        add(f"#tag{rng.randrange(20)}", rng.randrange(0, 80), base + rng.randrange(0, 86400),
            "hashtag")
    rows.insert(3, f"bad_{day}_start,acct_01,bad{day}a,not-a-time,retweet,h01")
    rows.append(f"bad_{day}_end,acct_02,bad{day}b,not-a-time,retweet,h02")
    return rows


def write_day(root: Path, day: int) -> list[Path]:
    """Writes day ``day`` under ``root``; returns its input files."""
    text = "object_id,account_id,content_id,timestamp_share,layer,handle\n"
    text += "\n".join(day_rows(day)) + "\n"
    if day == FILE_DAY:
        path = root / f"{date_of(day)}.csv"
    else:
        (root / date_of(day)).mkdir()
        path = root / date_of(day) / "events.csv"
    path.write_text(text, encoding="utf-8")
    return [path]


class NightlyTest(unittest.TestCase):
    """Seven nights, each parsing one new day, each equal to a from-scratch run."""

    def setUp(self) -> None:
        self.tmp = e2e.make_temp_dir(self)
        self.inputs = self.tmp / "inputs"
        self.inputs.mkdir()
        self.out = self.tmp / "out"
        self.files: dict[int, list[Path]] = {}

    def night(self, fault: str | None = None):
        env = {"COORDNET_TEST_FAULT": fault} if fault else None
        return e2e.run_coordnet_command(
            ["nightly", "--input-root", str(self.inputs), "--days", str(WINDOW_DAYS),
             "--out-root", str(self.out), "--retain", str(RETAIN), *ARGS],
            ranks=RANKS, env=env)

    def assert_latest(self, day: int) -> None:
        """latest names DATE and its result opens."""
        latest = self.out / "latest"
        self.assertTrue(latest.is_symlink())
        self.assertEqual(latest.readlink(), Path(date_of(day)))
        with h5py.File(latest / "result.h5", "r") as f:
            self.assertGreater(f["/edges/src"].shape[0], 0)
            self.assertGreater(f["/rejects/records/line"].shape[0], 0)

    def test_seven_nights(self) -> None:
        self.files[1] = write_day(self.inputs, 1)
        self.files[2] = write_day(self.inputs, 2)
        warm_up = self.night()
        self.assertEqual(warm_up.returncode, 0, e2e.describe(warm_up))
        self.assert_latest(2)

        for day in range(3, N_DAYS + 1):
            with self.subTest(night=date_of(day)):
                self.files[day] = write_day(self.inputs, day)
                if day == 7:
                    killed = self.night(fault="cluster:1:kill")
                    self.assertNotEqual(killed.returncode, 0, e2e.describe(killed))
                    self.assert_latest(6)
                result = self.night()
                self.assertEqual(result.returncode, 0, e2e.describe(result))
                self.check_night(day, parsed=[] if day == 7 else [day])

    def check_night(self, day: int, parsed: list[int]) -> None:
        window = list(range(max(1, day - WINDOW_DAYS + 1), day + 1))
        log = (self.out / date_of(day) / "coordnet.log").read_text(encoding="utf-8")
        log = log.split(f"nightly {date_of(day)}: window")[-1]  # this run's lines only
        self.assertEqual(re.findall(r"nightly: day (\S+) parsed", log),
                         [date_of(d) for d in parsed])
        self.assertEqual(re.findall(r"nightly: day (\S+) from the day cache", log),
                         [date_of(d) for d in window if d not in parsed])
        self.assert_latest(day)
        result = self.out / date_of(day) / "result.h5"
        for name in ("config.toml", "version.txt"):
            self.assertTrue((self.out / date_of(day) / name).is_file())

        scratch = self.tmp / f"scratch-{date_of(day)}.h5"
        inputs = [f for d in window for f in self.files[d]]
        e2e.run_ok(self, inputs, scratch, *ARGS, ranks=RANKS)
        e2e.assert_same_result(self, scratch, result, f"night {date_of(day)} vs from scratch",
                               ignore=frozenset({"/@config"}))

        dated = sorted(p.name for p in self.out.iterdir() if re.fullmatch(r"[\d-]{10}", p.name))
        self.assertEqual(dated, [date_of(d) for d in range(max(2, day - RETAIN + 1), day + 1)])
        cached = sorted(p.name for p in (self.out / "cache").iterdir())
        self.assertEqual(cached, [date_of(d) for d in window])


if __name__ == "__main__":
    unittest.main()
