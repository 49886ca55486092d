#!/usr/bin/env python3
"""Scores the naive CooRTweet-style baseline of docs/detection.md against a truth file.

The baseline is ``coordnet run --compat coortweet --min-participation 2 --edge-weight-quantile
0.5`` (fixed window, min participation 2, weight above the median): an account is flagged when
it has at least one edge above the weight threshold in some layer
(``/edges_by_layer/<layer>/weight_threshold`` = 1), i.e. it is in CooRTweet's coordinated graph.
Metrics as ``coordnet evaluate`` computes them (docs/evaluation.md): campaign members are the
positives; truth accounts absent from the result are not flagged.

Usage: scripts/baseline_eval.py RESULT.h5 --truth TRUTH.csv
"""

from __future__ import annotations

import argparse
import csv
import json

import h5py
import numpy as np


def baseline_flagged(path: str) -> set[str]:
    """Account ids with an edge above the weight threshold in any layer."""
    with h5py.File(path, "r") as f:
        ids = [x.decode() for x in f["/accounts/id"][:]]
        flagged = np.zeros(len(ids), dtype=bool)
        for layer in f["/edges_by_layer"].values():
            above = layer["weight_threshold"][:] == 1
            flagged[layer["src"][:][above]] = True
            flagged[layer["dst"][:][above]] = True
    return {a for a, x in zip(ids, flagged) if x}


def main() -> None:
    """Prints precision, recall, F1 and false-positive rate as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("result")
    parser.add_argument("--truth", required=True)
    args = parser.parse_args()
    with open(args.truth, newline="") as f:
        truth = {r["account_id"]: r["campaign"] not in ("", "-1") for r in csv.DictReader(f)}
    flagged = baseline_flagged(args.result)
    accounts = set(truth) | flagged
    tp = sum(1 for a in accounts if truth.get(a, False) and a in flagged)
    fp = sum(1 for a in accounts if not truth.get(a, False) and a in flagged)
    fn = sum(1 for a in accounts if truth.get(a, False) and a not in flagged)
    tn = len(accounts) - tp - fp - fn
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    fpr = fp / (fp + tn) if fp + tn else 0.0
    print(json.dumps({"precision": precision, "recall": recall, "f1": f1,
                      "false_positive_rate": fpr, "true_positives": tp, "false_positives": fp,
                      "false_negatives": fn, "true_negatives": tn}))


if __name__ == "__main__":
    main()
