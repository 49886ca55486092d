#!/usr/bin/env python3
"""Benchmark coordnet's community detection against igraph on LFR-like graphs.

Graphs (generated once, cached as ``lfr_n<N>_mu<MU>_s<SEED>.{npz,h5}`` in the cache folder):
power-law degrees (exponent 2.5, mean about 18) and power-law community sizes (exponent 1.5),
each vertex with a fraction ``mu`` of its edge ends outside its planted community; ends are
paired at random inside each community (internal) and over the whole graph (external), then
loops and parallel edges are dropped. It is LFR-like, not LFR: degrees are not re-balanced after
the drops and internal degrees are capped at the community size.

Per graph and repetition, interleaved so that the noise of a shared machine hits all alike:
``coordnet cluster`` at each rank count (``mpiexec -np R``, input the HDF5 /edges file), igraph
``community_multilevel`` and igraph ``community_leiden(objective_function="modularity",
n_iterations=-1)``, each igraph run in its own Python process on the cached graph.

Reported per tool (medians over repetitions for times, the figures of the first run otherwise):
time of the algorithm alone (coordnet: the ``cluster`` stage, max over ranks; igraph: the call),
coordnet's wall time (mpiexec start to exit, with reading and writing), modularity (recomputed
here with igraph from the labels), NMI against the planted partition, community count,
disconnected communities (communities whose members are not connected by edges inside them), and
peak RSS per rank (coordnet: the largest stage peak of the worst rank; igraph: the process peak,
graph included).

Writes CACHE/cluster-<N>-<MU>.json per graph and a Markdown table (printed; with --update-doc
also between the cluster markers of docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import h5py
import igraph as ig
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DOC_BEGIN = "<!-- cluster-bench:begin -->"
DOC_END = "<!-- cluster-bench:end -->"


def power_law(rng: np.random.Generator, n: int, exponent: float, low: float,
              high: float) -> np.ndarray:
    """n integers drawn from a power law with the given exponent, truncated to [low, high]."""
    a = 1.0 - exponent
    u = rng.random(n)
    values = (low ** a + u * (high ** a - low ** a)) ** (1.0 / a)
    return np.floor(values).astype(np.int64)


def pair_stubs(rng: np.random.Generator, stubs: np.ndarray, groups: np.ndarray | None) -> np.ndarray:
    """Random perfect matching of the stubs (inside each group when groups is given)."""
    keys = rng.random(stubs.size)
    order = np.lexsort((keys,)) if groups is None else np.lexsort((keys, groups))
    stubs = stubs[order]
    if groups is not None:
        groups = groups[order]
        # Drop one stub of every group with an odd count so that pairs stay inside groups.
        starts = np.flatnonzero(np.r_[True, groups[1:] != groups[:-1]])
        counts = np.diff(np.r_[starts, groups.size])
        keep = np.ones(stubs.size, dtype=bool)
        keep[starts[counts % 2 == 1]] = False
        stubs = stubs[keep]
    stubs = stubs[: stubs.size // 2 * 2]
    return stubs.reshape(-1, 2)


def generate(n: int, mu: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """An LFR-like graph: (edges as an (m, 2) array with src < dst, planted membership)."""
    rng = np.random.default_rng(seed)
    degree = power_law(rng, n, 2.5, 7, 1500)
    sizes = []
    while sum(sizes) < n:
        sizes.extend(power_law(rng, 1000, 1.5, 60, 6000).tolist())
    sizes = np.array(sizes)
    sizes = sizes[: np.searchsorted(np.cumsum(sizes), n) + 1]
    membership = rng.permutation(np.repeat(np.arange(sizes.size), sizes)[:n])
    size_of = np.bincount(membership)[membership]
    internal = np.minimum(np.round((1 - mu) * degree).astype(np.int64), size_of - 1)
    external = degree - internal
    vertices = np.arange(n)
    inside = pair_stubs(rng, np.repeat(vertices, internal), np.repeat(membership, internal))
    outside = pair_stubs(rng, np.repeat(vertices, external), None)
    edges = np.vstack([inside, outside])
    edges = edges[edges[:, 0] != edges[:, 1]]
    edges.sort(axis=1)
    edges = np.unique(edges, axis=0)
    return edges, membership


def cached_graph(cache: Path, n: int, mu: float, seed: int) -> tuple[Path, Path]:
    """The graph's .npz (edges, membership) and .h5 (/edges for coordnet), generated once."""
    stem = f"lfr_n{n}_mu{mu}_s{seed}"
    npz, h5 = cache / f"{stem}.npz", cache / f"{stem}.h5"
    if not npz.exists() or not h5.exists():
        started = time.perf_counter()
        edges, membership = generate(n, mu, seed)
        np.savez(npz, edges=edges, membership=membership)
        with h5py.File(h5, "w") as f:
            f["/edges/src"] = edges[:, 0].astype(np.uint64)
            f["/edges/dst"] = edges[:, 1].astype(np.uint64)
            f["/edges/weight"] = np.ones(len(edges))
        print(f"generated {npz.name}: {n} vertices, {len(edges)} edges in "
              f"{time.perf_counter() - started:.1f} s", file=sys.stderr)
    return npz, h5


def load_graph(npz: Path) -> tuple[ig.Graph, np.ndarray]:
    data = np.load(npz)
    membership = data["membership"]
    return ig.Graph(n=membership.size, edges=data["edges"]), membership


def disconnected(graph: ig.Graph, labels: np.ndarray) -> int:
    """Communities whose members are not connected by edges inside the community."""
    edges = np.array(graph.get_edgelist())
    inside = edges[labels[edges[:, 0]] == labels[edges[:, 1]]]
    internal = ig.Graph(n=labels.size, edges=inside)
    components = np.array(internal.connected_components().membership)
    pairs = np.unique(np.stack([labels, components], axis=1), axis=0)
    per_label = np.bincount(pairs[:, 0])
    return int((per_label > 1).sum())


def scores(graph: ig.Graph, planted: np.ndarray, labels: np.ndarray) -> dict:
    return {
        "modularity": graph.modularity(labels.tolist()),
        "nmi": ig.compare_communities(planted.tolist(), labels.tolist(), method="nmi"),
        "communities": int(np.unique(labels).size),
        "disconnected": disconnected(graph, labels),
    }


def igraph_child(npz: Path, method: str, seed: int) -> None:
    """Runs one igraph method (in a child process) and prints JSON: seconds, peak RSS, labels."""
    import random
    import resource

    random.seed(seed)
    graph, _ = load_graph(npz)
    started = time.perf_counter()
    if method == "multilevel":
        clustering = graph.community_multilevel()
    else:
        clustering = graph.community_leiden(objective_function="modularity", n_iterations=-1)
    seconds = time.perf_counter() - started
    out = {"seconds": seconds,
           "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
           "labels": clustering.membership}
    print(json.dumps(out))


def run_igraph(npz: Path, method: str, seed: int) -> dict:
    result = subprocess.run([sys.executable, __file__, "--igraph-child", method, "--graph",
                             str(npz), "--seed", str(seed)], capture_output=True, text=True,
                            check=True)
    return json.loads(result.stdout)


def run_coordnet(binary: Path, mpiexec: str, h5: Path, ranks: int, out: Path,
                 extra: list[str]) -> dict:
    # Ranks yield the core while they wait in MPI: on a shared machine a busy-polling rank
    # steals the core its peer needs (measured: 3x slower at 2 ranks under load without it).
    command = [mpiexec, "--oversubscribe", "--bind-to", "none", "--mca", "mpi_yield_when_idle",
               "1", "-np", str(ranks), str(binary), "cluster", "--edges", str(h5), "-o",
               str(out), *extra]
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{result.stdout}\n{result.stderr}")
    with h5py.File(out, "r") as f:
        stages_attr = f.attrs["stages"]
        stages = tomllib.loads(stages_attr.decode() if isinstance(stages_attr, bytes) else
                               str(stages_attr))
        labels = f["/accounts/community"][()].astype(np.int64)
        final = f["/quality/final_modularity"][()]
        levels = len(f["/quality/modularity"])
    return {"seconds": stages["cluster"]["seconds_max"], "wall_seconds": wall,
            "peak_rss_mib": max(s["peak_rss_mib_max"] for s in stages.values()),
            "labels": labels, "own_modularity": float(final[0]),
            "recomputed_modularity": float(final[1]), "levels": levels}


def bench_graph(args: argparse.Namespace, n: int, mu: float) -> dict:
    npz, h5 = cached_graph(args.cache_dir, n, mu, args.seed)
    graph, planted = load_graph(npz)
    tools = [f"coordnet np{r}" for r in args.ranks] + ["igraph multilevel", "igraph leiden"]
    runs: dict[str, list[dict]] = {t: [] for t in tools}
    repeat = args.repeat if n <= args.repeat_below else args.repeat_large
    for rep in range(repeat):
        for r in args.ranks:
            run = run_coordnet(args.binary, args.mpiexec, h5, r,
                               args.cache_dir / f"out_n{n}_mu{mu}_np{r}.h5", args.coordnet_args)
            runs[f"coordnet np{r}"].append(run)
            print(f"n={n} mu={mu} rep {rep}: coordnet np{r} {run['seconds']:.2f} s "
                  f"(wall {run['wall_seconds']:.2f} s)", file=sys.stderr)
        for method in ("multilevel", "leiden"):
            run = run_igraph(npz, method, args.seed + rep)
            run["labels"] = np.array(run["labels"])
            runs[f"igraph {method}"].append(run)
            print(f"n={n} mu={mu} rep {rep}: igraph {method} {run['seconds']:.2f} s",
                  file=sys.stderr)
    summary = {"vertices": n, "edges": graph.ecount(), "mu": mu, "repeat": repeat, "tools": {}}
    for tool, tool_runs in runs.items():
        first = tool_runs[0]
        row = {"seconds_median": statistics.median(r["seconds"] for r in tool_runs),
               "seconds_all": [r["seconds"] for r in tool_runs],
               "peak_rss_mib": max(r["peak_rss_mib"] for r in tool_runs),
               **scores(graph, planted, first["labels"])}
        if tool.startswith("coordnet"):
            row["wall_seconds_median"] = statistics.median(r["wall_seconds"] for r in tool_runs)
            row["own_modularity"] = first["own_modularity"]
            row["recomputed_modularity"] = first["recomputed_modularity"]
            row["levels"] = first["levels"]
            row["identical_in_all_runs"] = all(np.array_equal(first["labels"], r["labels"])
                                               for r in tool_runs)
        summary["tools"][tool] = row
    if len(args.ranks) > 1:
        labels = [runs[f"coordnet np{r}"][0]["labels"] for r in args.ranks]
        summary["coordnet_identical_across_ranks"] = all(np.array_equal(labels[0], x)
                                                         for x in labels)
    return summary


def table(results: list[dict]) -> str:
    lines = ["| graph | tool | time (s, median) | coordnet wall (s) | modularity | NMI | "
             "communities | disconnected | peak RSS/rank (MiB) |",
             "|---|---|---:|---:|---:|---:|---:|---:|---:|"]
    for res in results:
        name = f"{res['vertices'] // 1000}k / {res['edges'] / 1e6:.2f}M, mu {res['mu']}"
        for tool, row in res["tools"].items():
            wall = f"{row['wall_seconds_median']:.2f}" if "wall_seconds_median" in row else ""
            lines.append(f"| {name} | {tool} | {row['seconds_median']:.2f} | {wall} | "
                         f"{row['modularity']:.4f} | {row['nmi']:.4f} | {row['communities']} | "
                         f"{row['disconnected']} | {row['peak_rss_mib']:.0f} |")
    return "\n".join(lines)


def update_doc(markdown: str) -> None:
    doc = ROOT / "docs/benchmarks.md"
    text = doc.read_text()
    block = f"{DOC_BEGIN}\n{markdown}\n{DOC_END}"
    pattern = re.compile(re.escape(DOC_BEGIN) + ".*?" + re.escape(DOC_END), re.S)
    text = pattern.sub(block, text) if pattern.search(text) else text + "\n" + block + "\n"
    doc.write_text(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--binary", type=Path, default=ROOT / "build/release/pipeline/coordnet")
    parser.add_argument("--mpiexec", default="mpiexec")
    parser.add_argument("--cache-dir", type=Path, default=ROOT / "build/bench")
    parser.add_argument("--sizes", default="100000,1000000", help="vertex counts, comma-separated")
    parser.add_argument("--mu", default="0.3,0.5", help="mixing parameters, comma-separated")
    parser.add_argument("--ranks", default="1,2", help="coordnet rank counts, comma-separated")
    parser.add_argument("--repeat", type=int, default=5, help="repetitions on small graphs")
    parser.add_argument("--repeat-large", type=int, default=3, help="repetitions on large graphs")
    parser.add_argument("--repeat-below", type=int, default=200000,
                        help="graphs with at most this many vertices are small")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--update-doc", action="store_true",
                        help="write the table into docs/benchmarks.md")
    parser.add_argument("--igraph-child", help=argparse.SUPPRESS)
    parser.add_argument("--graph", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("coordnet_args", nargs="*", help="extra options for coordnet cluster")
    args = parser.parse_args()
    if args.igraph_child:
        igraph_child(args.graph, args.igraph_child, args.seed)
        return
    args.ranks = [int(r) for r in args.ranks.split(",")]
    args.cache_dir.mkdir(parents=True, exist_ok=True)
    results = []
    for n in (int(x) for x in args.sizes.split(",")):
        for mu in (float(x) for x in args.mu.split(",")):
            res = bench_graph(args, n, mu)
            (args.cache_dir / f"cluster-{n}-{mu}.json").write_text(json.dumps(res, indent=1))
            results.append(res)
            print(table([res]), flush=True)
    markdown = table(results)
    print(markdown)
    if args.update_doc:
        update_doc(markdown)


if __name__ == "__main__":
    main()
