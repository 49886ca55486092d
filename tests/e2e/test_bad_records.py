"""Bad records: quarantine, skip, fail and the --max-bad-fraction budget, end to end.

A generated events CSV (object_id,account_id,content_id,timestamp_share,layer) of 2,000 data
rows holds a few bad rows of every kind the events reader reports:

=====================  ==========================================================
reason                 how the row is broken
=====================  ==========================================================
missing_account        account_id empty
bad_timestamp          timestamp_share not a time, or empty
wrong_field_count      one field too many / two too few
malformed_quotes       quotes inside an unquoted field / text after a closing quote
unknown_layer          a layer name coordnet does not know
=====================  ==========================================================

Line numbers are 1-based physical lines; the header is line 1. Malformed-quote rows always hold
an even number of '"' so that, by the tokenizer's documented quote-parity framing, they do not
swallow the lines after them.
"""

from __future__ import annotations

import collections
import re
import sys
import unittest
from pathlib import Path

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, str(Path(__file__).resolve().parent))
import coordnet_e2e as e2e  # noqa: E402

HEADER = "object_id,account_id,content_id,timestamp_share,layer"
N_ROWS = 2000
T0 = 1_700_000_000

# Bad row templates by reason; {n} makes each row unique (and gives it an account of its own).
BAD_TEMPLATES: list[tuple[str, str]] = [
    ("missing_account", "obj_{m},,bad_c{n},{t},"),
    ("bad_timestamp", "obj_{m},bad_acct_{n},bad_c{n},not-a-time,"),
    ("wrong_field_count", "obj_{m},bad_acct_{n},bad_c{n},{t},,surplus"),
    ("malformed_quotes", 'obj_{m},bad_acct_{n},bad_c"{n}"x,{t},'),
    ("unknown_layer", "obj_{m},bad_acct_{n},bad_c{n},{t},podcast"),
    ("missing_account", "obj_{m},,bad_c{n},{t},retweet"),
    ("bad_timestamp", "obj_{m},bad_acct_{n},bad_c{n},,hashtag"),
    ("wrong_field_count", "obj_{m},bad_acct_{n},bad_c{n}"),
    ("malformed_quotes", '"obj_{m}"x,bad_acct_{n},bad_c{n},{t},'),
    ("unknown_layer", "obj_{m},bad_acct_{n},bad_c{n},{t},tiktok"),
]
# 10 of 2,000 rows (0.5%), spread over the file: first data line, around the middle (where a
# 2-rank byte split falls) and the last line.
BAD_LINES_HALF_PERCENT = (2, 250, 499, 777, 1000, 1001, 1002, 1500, 1800, 2001)


def good_row(line: int) -> tuple[str, str]:
    """The good data row on physical ``line``, and its account."""
    i = line - 2
    account = f"acct_{(i * 7) % 137:03d}"
    layer = ("", "", "retweet", "hashtag")[i % 4]
    return f"obj_{i % 53},{account},c{i},{T0 + 5 * i},{layer}", account


def write_events(path: Path, bad_lines: dict[int, str]) -> tuple[dict[int, tuple[str, str]],
                                                               collections.Counter[str]]:
    """Writes HEADER and N_ROWS data rows; ``bad_lines`` maps line -> reason to break it with.

    Returns ({bad line: (reason, verbatim text)}, {account: actions} of the good rows).
    """
    templates: dict[str, list[str]] = collections.defaultdict(list)
    for reason, template in BAD_TEMPLATES:
        templates[reason].append(template)
    used: collections.Counter[str] = collections.Counter()
    bad: dict[int, tuple[str, str]] = {}
    good_actions: collections.Counter[str] = collections.Counter()
    lines = [HEADER]
    for line in range(2, N_ROWS + 2):
        if line in bad_lines:
            reason = bad_lines[line]
            options = templates[reason]
            text = options[used[reason] % len(options)].format(n=line, m=line % 53, t=T0 + line)
            used[reason] += 1
            bad[line] = (reason, text)
            lines.append(text)
        else:
            text, account = good_row(line)
            good_actions[account] += 1
            lines.append(text)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return bad, good_actions


def reasons_in_turn(lines: list[int]) -> dict[int, str]:
    """Assigns the five reasons to ``lines`` in turn."""
    order = [reason for reason, _ in BAD_TEMPLATES[:5]]
    return {line: order[k % len(order)] for k, line in enumerate(lines)}


class BadRecordsTest(unittest.TestCase):
    """Bad rows are reported exactly, counted, budgeted and never leak into the results."""

    def setUp(self) -> None:
        """A temporary folder per test."""
        self.tmp = e2e.make_temp_dir(self)

    def test_quarantine_half_percent(self) -> None:
        """0.5% bad rows: exit 0 at 1 and 2 ranks; every bad row quarantined with its line,
        reason and text; counts per reason; good rows all counted; same datasets at 1 and 2."""
        data = self.tmp / "events.csv"
        bad, good_actions = write_events(data, {
            line: reason for line, (reason, _) in zip(BAD_LINES_HALF_PERCENT, BAD_TEMPLATES)})
        self.assertEqual(len(bad), 10)
        self.assertEqual(sum(good_actions.values()), 1990)
        outputs = {}
        for ranks in (1, 2):
            with self.subTest(ranks=ranks):
                out = self.tmp / f"np{ranks}.h5"
                e2e.run_ok(self, [data], out, "--on-bad-record", "quarantine", ranks=ranks)
                outputs[ranks] = out
                self.check_quarantine(out, bad)
                self.check_counts(out, bad)
                self.check_accounts(out, good_actions)
        e2e.assert_same_datasets(self, outputs[1], outputs[2], "quarantine at 1 vs 2 ranks")

    def check_quarantine(self, out: Path, bad: dict[int, tuple[str, str]]) -> None:
        """/rejects/records names exactly the bad lines, with reason and verbatim text."""
        records = e2e.read_group(out, "/rejects/records")
        lines = records["line"].tolist()
        self.assertEqual(sorted(lines), sorted(bad), "quarantined lines")
        self.assertEqual(len(lines), len(set(lines)), "a line quarantined twice")
        for name, values in records.items():
            self.assertEqual(len(values), len(bad), f"/rejects/records/{name} length")
        got = {line: (reason, text) for line, reason, text in zip(
            lines, e2e.decode(records["reason"]), e2e.decode(records["text"]))}
        self.assertEqual(got, bad, "(reason, text) per line")
        self.assertEqual(records["file"].tolist(), [0] * len(bad))
        self.assertEqual(records["truncated"].tolist(), [0] * len(bad))

    def check_counts(self, out: Path, bad: dict[int, tuple[str, str]]) -> None:
        """/rejects/reason and /rejects/count give the count of every reason."""
        rejects = e2e.read_group(out, "/rejects")
        counts = dict(zip(e2e.decode(rejects["reason"]), rejects["count"].tolist()))
        self.assertEqual(counts, dict(collections.Counter(reason for reason, _ in bad.values())))
        self.assertEqual(sum(counts.values()), len(bad))

    def check_accounts(self, out: Path, good_actions: collections.Counter[str]) -> None:
        """/accounts holds exactly the good rows' accounts with their action counts."""
        accounts = e2e.read_accounts(out)
        got = dict(zip(e2e.decode(accounts["id"]), accounts["n_actions"].tolist()))
        leaked = sorted(a for a in got if a.startswith("bad_acct_"))
        self.assertEqual(leaked, [], "accounts of rejected rows appear in /accounts")
        self.assertEqual(got, dict(good_actions))
        self.assertEqual(sum(got.values()), 1990)

    def assert_names_bad_record(self, stderr: str, data: Path, bad: dict[int, tuple[str, str]],
                                what: str) -> None:
        """stderr names ``data``:LINE: REASON of the first bad record."""
        match = re.search(re.escape(str(data)) + r":(\d+): ([a-z_]+)", stderr)
        self.assertIsNotNone(match, f"{what}: no 'PATH:LINE: reason' in stderr:\n{stderr}")
        line, reason = int(match.group(1)), match.group(2)
        self.assertIn(line, bad, f"{what}: line {line} is not a bad line")
        self.assertEqual(line, min(bad), f"{what}: not the first bad record")
        self.assertEqual(reason, bad[line][0], f"{what}: wrong reason for line {line}")

    def test_five_percent_fails(self) -> None:
        """5% bad rows exceed the default --max-bad-fraction (1%): exit 65, no output written."""
        data = self.tmp / "events.csv"
        bad, _ = write_events(data, reasons_in_turn(list(range(21, N_ROWS + 2, 20))))
        self.assertEqual(len(bad), 100)
        out = self.tmp / "out.h5"
        result = e2e.run_coordnet([data], out, ranks=2)
        self.assertEqual(result.returncode, e2e.EXIT_DATA, e2e.describe(result))
        self.assert_names_bad_record(result.stderr, data, bad, "5% bad")
        self.assertFalse(out.exists(), "output written despite the failure")
        self.assertFalse(Path(f"{out}.tmp").exists(), "temporary output left behind")

    def test_max_bad_fraction_raised(self) -> None:
        """The same 5% pass with --max-bad-fraction 0.06 (all 100 quarantined)."""
        data = self.tmp / "events.csv"
        bad, _ = write_events(data, reasons_in_turn(list(range(21, N_ROWS + 2, 20))))
        out = self.tmp / "out.h5"
        e2e.run_ok(self, [data], out, "--max-bad-fraction", "0.06", ranks=2)
        self.check_quarantine(out, bad)
        self.check_counts(out, bad)

    def test_fail_policy_single_bad_row(self) -> None:
        """--on-bad-record fail with one bad row: exit 65 naming file:line, at 1 and 2 ranks."""
        data = self.tmp / "events.csv"
        bad, _ = write_events(data, {1234: "unknown_layer"})
        for ranks in (1, 2):
            with self.subTest(ranks=ranks):
                out = self.tmp / f"fail_np{ranks}.h5"
                result = e2e.run_coordnet([data], out, "--on-bad-record", "fail", ranks=ranks)
                self.assertEqual(result.returncode, e2e.EXIT_DATA, e2e.describe(result))
                self.assert_names_bad_record(result.stderr, data, bad, "--on-bad-record fail")
                self.assertFalse(out.exists(), "output written despite the failure")

    def test_fail_policy_clean_file(self) -> None:
        """--on-bad-record fail on a file without bad rows succeeds."""
        data = self.tmp / "events.csv"
        write_events(data, {})
        out = self.tmp / "out.h5"
        e2e.run_ok(self, [data], out, "--on-bad-record", "fail", ranks=2)
        self.assertEqual(int(e2e.read_accounts(out)["n_actions"].sum()), N_ROWS)

    def test_skip_policy(self) -> None:
        """--on-bad-record skip: exit 0, nothing quarantined, counts per reason still written."""
        data = self.tmp / "events.csv"
        bad, good_actions = write_events(data, {
            line: reason for line, (reason, _) in zip(BAD_LINES_HALF_PERCENT, BAD_TEMPLATES)})
        out = self.tmp / "out.h5"
        e2e.run_ok(self, [data], out, "--on-bad-record", "skip", ranks=2)
        records = e2e.read_group(out, "/rejects/records")
        self.assertEqual(sorted(records), ["detail", "file", "line", "reason", "text", "truncated"])
        for name, values in records.items():
            self.assertEqual(len(values), 0, f"/rejects/records/{name} not empty under skip")
        self.check_counts(out, bad)
        self.check_accounts(out, good_actions)


if __name__ == "__main__":
    unittest.main()
