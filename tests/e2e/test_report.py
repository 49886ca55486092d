"""End-to-end test of scripts/report.py: the HTML report of a result renders with its plots.

Runs the script on the h5py fixture (result_fixture.py, with the analysis datasets) and on a real
``coordnet run`` output, checks the page's content and images, and renders it in headless
Chromium (Debian ``chromium``; skipped with a message when it is absent) to check the screenshot
is not blank.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

import h5py
import matplotlib.image
import numpy as np

import coordnet_e2e as e2e
import result_fixture as fx

REPORT = e2e.REPO_ROOT / "scripts" / "report.py"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def load_report_module():
    """scripts/report.py as a module, for its functions."""
    spec = importlib.util.spec_from_file_location("report", REPORT)
    module = importlib.util.module_from_spec(spec)
    sys.modules["report"] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def make_report(test: unittest.TestCase, result: Path, out: Path) -> str:
    """Runs report.py, fails ``test`` unless it exits 0; returns index.html's text."""
    run = subprocess.run([sys.executable, REPORT, result, "-o", out], capture_output=True,
                         text=True, timeout=300)
    test.assertEqual(run.returncode, 0, f"{run.stdout}\n{run.stderr}")
    return (out / "index.html").read_text(encoding="utf-8")


def screenshot(page: Path, png: Path) -> None:
    """Renders ``page`` with headless Chromium into ``png`` (1200 x 2000)."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        raise unittest.SkipTest("chromium is absent (scripts/install-deps.sh --test installs it)")
    with tempfile.TemporaryDirectory(prefix="coordnet-chromium-") as profile:
        subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu",
                        "--disable-background-networking", "--disable-component-update",
                        "--disable-sync", "--no-first-run", f"--user-data-dir={profile}",
                        f"--screenshot={png}", "--window-size=1200,2000", page.as_uri()],
                       capture_output=True, timeout=180, check=False)


class Report(unittest.TestCase):
    def setUp(self):
        self.work = e2e.make_temp_dir(self)

    def check_images(self, html: str, out: Path) -> list[str]:
        images = re.findall(r'<img src="([^"]+)"', html)
        for name in images:
            self.assertTrue((out / name).read_bytes().startswith(PNG_SIGNATURE), name)
        return images

    def test_fixture_report(self):
        result, out = self.work / "fixture.h5", self.work / "report"
        fx.write_fixture(result)
        html = make_report(self, result, out)
        images = self.check_images(html, out)
        self.assertEqual(sorted(images), ["delays.png", "distributions.png", "layers.png",
                                          "timeline_0.png", "timeline_1.png", "timeline_2.png"])
        self.assertIn("Top 3 communities (by rank)", html)
        self.assertIn("<td>wrong_field_count</td><td>1</td>", html)
        self.assertIn("<th>density</th>", html)
        self.assertIn("<td>#vote</td>", html)
        self.assertIn("<td>2023-11-14 22:13:20Z</td>", html)  # evidence first_ms as a time
        self.assertNotIn("excess_null", html)  # not one value per community
        # Communities 0 and 1 have kept actions: a raster of them; 2 falls back to edge spans.
        self.assertIn("<p>One row per member, one mark per action (8 actions kept", html)
        self.assertIn("<p>One row per member, one mark per action (3 actions kept", html)
        self.assertEqual(html.count("<p>Co-action spans"), 1)
        self.assertFalse(list(out.glob("*.tmp")))
        shot = self.work / "shot.png"
        screenshot(out / "index.html", shot)
        pixels = matplotlib.image.imread(shot)
        self.assertEqual(pixels.shape[:2], (2000, 1200))
        self.assertGreater(float(pixels[..., :3].std()), 0.05, "the screenshot is blank")

    def test_real_run_report(self):
        result, out = self.work / "real.h5", self.work / "report"
        e2e.run_ok(self, [e2e.test_data_dir() / "events_small.csv"], result, "-q")
        html = make_report(self, result, out)
        self.assertIn("timeline_0.png", self.check_images(html, out))
        self.assertIn("one mark per action", html)
        # A run writes /communities/rank; 5 communities: 2 bound by co-action beyond chance, and 3
        # accounts alone whose edges chance explains (clustering on excess, docs/detection.md §3).
        self.assertIn("Top 5 communities (by rank)", html)

    def test_chance_timing_baseline(self):
        """The delay plot's null: mean of `count` delays uniform in the window, seeded."""
        report = load_report_module()
        result = self.work / "fixture.h5"
        fx.write_fixture(result)
        with h5py.File(result, "r") as f:
            self.assertEqual(report.common_window_s(f), 60.0)  # from the configuration
        counts = np.array([1] * 20000 + [4] * 20000 + [1000] * 2000)
        means = report.chance_mean_delays(counts, 60.0)
        np.testing.assert_array_equal(means, report.chance_mean_delays(counts, 60.0))
        ones, fours, many = means[:20000], means[20000:40000], means[40000:]
        self.assertTrue(((ones >= 0) & (ones <= 60)).all())
        for sample, sd in ((ones, 60 / np.sqrt(12)), (fours, 60 / np.sqrt(48)),
                           (many, 60 / np.sqrt(12000))):
            self.assertAlmostEqual(float(sample.mean()), 30.0, delta=4 * sd / np.sqrt(sample.size))
            self.assertAlmostEqual(float(sample.std()), sd, delta=0.05 * sd)

    def test_missing_or_bad_file(self):
        run = subprocess.run([sys.executable, REPORT, self.work / "absent.h5", "-o",
                              self.work / "r"], capture_output=True, text=True, timeout=60)
        self.assertEqual(run.returncode, 74)
        self.assertIn("cannot open", run.stderr)
        text = self.work / "text.h5"
        text.write_text("object_id,account_id\n")
        run = subprocess.run([sys.executable, REPORT, text, "-o", self.work / "r"],
                             capture_output=True, text=True, timeout=60)
        self.assertEqual(run.returncode, 65, run.stderr)
        self.assertIn("text.h5", run.stderr)


if __name__ == "__main__":
    unittest.main()
