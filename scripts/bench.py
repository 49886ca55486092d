#!/usr/bin/env python3
"""Benchmark coordnet's ingest and projection at several rank counts on a >= 1 GB events CSV.

What is measured (figures read from the output file's root attribute ``stages``, TOML with a
table per stage: seconds_min/max/mean, peak_rss_mib_min/max/mean and counts):

* **ingest MB/s per rank** = ingest ``bytes`` / ingest ``seconds_max`` / ranks (MB = 10^6 bytes).
  The stage ends when its slowest rank ends, so seconds_max is the stage's wall time; bytes over
  it is the aggregate rate, and dividing by the ranks gives what one rank (one core) sustains,
  the figure the target (>= 300 MB/s per rank) is stated in. Perfect scaling keeps it constant
  as ranks grow.
* **projection pairs/s** = project ``candidate_pairs`` / project ``seconds_max`` (aggregate over
  ranks; candidate pairs are the action pairs of a key inside the window, the kernel's work).
  The project stage includes the shuffle of actions to key owners, their sort, the sweep, the
  local sort-reduce, the shuffle of pair partials and the final reduce.
* **actions/s per rank, raw to edges** = project ``actions`` / (ingest + accounts + project
  ``seconds_max``) / ranks: from the raw file to the reduced edges of every projected layer, the
  unit of the co-action target (>= 3M actions/s per rank at window 60 s).
* **emissions/s per rank** = project ``candidate_pairs`` / project ``seconds_max`` / ranks: the
  co-actions (pair emissions) one rank turns into reduced edges per second (target >= 50M).
* **peak RSS per rank** = the largest ``peak_rss_mib_max`` of all stages (getrusage maxrss of the
  worst rank); **wall** = mpiexec start to exit, measured here; the write stage's time is read
  from the log (the attribute is written before that stage ends).
* **CPU core/rank** = CPU seconds of the ranks / wall / ranks: below 1 when the ranks did not get
  a core each (a shared machine). MPI ranks that wait in a collective busy-poll, so waiting
  counts as CPU time too.

Baselines, measured in the same session and interleaved with the runs so that the noise of a
shared machine hits all of them alike: ``cat FILE > /dev/null`` and ``wc -l FILE`` (one core
reading the file from the page cache), the raw read speed a parser is compared against.

Every configuration runs ``--repeat`` times; the medians are reported. The input is generated
once with scripts/make_sample.py into the cache directory and reused (its name holds the rows
and seed), unless ``--input FILE`` names an events CSV (for example one written by ``coordnet
generate --scenario viral``). The file is read from the page cache after a warm-up read (it fits
in memory), so the figures are CPU figures, not disk figures.

Writes the results as JSON (CACHE/results-<date>.json, also printed) and a Markdown table.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import resource
import statistics
import subprocess
import sys
import time
import tomllib
from pathlib import Path
from typing import Any

import h5py

REPO = Path(__file__).resolve().parent.parent
BYTES_PER_ROW_ESTIMATE = 77.5  # make_sample.py's mean row length with its default options
TARGET_MB_S_PER_RANK = 300.0
MEDIAN_KEYS = ("wall_s", "cpu_per_rank", "ingest_s", "ingest_mb_s_per_rank", "accounts_s",
               "project_s", "candidate_pairs", "edges", "pairs_per_s", "write_s",
               "peak_rss_mib_per_rank", "actions_per_s_per_rank", "emissions_per_s_per_rank")


def log(message: str) -> None:
    """Progress line on stderr (stdout carries the results)."""
    print(f"bench: {message}", file=sys.stderr, flush=True)


def ensure_input(args: argparse.Namespace) -> tuple[Path, int]:
    """Generates the benchmark CSV into the cache directory unless it is there already (or
    returns --input and its rows)."""
    if args.input is not None:
        with open(args.input, "rb") as f:
            rows = sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 24), b"")) - 1
        return args.input.resolve(), rows
    rows = args.rows or int(args.gb * 1e9 / BYTES_PER_ROW_ESTIMATE * 1.01)
    path = args.cache_dir / f"events-r{rows}-s{args.seed}.csv"
    if path.exists():
        log(f"reusing {path} ({path.stat().st_size / 1e9:.2f} GB)")
    else:
        log(f"generating {path} ({rows} rows) ...")
        subprocess.run([sys.executable, str(REPO / "scripts" / "make_sample.py"), "--rows",
                        str(rows), "--seed", str(args.seed), "--out", str(path)], check=True)
    size = path.stat().st_size
    if size < args.gb * 1e9 * 0.999:
        log(f"warning: {path} has {size / 1e9:.2f} GB, less than --gb {args.gb}")
    return path, rows


def timed(cmd: list[str], stdout: Any = subprocess.DEVNULL, env: dict[str, str] | None = None,
          stderr: Any = None, timeout: float | None = None) -> float:
    """Runs a command to completion and returns its wall time in seconds."""
    start = time.perf_counter()
    subprocess.run(cmd, stdout=stdout, stderr=stderr, env=env, check=True, timeout=timeout)
    return time.perf_counter() - start


def children_cpu_s() -> float:
    """User + system CPU seconds of all finished child processes (the ranks are mpiexec's
    children, mpiexec ours), so a run's CPU time over its wall time and ranks tells how much of
    a core each rank got on a shared machine."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def parse_stages(text: str) -> dict[str, dict[str, float]]:
    """The ``stages`` attribute (TOML: one table per stage) as nested dicts."""
    return tomllib.loads(text)


def read_stages(h5: Path) -> tuple[dict[str, dict[str, float]], dict[str, str]]:
    """Stage figures and a few identifying attributes of a result file."""
    with h5py.File(h5, "r") as f:
        def attr(name: str) -> str:
            value = f.attrs.get(name, b"")
            return value.decode() if isinstance(value, bytes) else str(value)

        return parse_stages(attr("stages")), {k: attr(k) for k in ("version", "git_sha", "created")}


def run_coordnet(args: argparse.Namespace, data: Path, ranks: int, rep: int) -> dict[str, Any]:
    """One mpiexec run; returns the per-run figures."""
    out = args.cache_dir / f"run-np{ranks}.h5"
    log_path = args.cache_dir / f"run-np{ranks}-{rep}.log"
    env = dict(os.environ)
    if os.geteuid() == 0:
        env.update(OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
    cmd = [args.mpiexec, "--oversubscribe", "-np", str(ranks), str(args.binary), "run", str(data),
           "-o", str(out), "--window", str(args.window), "--min-weight", str(args.min_weight)]
    if args.block_pairs > 0:
        cmd += ["--block-pairs", str(args.block_pairs)]
    cmd += args.coordnet_args
    load = os.getloadavg()[0]
    before = children_cpu_s()
    with open(log_path, "w") as log_file:
        wall = timed(cmd, env=env, stderr=log_file, timeout=args.run_timeout)
    cpu = children_cpu_s() - before
    stages, ident = read_stages(out)
    out.unlink()
    # The write stage ends after the attribute is written; its time is only in the log.
    write = re.search(r"stage write\s+([0-9.]+)s", log_path.read_text())
    ingest = stages["ingest"]
    # One project_<layer> stage per layer: their times and counts add up.
    layer_stages = [v for k, v in stages.items() if k.startswith("project_")]
    project = {
        "actions": sum(s.get("actions", 0) for s in layer_stages),
        "seconds_max": sum(s["seconds_max"] for s in layer_stages),
        "candidate_pairs": sum(s.get("candidate_pairs", 0) for s in layer_stages),
        "edges": sum(s.get("edges", 0) for s in layer_stages),
    }
    result = {
        "ranks": ranks,
        "command": " ".join(cmd),
        "load_avg_1min_before": load,
        "wall_s": wall,
        "cpu_s": cpu,
        "cpu_per_rank": cpu / wall / ranks,
        "ingest_s": ingest["seconds_max"],
        "ingest_bytes": int(ingest["bytes"]),
        "records": int(ingest["records"]),
        "ingest_mb_s_per_rank": ingest["bytes"] / 1e6 / ingest["seconds_max"] / ranks,
        "accounts_s": stages.get("accounts", {}).get("seconds_max", 0.0),
        "project_s": project["seconds_max"],
        "candidate_pairs": int(project["candidate_pairs"]),
        "edges": int(project["edges"]),
        "pairs_per_s": project["candidate_pairs"] / project["seconds_max"],
        "actions_per_s_per_rank": project["actions"] / ranks / (
            ingest["seconds_max"] + stages.get("accounts", {}).get("seconds_max", 0.0)
            + project["seconds_max"]),
        "emissions_per_s_per_rank": project["candidate_pairs"] / project["seconds_max"] / ranks,
        "write_s": float(write.group(1)) if write else float("nan"),
        "peak_rss_mib_per_rank": max(s["peak_rss_mib_max"] for s in stages.values()),
        "stages": stages,
        "log": str(log_path),
        "binary_version": ident["version"],
        "git_sha": ident["git_sha"],
    }
    log(f"np={ranks} rep={rep}: wall {wall:.1f} s, ingest {result['ingest_s']:.2f} s "
        f"({result['ingest_mb_s_per_rank']:.0f} MB/s/rank), project {result['project_s']:.2f} s "
        f"({result['pairs_per_s'] / 1e6:.1f} M pairs/s), "
        f"peak {result['peak_rss_mib_per_rank']:.0f} MiB, "
        f"CPU {result['cpu_per_rank']:.2f} core/rank, load before {load:.1f}")
    return result


def median_of(runs: list[dict[str, Any]], key: str) -> float:
    """Median of one figure over repeats."""
    return statistics.median(r[key] for r in runs)


def machine() -> dict[str, Any]:
    """A description of the machine the benchmark ran on."""
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {"hostname": platform.node(), "cpus": os.cpu_count(), "cpu_model": model,
            "memory_gib": round(mem_gib, 1), "kernel": platform.release(),
            "load_avg_at_start": os.getloadavg()}


def markdown(results: dict[str, Any]) -> str:
    """The results as a Markdown table (medians)."""
    lines = [
        "| configuration | wall s | CPU core/rank | ingest s | ingest MB/s per rank | accounts s "
        "| project s | candidate pairs | pairs/s | edges | write s | peak RSS MiB/rank "
        "| actions/s per rank, raw to edges | emissions/s per rank |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for ranks, cfg in results["coordnet"].items():
        m = cfg["median"]
        lines.append(
            f"| coordnet, {ranks} rank{'s' if int(ranks) > 1 else ''} | {m['wall_s']:.1f} "
            f"| {m['cpu_per_rank']:.2f} | {m['ingest_s']:.2f} | {m['ingest_mb_s_per_rank']:.0f} "
            f"| {m['accounts_s']:.2f} | {m['project_s']:.2f} | {m['candidate_pairs']:.3g} "
            f"| {m['pairs_per_s'] / 1e6:.2f} M | {m['edges']:.0f} | {m['write_s']:.2f} "
            f"| {m['peak_rss_mib_per_rank']:.0f} | {m['actions_per_s_per_rank'] / 1e6:.2f} M "
            f"| {m['emissions_per_s_per_rank'] / 1e6:.2f} M |")
    for b in results["baseline"].values():
        lines.append(f"| baseline `{b['command']}` | {b['median_s']:.2f} | | | "
                     f"{b['median_mb_s']:.0f} (1 process) | | | | | | | | | |")
    return "\n".join(lines)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    ap.add_argument("--binary", type=Path,
                    default=REPO / "build" / "release" / "pipeline" / "coordnet",
                    help="coordnet executable")
    ap.add_argument("--cache-dir", type=Path, default=REPO / "build" / "bench",
                    help="where the input is generated (once) and the results go")
    ap.add_argument("--input", type=Path, default=None,
                    help="benchmark this events CSV instead of generating one")
    ap.add_argument("--gb", type=float, default=1.0, help="input size in GB (10^9 bytes)")
    ap.add_argument("--rows", type=int, default=0, help="input rows (0: from --gb)")
    ap.add_argument("--seed", type=int, default=1, help="seed of the generated input")
    ap.add_argument("--ranks", default="1,2", help="comma-separated rank counts")
    ap.add_argument("--repeat", type=int, default=3, help="runs per configuration (median)")
    ap.add_argument("--window", type=float, default=60.0, help="coordnet --window (s)")
    ap.add_argument("--min-weight", type=int, default=3, help="coordnet --min-weight")
    ap.add_argument("--block-pairs", type=int, default=0,
                    help="coordnet --block-pairs (0: coordnet's default)")
    ap.add_argument("--run-timeout", type=float, default=1800.0,
                    help="seconds before a coordnet run is killed and the benchmark fails")
    ap.add_argument("--mpiexec", default="mpiexec", help="MPI launcher")
    ap.add_argument("--json-out", type=Path,
                    help="results file (default CACHE/results-<date>.json)")
    ap.add_argument("coordnet_args", nargs="*", help="extra arguments for coordnet run (after --)")
    return ap.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Entry point."""
    args = parse_args(argv)
    args.cache_dir = args.cache_dir.resolve()
    args.cache_dir.mkdir(parents=True, exist_ok=True)
    if not args.binary.exists():
        raise SystemExit(f"bench: {args.binary} not found (build it: scripts/bench.sh does)")
    ranks_list = [int(r) for r in args.ranks.split(",") if r]
    if not ranks_list or args.repeat < 1:
        raise SystemExit("bench: need at least one rank count and --repeat >= 1")
    data, rows = ensure_input(args)
    size = data.stat().st_size
    started = dt.datetime.now(dt.timezone.utc)
    host = machine()

    log("warm-up read (page cache)")
    timed(["cat", str(data)])
    baselines = {"cat": ["cat", str(data)], "wc": ["wc", "-l", str(data)]}
    base_times: dict[str, list[float]] = {k: [] for k in baselines}
    runs: dict[int, list[dict[str, Any]]] = {r: [] for r in ranks_list}
    for rep in range(args.repeat):
        for name, cmd in baselines.items():
            base_times[name].append(timed(cmd))
            log(f"baseline {name} rep={rep}: {size / 1e6 / base_times[name][-1]:.0f} MB/s")
        for ranks in ranks_list:
            runs[ranks].append(run_coordnet(args, data, ranks, rep))

    baseline_commands = {"cat": "cat FILE > /dev/null", "wc": "wc -l FILE"}
    results: dict[str, Any] = {
        "date": started.isoformat(timespec="seconds"),
        "machine": host,
        "command": " ".join([Path(sys.argv[0]).name,
                             *(argv if argv is not None else sys.argv[1:])]),
        "binary": str(args.binary),
        "binary_version": runs[ranks_list[0]][0]["binary_version"],
        "input": {"path": str(data), "bytes": size, "rows": rows,
                  "seed": None if args.input else args.seed},
        "coordnet_options": {"window": args.window, "min_weight": args.min_weight,
                             "block_pairs": args.block_pairs or None,
                             "extra": args.coordnet_args},
        "repeat": args.repeat,
        "target_ingest_mb_s_per_rank": TARGET_MB_S_PER_RANK,
        "baseline": {
            name: {"command": baseline_commands[name],
                   "seconds": times,
                   "median_s": statistics.median(times),
                   "median_mb_s": size / 1e6 / statistics.median(times)}
            for name, times in base_times.items()
        },
        "coordnet": {
            str(r): {"median": {k: median_of(runs[r], k) for k in MEDIAN_KEYS}, "runs": runs[r]}
            for r in ranks_list
        },
        "finished": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
    }
    for cfg in results["coordnet"].values():
        cfg["median"]["meets_target"] = (
            cfg["median"]["ingest_mb_s_per_rank"] >= TARGET_MB_S_PER_RANK)
    stamp = started.strftime("%Y-%m-%d-%H%M%S")
    out = args.json_out or args.cache_dir / f"results-{stamp}.json"
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))
    print()
    print(markdown(results))
    print()
    print(f"input: {data} ({size / 1e9:.2f} GB, {rows} rows); results: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
