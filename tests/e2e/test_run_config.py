"""The configuration of ``coordnet run``, found wanting by fuzzing its loader
(tests/fuzz/fuzz_run_config.cpp):

- ``--dump-config`` writes a TOML file that ``--config`` reads back as the same configuration.
  With no ``--layer-window`` the dump held ``layer-window=""``, which read back as one empty
  window and was refused, so a dumped default configuration could not be used.
- A bad number in an option is a usage error (exit 64) naming the option. ``--layer-window
  hashtag=x`` and ``--memory-budget x`` ended in an internal error (std::stod threw), and
  ``--memory-budget 1e300G`` or ``--window 1e300`` overflowed a conversion.

Fixture: tests/data/events_small.csv.
"""

from __future__ import annotations

import sys
import unittest
from pathlib import Path

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, str(Path(__file__).resolve().parent))
import coordnet_e2e as e2e  # noqa: E402

FIXTURE = "events_small.csv"


class RunConfigTest(unittest.TestCase):
    """The dump of a configuration reads back; bad values are refused as usage errors."""

    def setUp(self) -> None:
        """A temporary folder and the fixture."""
        self.tmp = e2e.make_temp_dir(self)
        self.data = e2e.test_data_dir() / FIXTURE
        self.assertTrue(self.data.is_file(), f"fixture {self.data} is missing")
        self.out = self.tmp / "out.h5"

    def dump(self, *options: str, config: Path | None = None) -> str:
        """What ``coordnet [--config CONFIG] run FIXTURE -o OUT OPTIONS --dump-config`` prints."""
        before = ["--config", str(config)] if config else []
        result = e2e.run_coordnet_command(
            [*before, "run", self.data, "-o", self.out, *options, "--dump-config"], ranks=1)
        self.assertEqual(result.returncode, e2e.EXIT_OK, e2e.describe(result))
        return result.stdout

    def assert_round_trip(self, *options: str) -> None:
        """Dumps with ``options``, reads the dump back with --config and dumps again: same text."""
        first = self.dump(*options)
        config = self.tmp / "run.toml"
        config.write_text(first)
        self.assertEqual(self.dump(config=config), first)

    def test_defaults_read_back(self) -> None:
        """The dump of the defaults (no --layer-window) reads back unchanged."""
        self.assert_round_trip()

    def test_options_read_back(self) -> None:
        """A dump with layer windows, a layer list and a memory budget reads back unchanged."""
        self.assert_round_trip("--layers", "retweet,hashtag", "--layer-window", "hashtag=5.5",
                               "--layer-window", "retweet=30", "--memory-budget", "512M")

    def test_dumped_config_runs(self) -> None:
        """A run configured only by the dumped defaults succeeds and writes its output."""
        config = self.tmp / "run.toml"
        config.write_text(self.dump())
        result = e2e.run_coordnet_command(
            ["--config", config, "run", self.data, "-o", self.out], ranks=1)
        self.assertEqual(result.returncode, e2e.EXIT_OK, e2e.describe(result))
        self.assertTrue(self.out.is_file())


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


if __name__ == "__main__":
    unittest.main()
