#!/usr/bin/env python3
"""A/B benchmark of coordnet binaries' community detection, with igraph alongside.

Per repetition, interleaved so that the noise of a shared machine hits all alike: each binary
at each rank count (``coordnet cluster -v`` on the cached graph of bench_cluster.py), then igraph
``community_leiden`` and ``community_multilevel`` (each in its own process). Reports per tool the
median over repetitions of the cluster stage and of its phases as printed by ``-v`` (the largest
value over ranks): building level 0, level-0 local moving, refinement and aggregation, all later
levels, canonical ids with the recomputed modularity; and the process CPU time (user + sys of
mpiexec and its ranks), peak RSS per rank, modularity, NMI, community count and disconnected
communities of the first run, whether every run of a binary (at every rank count) gave the
labels of its first run, and whether those are the labels of the first binary (A).

Usage: scripts/bench_cluster_ab.py --a OLD --b NEW [NEW2 ...] [--n 1000000 --mu 0.3 --repeat 3]
       [--igraph leiden]   (candidates are tagged B, C, ... in the table)
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import h5py
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_cluster as bench  # noqa: E402

PHASES = ["level 0 graph", "moving 0", "refinement 0", "aggregation 0", "levels 1+", "final"]


def phases_of(log: str) -> dict[str, float]:
    """Largest time over ranks of each phase, from the -v lines of the cluster stage."""
    out = {p: 0.0 for p in PHASES}
    for line in log.splitlines():
        level0 = re.search(r"cluster: level 0 on rank \d+: (.*)", line)
        total = re.search(r"cluster: rank \d+: (.*)", line)
        if not (level0 or total):
            continue
        laps = {k: float(v) for v, k in
                ((m.group(2), m.group(1)) for m in
                 re.finditer(r"([a-z0-9 ]+?) ([0-9.]+) s", (level0 or total).group(1)))}
        laps = {k.strip(): v for k, v in laps.items()}
        if level0:
            for key, lap in (("moving 0", "moving"), ("refinement 0", "refinement"),
                             ("aggregation 0", "aggregation")):
                out[key] = max(out[key], laps[lap])
            out["_level0"] = max(out.get("_level0", 0.0), sum(laps.values()))
        else:
            out["level 0 graph"] = max(out["level 0 graph"], laps["level 0 graph"])
            out["_levels"] = max(out.get("_levels", 0.0), laps["levels"])
            out["final"] = max(out["final"],
                               laps["canonical ids"] + laps["recomputed modularity"])
    out["levels 1+"] = out.pop("_levels", 0.0) - out.pop("_level0", 0.0)
    return out


def run(binary: Path, h5: Path, ranks: int, out: Path) -> dict:
    command = ["mpiexec", "--oversubscribe", "--bind-to", "none", "--mca", "mpi_yield_when_idle",
               "1", "-np", str(ranks), str(binary), "cluster", "--edges", str(h5), "-o", str(out),
               "-v"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, check=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    log = result.stdout + result.stderr
    stage = re.search(r"stage cluster\s+([0-9.]+)s .*peak (\d+) MiB", log)
    with h5py.File(out, "r") as f:
        labels = f["/accounts/community"][()].astype(np.int64)
        final = f["/quality/final_modularity"][()]
    return {"seconds": float(stage.group(1)), "wall": wall,
            "cpu": (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime),
            "peak_rss_mib": float(stage.group(2)), "phases": phases_of(log), "labels": labels,
            "own_modularity": float(final[0]), "recomputed_modularity": float(final[1])}


def load_average() -> float:
    return float(Path("/proc/loadavg").read_text().split()[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--a", type=Path, required=True, help="baseline binary")
    parser.add_argument("--b", type=Path, nargs="+", required=True,
                        help="candidate binaries (tagged B, C, ...)")
    parser.add_argument("--cache-dir", type=Path, default=bench.ROOT / "build/bench")
    parser.add_argument("--n", type=int, default=1000000)
    parser.add_argument("--mu", type=float, default=0.3)
    parser.add_argument("--ranks", default="1,2")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--igraph-repeat", type=int, default=3,
                        help="repetitions of igraph (multilevel is slow)")
    parser.add_argument("--igraph", default="leiden,multilevel",
                        help="igraph methods to run alongside (comma-separated; empty: none)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    npz, h5 = bench.cached_graph(args.cache_dir, args.n, args.mu, args.seed)
    graph, planted = bench.load_graph(npz)
    ranks = [int(r) for r in args.ranks.split(",")]
    binaries = [("A", args.a)] + [(chr(ord("B") + i), b) for i, b in enumerate(args.b)]
    methods = [m for m in args.igraph.split(",") if m]
    tools = [f"{tag} np{r}" for tag, _ in binaries for r in ranks]
    runs: dict[str, list[dict]] = {t: [] for t in tools + [f"igraph {m}" for m in methods]}
    loads = []
    for rep in range(args.repeat):
        for r in ranks:
            for tag, binary in binaries:
                loads.append(load_average())
                res = run(binary, h5, r, args.cache_dir / f"ab_{tag}_np{r}.h5")
                runs[f"{tag} np{r}"].append(res)
                print(f"rep {rep} {tag} np{r}: {res['seconds']:.2f} s, cpu {res['cpu']:.2f} s, "
                      f"load {loads[-1]:.1f}", file=sys.stderr, flush=True)
        if rep < args.igraph_repeat:
            for method in methods:
                loads.append(load_average())
                res = bench.run_igraph(npz, method, args.seed + rep)
                res["labels"] = np.array(res["labels"])
                runs[f"igraph {method}"].append(res)
                print(f"rep {rep} igraph {method}: {res['seconds']:.2f} s", file=sys.stderr,
                      flush=True)
    reference = runs[tools[0]][0]["labels"]
    own_first = {tag: runs[f"{tag} np{ranks[0]}"][0]["labels"] for tag, _ in binaries}
    header = ("| tool | " + " | ".join(PHASES) + " | cluster stage (s) | CPU (s) | modularity | "
              "NMI | communities | disconnected | peak RSS/rank (MiB) | same labels in every run | "
              "labels of A |")
    lines = [header, "|" + "---|" * (len(PHASES) + 10)]
    summary = {"n": args.n, "mu": args.mu, "edges": graph.ecount(), "load_min": min(loads),
               "load_max": max(loads), "tools": {}}
    for tool, tool_runs in runs.items():
        if not tool_runs:
            continue
        first = tool_runs[0]
        s = bench.scores(graph, planted, first["labels"])
        median = statistics.median(r["seconds"] for r in tool_runs)
        row = {"seconds_all": [r["seconds"] for r in tool_runs], "seconds_median": median, **s,
               "peak_rss_mib": max(r["peak_rss_mib"] for r in tool_runs)}
        if "phases" in first:
            row["phases"] = {p: statistics.median(r["phases"][p] for r in tool_runs)
                             for p in PHASES}
            row["cpu_median"] = statistics.median(r["cpu"] for r in tool_runs)
            own = own_first[tool.split()[0]]
            row["identical"] = all(np.array_equal(own, r["labels"]) for r in tool_runs)
            row["as_a"] = bool(np.array_equal(reference, own))
            cells = [f"{row['phases'][p]:.2f}" for p in PHASES] + [
                f"{median:.2f}", f"{row['cpu_median']:.2f}"]
            same = ("yes" if row["identical"] else "NO") + " | " + ("yes" if row["as_a"] else "no")
        else:
            cells = [""] * len(PHASES) + [f"{median:.2f}", ""]
            same = " | "
        summary["tools"][tool] = row
        lines.append(f"| {tool} | " + " | ".join(cells) + f" | {s['modularity']:.5f} | "
                     f"{s['nmi']:.4f} | {s['communities']} | {s['disconnected']} | "
                     f"{row['peak_rss_mib']:.0f} | {same} |")
    (args.cache_dir / f"ab-{args.n}-{args.mu}.json").write_text(json.dumps(summary, indent=1))
    print(f"load average {min(loads):.1f}-{max(loads):.1f}")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
