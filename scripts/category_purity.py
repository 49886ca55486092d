#!/usr/bin/env python3
"""Purity of flagged communities by account category (docs/detection.md, IRA data).

Reads ``/accounts/id``, ``/accounts/community`` and ``/accounts/flagged`` of a coordnet result
and a labels CSV (``account_id`` and a category column, e.g. the Clemson ``account_category`` of
../shared/data/russian-troll-tweets-by-author), and prints, over the flagged accounts of each
flagged community, the majority category, the weighted purity (the share of flagged accounts
that carry their community's majority category) and the confusion table (flagged communities x
categories, counts of flagged accounts).

Usage: scripts/category_purity.py RESULT.h5 --labels ACCOUNTS.csv [--column account_category]
"""

from __future__ import annotations

import argparse
import csv
from collections import Counter

import h5py


def flagged_by_community(result: str, labels: dict[str, str]) -> dict[int, Counter[str]]:
    """Per flagged community, the categories of its flagged accounts (counts)."""
    with h5py.File(result, "r") as f:
        ids = [x.decode() for x in f["/accounts/id"][:]]
        community = f["/accounts/community"][:]
        flagged = f["/accounts/flagged"][:]
    by_community: dict[int, Counter[str]] = {}
    for account, c, x in zip(ids, community, flagged):
        if x:
            by_community.setdefault(int(c), Counter())[labels.get(account, "unlabelled")] += 1
    return by_community


def weighted_purity(by_community: dict[int, Counter[str]]) -> float:
    """The share of flagged accounts that carry their community's majority category."""
    total = sum(sum(c.values()) for c in by_community.values())
    majority = sum(c.most_common(1)[0][1] for c in by_community.values())
    return majority / total if total else 0.0


def read_labels(path: str, column: str = "account_category") -> dict[str, str]:
    """account_id -> category."""
    with open(path, newline="") as f:
        return {r["account_id"]: r[column] for r in csv.DictReader(f)}


def main() -> None:
    """Prints the weighted purity and the confusion table as Markdown."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("result")
    parser.add_argument("--labels", required=True)
    parser.add_argument("--column", default="account_category")
    args = parser.parse_args()
    by_community = flagged_by_community(args.result, read_labels(args.labels, args.column))
    categories = sorted({cat for counts in by_community.values() for cat in counts})
    total = sum(sum(c.values()) for c in by_community.values())
    print(f"flagged accounts: {total} in {len(by_community)} communities; weighted purity "
          f"{weighted_purity(by_community):.4f}\n")
    print("| community | " + " | ".join(categories) + " | majority |")
    print("|---" * (len(categories) + 2) + "|")
    for c in sorted(by_community, key=lambda k: -sum(by_community[k].values())):
        counts = by_community[c]
        print(f"| {c} | " + " | ".join(str(counts.get(cat, 0)) for cat in categories) +
              f" | {counts.most_common(1)[0][0]} |")


if __name__ == "__main__":
    main()
