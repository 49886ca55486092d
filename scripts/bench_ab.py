#!/usr/bin/env python3
"""A/B benchmark of coordnet binaries' co-action engine, from the raw file to reduced edges.

Per repetition, interleaved so that the noise of a shared machine hits all alike: every binary at
every rank count runs ``coordnet run FILE --window W --min-weight M [options after --]``. The
figures come from the output file's ``stages`` attribute (bench.py's read_stages), never from the
log, where the evidence keys' re-read of the inputs shows as a stage of its own
(``evidence_keys.ingest``: earlier scripts that took the log's last ``stage ingest`` line timed
that re-read instead of the run's ingest; docs/benchmarks.md, session 25).

Reports per binary and rank count the medians of: ingest, accounts and project (every layer's
``project_<layer>`` stage summed), raw file to edges (their sum) and actions/s per rank over it,
pair emissions/s per rank, each part of the projection on its slowest rank (the stage counts
``<part>_ms_max``), the peak RSS per rank over all stages; and whether every run gave the
datasets of the first binary's first run (run metadata groups aside).

Usage: scripts/bench_ab.py --a OLD --b NEW [NEW2 ...] --input FILE [--ranks 2] [--repeat 3]
       [-- coordnet run options, e.g. --layers retweet]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

import h5py
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench  # noqa: E402

# Groups whose datasets describe the run (times, paths), not its results.
RUN_METADATA = ("run", "provenance", "metrics", "timing")


def datasets(h5: Path) -> dict[str, Any]:
    """Every result dataset of an output file, by path."""
    out: dict[str, Any] = {}
    with h5py.File(h5, "r") as f:
        def visit(name: str, obj: Any) -> None:
            if isinstance(obj, h5py.Dataset) and name.split("/")[0] not in RUN_METADATA:
                out[name] = obj[()]
        f.visititems(visit)
    return out


def same_datasets(a: dict[str, Any], b: dict[str, Any]) -> list[str]:
    """The paths whose datasets differ (or exist in one only)."""
    def equal(x: Any, y: Any) -> bool:
        try:
            return bool(np.array_equal(x, y, equal_nan=True))
        except TypeError:
            return bool(np.array_equal(x, y))
    return [k for k in sorted(set(a) | set(b)) if k not in a or k not in b or not equal(a[k], b[k])]


def run_once(args: argparse.Namespace, binary: Path, ranks: int, out: Path) -> dict[str, float]:
    """One run; its figures from the stages attribute."""
    env = dict(os.environ)
    if os.geteuid() == 0:
        env.update(OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
    cmd = [args.mpiexec, "--oversubscribe", "-np", str(ranks), str(binary), "run", str(args.input),
           "-o", str(out), "--window", str(args.window), "--min-weight", str(args.min_weight),
           *args.coordnet_args]
    subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True,
                   timeout=args.run_timeout)
    stages, _ = bench.read_stages(out)
    layers = [v for k, v in stages.items() if k.startswith("project_")]
    figures = {
        "ingest": stages["ingest"]["seconds_max"],
        "accounts": stages.get("accounts", {}).get("seconds_max", 0.0),
        "project": sum(s["seconds_max"] for s in layers),
        "peak MiB": max(s["peak_rss_mib_max"] for s in stages.values()),
    }
    figures["raw to edges"] = figures["ingest"] + figures["accounts"] + figures["project"]
    actions = sum(s.get("actions", 0) for s in layers)
    pairs = sum(s.get("candidate_pairs", 0) for s in layers)
    figures["M actions/s/rank"] = actions / figures["raw to edges"] / ranks / 1e6
    figures["M emissions/s/rank"] = pairs / figures["project"] / ranks / 1e6
    for layer in layers:
        for key, value in layer.items():
            if key.endswith("_ms_max"):
                part = key.removesuffix("_ms_max")
                figures[part] = figures.get(part, 0.0) + value / 1000.0
    return figures


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    ap.add_argument("--a", type=Path, required=True, help="the baseline coordnet binary")
    ap.add_argument("--b", type=Path, nargs="+", required=True, help="candidate binaries")
    ap.add_argument("--input", type=Path, required=True, help="events CSV (best in /dev/shm)")
    ap.add_argument("--ranks", default="2", help="comma-separated rank counts")
    ap.add_argument("--repeat", type=int, default=3, help="interleaved runs per configuration")
    ap.add_argument("--window", type=float, default=60.0, help="coordnet --window (s)")
    ap.add_argument("--min-weight", type=int, default=3, help="coordnet --min-weight")
    ap.add_argument("--out-dir", type=Path, default=Path("/tmp"), help="where outputs go")
    ap.add_argument("--run-timeout", type=float, default=1800.0, help="seconds per run")
    ap.add_argument("--mpiexec", default="mpiexec", help="MPI launcher")
    ap.add_argument("coordnet_args", nargs="*", help="extra arguments for coordnet run (after --)")
    return ap.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    binaries = {"A": args.a.resolve()}
    binaries.update({chr(ord("B") + i): b.resolve() for i, b in enumerate(args.b)})
    rank_counts = [int(r) for r in args.ranks.split(",")]
    runs: dict[tuple[str, int], list[dict[str, float]]] = {}
    reference: dict[str, Any] | None = None
    differing: dict[tuple[str, int], list[str]] = {}
    for rep in range(args.repeat):
        for ranks in rank_counts:
            for tag, binary in binaries.items():
                out = args.out_dir / f"bench_ab_{tag}_np{ranks}.h5"
                figures = run_once(args, binary, ranks, out)
                runs.setdefault((tag, ranks), []).append(figures)
                got = datasets(out)
                if reference is None:
                    reference = got
                diff = same_datasets(reference, got)
                if diff:
                    differing.setdefault((tag, ranks), diff)
                out.unlink()
                bench.log(f"rep {rep} np={ranks} {tag}: raw to edges {figures['raw to edges']:.2f} s "
                          f"(ingest {figures['ingest']:.2f}, accounts {figures['accounts']:.2f}, "
                          f"project {figures['project']:.2f})")
    print(f"input: {args.input}; {args.repeat} interleaved runs; medians, seconds")
    for tag, binary in binaries.items():
        print(f"  {tag}: {binary}")
    columns = list(next(iter(runs.values()))[0])
    print("| binary, ranks | " + " | ".join(columns) + " | same datasets as A |")
    print("|---|" + "---:|" * len(columns) + "---|")
    for (tag, ranks), figures in runs.items():
        medians = [statistics.median(f.get(c, 0.0) for f in figures) for c in columns]
        same = "yes" if (tag, ranks) not in differing else ", ".join(differing[(tag, ranks)][:5])
        print(f"| {tag}, {ranks} | " + " | ".join(f"{m:.3f}" for m in medians) + f" | {same} |")
    return 1 if differing else 0


if __name__ == "__main__":
    sys.exit(main())
