#!/usr/bin/env python3
"""Benchmark ``coordnet generate``: actions per second at several rank counts, median of runs.

Runs ``mpiexec -np N coordnet generate --out-dir DIR --actions A [--format F]`` ``--repeat``
times per rank count, interleaved so that the noise of a shared machine hits every rank count
alike, and reports per configuration the medians of:

* **actions/s** = actions written / generation seconds, both from generate's last log line
  (the seconds run from the start of generation to the last rename, slowest rank);
* **wall s** = mpiexec start to exit, measured here;
* **CPU s** = user + system seconds of the ranks (mpiexec's children), of which **sys s** in
  the kernel, and CPU s / wall s / ranks: below 1 when the ranks did not get a core each.

With ``--baseline OTHER_BINARY`` every run is paired with a run of the other binary (an A/B:
the order alternates from one repetition to the next), the table has a row per binary and rank
count, and the median ratio of the rates of the pairs (binary / baseline) is printed.

The output folder is removed before every run, so every run writes its files anew (to the page
cache). Prints a Markdown table and writes the runs as JSON (``--json``).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
RATE = re.compile(r"generated \d+ posts, (\d+) actions.*?in ([0-9.]+) s \(", re.DOTALL)


def children_cpu_s() -> float:
    """User + system CPU seconds of all finished child processes."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def children_sys_s() -> float:
    """System CPU seconds of all finished child processes."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_stime


def run_once(args: argparse.Namespace, binary: Path, ranks: int) -> dict[str, Any]:
    """One generate run of `binary`; returns its figures."""
    shutil.rmtree(args.out_dir, ignore_errors=True)
    env = dict(os.environ)
    if os.geteuid() == 0:
        env.update(OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
    cmd = [args.mpiexec, "--oversubscribe", "-np", str(ranks), str(binary), "generate",
           "--out-dir", str(args.out_dir), "--actions", str(args.actions), "--format",
           args.format, "--scenario", args.scenario]
    load = os.getloadavg()[0]
    cpu_before, sys_before = children_cpu_s(), children_sys_s()
    start = time.perf_counter()
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True)
    wall = time.perf_counter() - start
    cpu, sys_s = children_cpu_s() - cpu_before, children_sys_s() - sys_before
    match = RATE.search(done.stdout + done.stderr)
    if not match:
        raise SystemExit(f"bench_generate: no summary line in the output of {' '.join(cmd)}")
    actions, seconds = int(match.group(1)), float(match.group(2))
    return {"binary": str(binary), "ranks": ranks, "load_avg_1min_before": load,
            "actions": actions, "generate_s": seconds, "actions_per_s": actions / seconds,
            "wall_s": wall, "cpu_s": cpu, "sys_s": sys_s, "cpu_per_rank": cpu / wall / ranks}


def main(argv: list[str] | None = None) -> int:
    """Entry point."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    ap.add_argument("--binary", type=Path, default=REPO / "build/release/pipeline/coordnet")
    ap.add_argument("--baseline", type=Path, help="another coordnet binary to pair every run with")
    ap.add_argument("--mpiexec", default="mpiexec")
    ap.add_argument("--out-dir", type=Path, default=REPO / "build/bench-generate")
    ap.add_argument("--actions", type=int, default=10_000_000)
    ap.add_argument("--format", default="events", choices=["events", "io-archive", "both"])
    ap.add_argument("--scenario", default="default", choices=["default", "hard", "viral"])
    ap.add_argument("--ranks", default="1,2", help="comma-separated rank counts")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--json", type=Path, help="write every run as JSON here")
    args = ap.parse_args(argv)

    rank_counts = [int(r) for r in args.ranks.split(",")]
    binaries = [args.binary] + ([args.baseline] if args.baseline else [])
    runs = [run_once(args, binary, ranks) for rep in range(args.repeat) for ranks in rank_counts
            for binary in (binaries if rep % 2 == 0 else binaries[::-1])]
    shutil.rmtree(args.out_dir, ignore_errors=True)
    print("| binary | ranks | actions | M actions/s | wall s | CPU s | sys s | CPU core/rank "
          "| load before |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for ranks in rank_counts:
        for binary in binaries:
            mine = [r for r in runs if r["ranks"] == ranks and r["binary"] == str(binary)]
            med = {k: statistics.median(r[k] for r in mine)
                   for k in ("actions_per_s", "wall_s", "cpu_s", "sys_s", "cpu_per_rank",
                             "load_avg_1min_before")}
            singles = ", ".join(f"{r['actions_per_s'] / 1e6:.2f}" for r in mine)
            print(f"| {binary} | {ranks} | {mine[0]['actions']:,} | "
                  f"{med['actions_per_s'] / 1e6:.2f} ({singles}) | {med['wall_s']:.2f} | "
                  f"{med['cpu_s']:.2f} | {med['sys_s']:.2f} | {med['cpu_per_rank']:.2f} | "
                  f"{med['load_avg_1min_before']:.1f} |")
    if args.baseline:
        for ranks in rank_counts:
            rates = {str(b): [r["actions_per_s"] for r in runs
                              if r["ranks"] == ranks and r["binary"] == str(b)]
                     for b in binaries}
            ratios = [x / y for x, y in zip(rates[str(args.binary)], rates[str(args.baseline)])]
            singles = ", ".join(f"{q:.2f}" for q in ratios)
            print(f"{ranks} rank(s): rate of {args.binary} / {args.baseline} per repetition "
                  f"{singles}; median {statistics.median(ratios):.2f}")
    if args.json:
        args.json.write_text(json.dumps(runs, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
