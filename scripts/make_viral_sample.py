#!/usr/bin/env python3
"""Generate an events CSV with one viral key among ordinary traffic (for the hot-key path).

Output (docs/inputs.md, events CSV)::

    object_id,account_id,content_id,timestamp_share,layer,handle

* The viral key: ``--viral-actions`` hashtag actions (``#viral``, written with mixed case so the
  case folding is exercised) by ``--viral-accounts`` accounts, at times uniform over one day:
  a hashtag pushed into the trends by a farm whose accounts post it again and again.
* Ordinary traffic: ``--organic-actions`` retweets of Zipf-popular tweets by ``--accounts``
  accounts (heavy-tailed activity) over the same day, and a few hashtags of their own.

Timestamps are unix seconds with millisecond fractions. Same arguments give the same bytes.
Uses numpy from Debian's /usr/bin/python3.
"""

from __future__ import annotations

import argparse
import sys

import numpy as np

DAY_START = 1_700_000_000  # 2023-11-14 22:13:20 UTC


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    p.add_argument("--viral-actions", type=int, default=2_000_000)
    p.add_argument("--viral-accounts", type=int, default=5_000)
    p.add_argument("--organic-actions", type=int, default=1_000_000)
    p.add_argument("--accounts", type=int, default=200_000)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("-o", "--out", required=True)
    return p.parse_args()


def write_rows(out, objects, accounts, times_ms, layers, first_content: int) -> None:
    """Writes rows in chunks (content ids are consecutive from first_content)."""
    chunk = 500_000
    for start in range(0, len(objects), chunk):
        stop = min(start + chunk, len(objects))
        lines = [
            f"{objects[i]},a{accounts[i]},c{first_content + i},"
            f"{times_ms[i] // 1000}.{times_ms[i] % 1000:03d},{layers[i]},h{accounts[i]}\n"
            for i in range(start, stop)
        ]
        out.write("".join(lines))


def main() -> int:
    args = parse_args()
    rng = np.random.default_rng(args.seed)
    day_ms = 86_400_000
    with open(args.out, "w", encoding="utf-8") as out:
        out.write("object_id,account_id,content_id,timestamp_share,layer,handle\n")
        n = args.viral_actions
        spellings = np.array(["#Viral", "#viral", "#VIRAL", "viral"])
        write_rows(out, spellings[rng.integers(0, 4, n)],
                   rng.integers(0, args.viral_accounts, n),
                   DAY_START * 1000 + rng.integers(0, day_ms, n), ["hashtag"] * n, 0)
        m = args.organic_actions
        weights = 1.0 / np.arange(1, args.accounts + 1) ** 0.9
        accounts = args.viral_accounts + rng.choice(args.accounts, m, p=weights / weights.sum())
        tweets = rng.zipf(1.6, m) % 200_000
        hashtag = rng.random(m) < 0.1
        objects = np.where(hashtag, np.char.add("#tag", (tweets % 500).astype(str)),
                           np.char.add("t", tweets.astype(str)))
        layers = np.where(hashtag, "hashtag", "retweet")
        write_rows(out, objects, accounts, DAY_START * 1000 + rng.integers(0, day_ms, m), layers, n)
    return 0


if __name__ == "__main__":
    sys.exit(main())
