#!/usr/bin/env python3
"""Compare the profile features of planted campaigns and organic communities.

Reads a coordnet result file and the ``truth.csv`` that ``coordnet generate`` wrote beside its
data (``account_id,campaign``; -1 marks an organic account). Every community with at least
``--min-size`` members is labelled by its members:

* ``campaign``: at least ``--purity`` of them belong to one planted campaign;
* ``organic``: at least ``--purity`` of them are organic;
* ``mixed``: neither.

For each label it prints how many communities there are and the quartiles (25%, median, 75%)
of the profile features of docs/analysis.md ("Profile features"), NaN values left out.
"""

from __future__ import annotations

import argparse
import csv
from collections import Counter
from pathlib import Path

import h5py
import numpy as np

FEATURES = [
    "created_batch_share",
    "created_iqr_days",
    "language_top_share",
    "language_entropy",
    "location_top_share",
    "location_entropy",
]


def read_truth(path: Path) -> dict[bytes, int]:
    """Campaign of every account id (-1 organic)."""
    with path.open(newline="") as f:
        return {row["account_id"].encode(): int(row["campaign"] or -1) for row in csv.DictReader(f)}


def label_communities(
    community: np.ndarray, campaign: np.ndarray, min_size: int, purity: float
) -> dict[int, str]:
    """Label of every community with at least min_size members."""
    labels: dict[int, str] = {}
    order = np.argsort(community, kind="stable")
    bounds = np.flatnonzero(np.diff(community[order])) + 1
    for members in np.split(order, bounds):
        if len(members) < min_size:
            continue
        counts = Counter(campaign[members].tolist())
        organic = counts.pop(-1, 0)
        top = max(counts.values(), default=0)
        if organic >= purity * len(members):
            label = "organic"
        elif top >= purity * len(members):
            label = "campaign"
        else:
            label = "mixed"
        labels[int(community[members[0]])] = label
    return labels


def quartiles(values: np.ndarray) -> str:
    """`q25 / median / q75` of the finite values, or `-` when there are none."""
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return "-"
    q = np.quantile(finite, [0.25, 0.5, 0.75])
    return " / ".join(f"{x:.3g}" for x in q)


def main() -> None:
    """Print the quartiles of the profile features per community label."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("result", type=Path, help="coordnet run result (HDF5)")
    parser.add_argument("--truth", type=Path, required=True, help="truth.csv of coordnet generate")
    parser.add_argument("--min-size", type=int, default=5, help="smallest community listed")
    parser.add_argument("--purity", type=float, default=0.9, help="share that decides a label")
    args = parser.parse_args()

    truth = read_truth(args.truth)
    with h5py.File(args.result, "r") as f:
        ids = f["accounts/id"][:]
        community = f["accounts/community"][:].astype(np.int64)
        features = {name: f["communities/" + name][:] for name in FEATURES}
        tops = {name: f[f"communities/{name}_top"][:] for name in ("language", "location")}
    campaign = np.array([truth.get(i, -1) for i in ids], dtype=np.int64)
    labels = label_communities(community, campaign, args.min_size, args.purity)

    print(f"communities of >= {args.min_size} members, labelled at purity {args.purity}")
    print(f"{'label':<10} {'n':>5}  " + "  ".join(f"{name:>24}" for name in FEATURES))
    for label in ("campaign", "organic", "mixed"):
        rows = np.array(sorted(c for c, l in labels.items() if l == label), dtype=np.int64)
        if rows.size == 0:
            continue
        cells = [quartiles(features[name][rows].astype(float)) for name in FEATURES]
        print(f"{label:<10} {rows.size:>5}  " + "  ".join(f"{c:>24}" for c in cells))
        for name, top in tops.items():
            common = Counter(v.decode(errors="replace") or "(none)" for v in top[rows])
            listed = ", ".join(f"{v} {n}" for v, n in common.most_common(6))
            print(f"{'':<17}{name}_top: {listed}")


if __name__ == "__main__":
    main()
