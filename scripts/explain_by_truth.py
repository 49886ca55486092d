#!/usr/bin/env python3
"""Check what coordnet says about its top communities against what ``coordnet generate`` planted.

Reads a result file, the ``truth.csv`` (``account_id,campaign``; -1 organic, accounts in the
generator's order, so a campaign's first account is its organiser) and the ``events.csv`` the
generator wrote. For the ``--top`` communities by ``/communities/rank`` it prints a Markdown
table: the campaigns of the members; ``n_causes`` against the planted causes (the hashtags
posted at least ``--min-posts`` times, at least 90% of them by the members of one campaign:
the generator gives every cause its own hashtag, docs/generator.md); the members' rename counts;
and the organiser's role, hub flag and leader share.
"""

from __future__ import annotations

import argparse
import csv
from collections import Counter, defaultdict
from pathlib import Path

import h5py
import numpy as np


def planted_causes(events: Path, campaign: dict[str, int],
                   min_posts: int) -> dict[int, list[str]]:
    """Hashtags posted mostly (>= 90%) by one campaign's members, by campaign."""
    posters: dict[str, Counter] = defaultdict(Counter)
    with events.open(newline="") as f:
        for row in csv.DictReader(f):
            if row["layer"] == "hashtag":
                posters[row["object_id"]][campaign.get(row["account_id"], -1)] += 1
    out: dict[int, list[str]] = defaultdict(list)
    for tag, by in posters.items():
        owner, n = by.most_common(1)[0]
        if owner >= 0 and n >= min_posts and n >= 0.9 * sum(by.values()):
            out[owner].append(tag)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("result", type=Path)
    parser.add_argument("--truth", type=Path, required=True)
    parser.add_argument("--events", type=Path, required=True)
    parser.add_argument("--top", type=int, default=5)
    parser.add_argument("--min-posts", type=int, default=20)
    args = parser.parse_args()
    campaign: dict[str, int] = {}
    organiser: dict[int, str] = {}
    with args.truth.open(newline="") as f:
        for row in csv.DictReader(f):
            c = int(row["campaign"])
            campaign[row["account_id"]] = c
            if c >= 0:
                organiser.setdefault(c, row["account_id"])
    causes = planted_causes(args.events, campaign, args.min_posts)
    with h5py.File(args.result, "r") as f:
        ids = [s.decode() for s in f["/accounts/id"][()]]
        row_of = {a: i for i, a in enumerate(ids)}
        acc = {name: f[f"/accounts/{name}"][()] for name in
               ("community", "n_renames", "role", "is_hub", "leader_share")}
        com = {name: f[f"/communities/{name}"][()] for name in
               ("rank", "n_causes", "score", "score_excess")}
    print("| rank | community | members (campaign: count) | n_causes | planted causes | "
          "renames per member (renames: count) | organiser: role, hub, leader_share | score | "
          "score_excess |")
    print("|---" * 9 + "|")
    for c in np.argsort(com["rank"])[:args.top]:
        members = np.flatnonzero(acc["community"] == c)
        camps = Counter(campaign.get(ids[m], -1) for m in members)
        main_campaign = camps.most_common(1)[0][0]
        renames = Counter(int(acc["n_renames"][m]) for m in members)
        boss = row_of.get(organiser.get(main_campaign, ""), -1)
        boss_text = "-"
        if boss >= 0 and acc["community"][boss] == c:
            boss_text = (f"{acc['role'][boss].decode()}, {int(acc['is_hub'][boss])}, "
                         f"{acc['leader_share'][boss]:.2f}")
        print(f"| {com['rank'][c]} | {c} | {dict(camps.most_common())} | {com['n_causes'][c]} | "
              f"{', '.join(sorted(causes.get(main_campaign, [])))} | "
              f"{dict(sorted(renames.items()))} | {boss_text} | {com['score'][c]:.4f} | "
              f"{com['score_excess'][c]:.5f} |")


if __name__ == "__main__":
    main()
