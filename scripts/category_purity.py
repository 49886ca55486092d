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


def main() -> None:
    """Prints the weighted purity and the confusion table as Markdown."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("result")
    parser.add_argument("--labels", required=True)
    parser.add_argument("--column", default="account_category")
    args = parser.parse_args()
    with open(args.labels, newline="") as f:
        label = {r["account_id"]: r[args.column] for r in csv.DictReader(f)}
    with h5py.File(args.result, "r") as f:
        ids = [x.decode() for x in f["/accounts/id"][:]]
        community = f["/accounts/community"][:]
        flagged = f["/accounts/flagged"][:]
    by_community: dict[int, Counter[str]] = {}
    for account, c, x in zip(ids, community, flagged):
        if x:
            by_community.setdefault(int(c), Counter())[label.get(account, "unlabelled")] += 1
    categories = sorted({cat for counts in by_community.values() for cat in counts})
    total = sum(sum(c.values()) for c in by_community.values())
    majority = sum(c.most_common(1)[0][1] for c in by_community.values())
    print(f"flagged accounts: {total} in {len(by_community)} communities; weighted purity "
          f"{majority / total if total else 0:.4f}\n")
    print("| community | " + " | ".join(categories) + " | majority |")
    print("|---" * (len(categories) + 2) + "|")
    for c in sorted(by_community, key=lambda k: -sum(by_community[k].values())):
        counts = by_community[c]
        print(f"| {c} | " + " | ".join(str(counts.get(cat, 0)) for cat in categories) +
              f" | {counts.most_common(1)[0][0]} |")


if __name__ == "__main__":
    main()
