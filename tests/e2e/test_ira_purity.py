"""Flagged communities of real IRA accounts are pure in category (docs/detection.md §6).

Data: ../shared/data/russian-troll-tweets-by-author (Clemson's IRA tweets, 5-7 Oct 2016, every
account labelled by category). With modularity one flagged community mixes 9 RightTroll and 9
LeftTroll accounts; the resolution-limit-free CPM objective at resolution 0.2 flags the same
accounts in communities that are each of one category. Both at 2 ranks.
"""

from __future__ import annotations

import sys
import unittest
from pathlib import Path

import numpy as np

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parents[1] / "scripts"))
import category_purity  # noqa: E402
import coordnet_e2e as e2e  # noqa: E402

SHARES = "russian-troll-tweets-by-author/ira_2016-10-05_to_07_shares.csv"
LABELS = "russian-troll-tweets-by-author/ira_2016-10-05_to_07_accounts.csv"
MAP = ("account=account_id,content=content_id,time=timestamp_share,text=object_id,"
       "hashtag=hashtags[],url=urls[]")


class IraPurityTest(unittest.TestCase):
    """Category purity of the flagged communities under modularity and under CPM."""

    @classmethod
    def setUpClass(cls) -> None:
        """Runs coordnet with each objective."""
        shares = e2e.shared_file_or_skip_test(SHARES)
        cls.labels = category_purity.read_labels(str(e2e.shared_file_or_skip_test(LABELS)))
        tmp = cls.enterClassContext(e2e.temp_dir("coordnet-ira-"))
        cls.outputs = {}
        for name, options in {"modularity": [], "cpm": ["--objective", "cpm",
                                                        "--resolution", "0.2"]}.items():
            out = tmp / f"{name}.h5"
            result = e2e.run_coordnet([shares], out, "--window", "60", "--map", MAP, *options,
                                      ranks=2)
            if result.returncode != 0:
                raise AssertionError(e2e.describe(result))
            cls.outputs[name] = out

    def flagged(self, name: str) -> np.ndarray:
        """The flagged accounts' ids."""
        accounts = e2e.read_accounts(self.outputs[name])
        return np.array(e2e.decode(accounts["id"]))[accounts["flagged"].astype(bool)]

    def test_cpm_communities_are_pure(self) -> None:
        """Under CPM every flagged community holds one category."""
        by_community = category_purity.flagged_by_community(str(self.outputs["cpm"]), self.labels)
        self.assertEqual(category_purity.weighted_purity(by_community), 1.0)
        self.assertEqual(len(by_community), 14)
        self.assertNotIn("unlabelled", {c for counts in by_community.values() for c in counts})

    def test_cpm_flags_the_accounts_modularity_flags(self) -> None:
        """The objective changes how flagged accounts group, not which are flagged (104)."""
        self.assertEqual(self.flagged("modularity").size, 104)
        np.testing.assert_array_equal(np.sort(self.flagged("cpm")),
                                      np.sort(self.flagged("modularity")))

    def test_modularity_mixes_two_personas_in_one_community(self) -> None:
        """Modularity's mixed community: 9 LeftTroll and 9 RightTroll accounts (§6)."""
        by_community = category_purity.flagged_by_community(str(self.outputs["modularity"]),
                                                            self.labels)
        mixed = [c for c in by_community.values() if len(c) > 1]
        self.assertEqual(mixed, [{"LeftTroll": 9, "RightTroll": 9}])


if __name__ == "__main__":
    e2e.require_shared_file(SHARES)
    unittest.main()
