"""Bad numbers in the options of ``coordnet run`` are usage errors (exit 64) naming the option,
and a configuration written by ``--dump-config`` reads back wherever ``--config`` is given.

Found by fuzzing the config loader (tests/fuzz/fuzz_run_config.cpp): ``--layer-window
hashtag=x`` and ``--memory-budget x`` ended in an internal error (std::stod threw), and
``--memory-budget 1e300G`` or ``--window 1e300`` overflowed a conversion.

Fixture: tests/data/events_small.csv.
"""

from __future__ import annotations

import re
import sys
import unittest
from pathlib import Path

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, str(Path(__file__).resolve().parent))
import coordnet_e2e as e2e  # noqa: E402

FIXTURE = "events_small.csv"


class RunConfigTest(unittest.TestCase):
    """Bad values are refused as usage errors; a dumped configuration reads back."""

    def setUp(self) -> None:
        """A temporary folder and the fixture."""
        self.tmp = e2e.make_temp_dir(self)
        self.data = e2e.test_data_dir() / FIXTURE
        self.assertTrue(self.data.is_file(), f"fixture {self.data} is missing")
        self.out = self.tmp / "out.h5"

    def test_bad_numbers_are_usage_errors(self) -> None:
        """Each bad value exits 64 with a message naming its option."""
        cases = {"--layer-window": ["--layer-window", "hashtag=x"],
                 "--memory-budget": ["--memory-budget", "1e300G"],
                 "--window": ["--window", "1e300"]}
        for option, args in cases.items():
            with self.subTest(option=option):
                result = e2e.run_coordnet([self.data], self.out, *args, ranks=1)
                self.assertEqual(result.returncode, e2e.EXIT_USAGE, e2e.describe(result))
                self.assertIn(option, result.stderr, e2e.describe(result))

    def test_dumped_config_reads_back(self) -> None:
        """--dump-config holds only run.* keys and, read back with --config, dumps the same."""
        first = e2e.run_coordnet([self.data], self.out, "--window", "30", "--no-flag",
                                 "--layer-window", "hashtag=5", "--dump-config", ranks=1)
        self.assertEqual(first.returncode, 0, e2e.describe(first))
        keys = [line.split("=", 1)[0] for line in first.stdout.splitlines() if "=" in line]
        self.assertIn("run.window", keys)
        self.assertEqual([k for k in keys if "." in k and not k.startswith("run.")], [])
        dump = self.tmp / "dump.toml"
        dump.write_text(first.stdout)
        again = e2e.run_coordnet_command(["--config", dump, "run", self.data, "-o", self.out,
                                          "--dump-config"])
        self.assertEqual(again.returncode, 0, e2e.describe(again))
        self.assertEqual(again.stdout, first.stdout)

    def test_config_after_the_subcommand_is_applied(self) -> None:
        """``run --config F`` reads F like ``--config F run``; later options still win."""
        first = e2e.run_coordnet([self.data], self.out, "--window", "30", "--min-weight", "2",
                                 "--dump-config", ranks=1)
        self.assertEqual(first.returncode, 0, e2e.describe(first))
        dump = self.tmp / "dump.toml"
        dump.write_text(first.stdout)
        for args in (["run", "--config", dump], ["run", f"--config={dump}"]):
            with self.subTest(args=args[1]):
                again = e2e.run_coordnet_command([*args, "--dump-config"])
                self.assertEqual(again.returncode, 0, e2e.describe(again))
                self.assertEqual(again.stdout, first.stdout)
        override = e2e.run_coordnet_command(["run", "--config", dump, "--window", "5",
                                             "--dump-config"])
        self.assertEqual(override.returncode, 0, e2e.describe(override))
        self.assertIn("run.window=5\n", override.stdout)
        self.assertIn("run.min-weight=2\n", override.stdout)

    def test_spill_dir_is_created_or_refused_at_the_start(self) -> None:
        """A missing --spill-dir is created; one that cannot be fails every rank before ingest."""
        spill = self.tmp / "new" / "spill"
        made = e2e.run_coordnet([self.data], self.out, "--memory-budget", "1G",
                                "--spill-dir", spill, ranks=2)
        self.assertEqual(made.returncode, 0, e2e.describe(made))
        self.assertTrue(spill.is_dir())
        blocker = self.tmp / "a_file"
        blocker.write_text("")
        refused = e2e.run_coordnet([self.data], self.tmp / "refused.h5", "--spill-dir",
                                   blocker / "spill", ranks=2)
        self.assertEqual(refused.returncode, e2e.EXIT_IO, e2e.describe(refused))
        self.assertIn(f"--spill-dir {blocker / 'spill'}: cannot create", refused.stderr)
        self.assertNotIn("stage ingest", refused.stderr)
        self.assertFalse((self.tmp / "refused.h5").exists())

    def test_automatic_memory_budget(self) -> None:
        """The default budget is two thirds of the node's available memory over the ranks on the
        node, logged; it changes no result against a run without a budget."""
        auto_out, none_out = self.tmp / "auto.h5", self.tmp / "none.h5"
        auto = e2e.run_coordnet([self.data], auto_out, ranks=2)
        self.assertEqual(auto.returncode, 0, e2e.describe(auto))
        chosen = re.search(r"memory budget \(auto\): (\d+) MiB per rank, 2/3 of the (\d+) MiB "
                           r"available shared by 2 rank\(s\) on the node", auto.stderr)
        self.assertIsNotNone(chosen, e2e.describe(auto))
        per_rank, available = int(chosen.group(1)), int(chosen.group(2))
        self.assertGreater(per_rank, 0)
        # MiB figures are rounded down from bytes: within 1 MiB of (available * 2/3) / 2.
        self.assertAlmostEqual(per_rank, available / 3, delta=1.0)
        unbounded = e2e.run_coordnet([self.data], none_out, "--memory-budget", "none", ranks=2)
        self.assertEqual(unbounded.returncode, 0, e2e.describe(unbounded))
        self.assertNotIn("memory budget", unbounded.stderr)
        e2e.assert_same_result(self, auto_out, none_out, "auto against no budget",
                               ignore=frozenset({"/@config"}))


if __name__ == "__main__":
    unittest.main()
