#!/usr/bin/env python3
"""Write a static HTML report of a coordnet result: ``report.py RESULTS.h5 -o report/``.

The folder gets ``index.html`` and PNG plots (matplotlib, Agg backend; no network, no
JavaScript), so it can be mailed, archived or opened from a file share:

* run summary: inputs, counts, rejects by reason, per-stage time and peak memory;
* the top communities (by ``/communities/rank`` when present, else score, else size) with
  every per-community feature the file has and their evidence rows;
* a timeline raster per top community: one row per member account (ordered by its first action),
  one mark per action from ``/communities/actions`` (the actions the run kept for its top
  communities, docs/analysis.md "Timeline"), coloured by the evidence key it acts on, with a
  histogram of the community's actions over time above. Files without that dataset (older runs,
  or communities past ``--timeline-communities``) get the ``first_ms`` .. ``last_ms`` co-action spans of the
  community's internal edges at both ends instead;
* co-action delay histograms: ``/edges/mean_delay_s`` of the top communities' internal edges
  against all edges of the graph and against chance timing: the null model (docs/detection.md
  §1) draws a co-action's partner at random among the actions within the window, so its delay
  is uniform in [0, w] where actions are locally even; each internal edge with ``count``
  co-actions gets the mean of that many such delays (seeded, so the plot is reproducible).
  Drawn when every layer has the same window (``/edges_by_layer/*`` ``window_s``, else the
  configuration's ``window``);
* community size and score distributions, and the layer mix of the top communities (the
  ``layer_share_<layer>`` features, else the sums of ``/edges/weight_<layer>`` over internal
  edges).

Memory: ``/accounts/community`` is read whole (8 bytes per account); ``/edges`` is streamed in
slices of 2^20 rows; ``/communities/actions`` is bounded by the run (by default 20 communities of
at most 20,000 actions). Needs Debian's python3-h5py, python3-numpy and python3-matplotlib
(``scripts/install-deps.sh --report``).
"""

from __future__ import annotations

import argparse
import datetime
import html
import os
import sys
import tempfile
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import h5py
import numpy as np
import numpy.typing as npt

try:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.collections import LineCollection
    from matplotlib.lines import Line2D
except ImportError:  # pragma: no cover - depends on the machine
    sys.exit("report.py: matplotlib is missing: run scripts/install-deps.sh --report "
             "(Debian package python3-matplotlib)")

SLICE_ROWS = 1 << 20
"""Rows of /edges read at once."""


@dataclass
class Community:
    """One top community: its features, evidence rows and internal edges' columns."""

    id: int
    features: dict[str, Any]
    evidence: list[dict[str, Any]] = field(default_factory=list)
    members: list[int] = field(default_factory=list)
    edges: dict[str, list[Any]] = field(default_factory=dict)
    actions: dict[str, npt.NDArray[Any]] = field(default_factory=dict)


def text(value: Any) -> str:
    """An HDF5 value (bytes, numpy scalar) as display text."""
    if isinstance(value, (bytes, np.bytes_)):
        return bytes(value).decode("utf-8", errors="replace")
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


def utc(ms: int) -> str:
    """Milliseconds since the epoch as UTC ISO-8601."""
    return datetime.datetime.fromtimestamp(ms / 1000, datetime.timezone.utc).strftime(
        "%Y-%m-%d %H:%M:%SZ")


def row_columns(group: h5py.Group | None, length: int, skip: tuple[str, ...] = ()) -> dict[
        str, h5py.Dataset]:
    """The 1-D datasets of ``group`` with ``length`` rows (the table's columns), by name."""
    if group is None:
        return {}
    return {name: obj for name, obj in sorted(group.items())
            if isinstance(obj, h5py.Dataset) and obj.shape == (length,) and name not in skip}


def top_communities(f: h5py.File, top: int) -> tuple[list[int], str]:
    """Ids of the ``top`` first communities and the column they were ordered by."""
    communities = f.get("communities")
    if communities is None or "size" not in communities:
        return [], "none"
    n = communities["size"].shape[0]
    ids = np.arange(n)
    for name, sign in (("rank", 1), ("score", -1), ("size", -1)):
        if name in communities and communities[name].shape == (n,):
            key = sign * communities[name][()].astype(float)
            order = np.lexsort((ids, key))
            return [int(i) for i in order[:top]], name
    return [], "none"


def read_top(f: h5py.File, ids: list[int]) -> list[Community]:
    """Features, evidence, members and internal edges of the communities ``ids``."""
    group = f["communities"]
    n = group["size"].shape[0]
    features = row_columns(group, n, ("id",))
    result = {i: Community(i, {name: column[i] for name, column in features.items()})
              for i in ids}
    evidence = group.get("evidence")
    if isinstance(evidence, h5py.Group) and "community" in evidence:
        owner = evidence["community"][()]
        columns = row_columns(evidence, owner.shape[0], ("community",))
        for row in np.flatnonzero(np.isin(owner, ids)):
            result[int(owner[row])].evidence.append(
                {name: column[row] for name, column in columns.items()})
    actions = group.get("actions")
    if isinstance(actions, h5py.Group) and "community" in actions:
        owner = actions["community"][()]
        values = {name: column[()] for name, column in
                  row_columns(actions, owner.shape[0], ("community",)).items()}
        for i in ids:
            rows = owner == i
            if rows.any():
                result[i].actions = {name: column[rows] for name, column in values.items()}
    community = f["accounts/community"][()]
    for account in np.flatnonzero(np.isin(community, ids)):
        result[int(community[account])].members.append(int(account))
    edges = f.get("edges")
    if edges is not None and "src" in edges:
        n_edges = edges["src"].shape[0]
        columns = row_columns(edges, n_edges)
        for begin in range(0, n_edges, SLICE_ROWS):
            end = min(n_edges, begin + SLICE_ROWS)
            src_c = community[edges["src"][begin:end]]
            dst_c = community[edges["dst"][begin:end]]
            inside = (src_c == dst_c) & np.isin(src_c, ids)
            if not inside.any():
                continue
            rows = np.flatnonzero(inside)
            owners = src_c[rows]
            values = {name: column[begin:end][rows] for name, column in columns.items()}
            for k, owner in enumerate(owners):
                edge_store = result[int(owner)].edges
                for name, column in values.items():
                    edge_store.setdefault(name, []).append(column[k])
    return [result[i] for i in ids]


def all_delays(f: h5py.File) -> npt.NDArray[np.float64]:
    """``/edges/mean_delay_s`` of every edge (empty when absent)."""
    edges = f.get("edges")
    if edges is None or "mean_delay_s" not in edges:
        return np.zeros(0)
    return edges["mean_delay_s"][()].astype(float)


def common_window_s(f: h5py.File) -> float | None:
    """The co-action window shared by every layer, seconds; None when the layers differ."""
    layers = f.get("edges_by_layer")
    windows = {float(g.attrs["window_s"]) for g in layers.values()
               if "window_s" in g.attrs} if isinstance(layers, h5py.Group) else set()
    if not windows and "config" in f.attrs:
        try:
            window = tomllib.loads(text(f.attrs["config"])).get("run", {}).get("window")
        except tomllib.TOMLDecodeError:
            window = None
        windows = {float(window)} if isinstance(window, (int, float)) else set()
    return windows.pop() if len(windows) == 1 else None


EXACT_DRAWS_UP_TO = 256
"""Edges with more co-actions get the normal approximation of the mean of uniform delays."""


def chance_mean_delays(counts: npt.NDArray[np.int64], window_s: float) -> npt.NDArray[np.float64]:
    """Mean delay of each edge if its ``counts`` co-actions had delays uniform in [0, window]."""
    rng = np.random.default_rng(0)
    counts = np.maximum(counts, 1)
    means = np.empty(counts.size)
    exact = counts <= EXACT_DRAWS_UP_TO
    edge = np.repeat(np.flatnonzero(exact), counts[exact])
    sums = np.bincount(edge, weights=rng.uniform(0.0, window_s, edge.size), minlength=counts.size)
    means[exact] = sums[exact] / counts[exact]
    big = counts[~exact]
    means[~exact] = rng.normal(window_s / 2, window_s / np.sqrt(12.0 * big))
    return means


def save(fig: Any, folder: Path, name: str) -> str:
    """Writes ``fig`` as folder/name and closes it; returns the file name."""
    fig.tight_layout()
    fig.savefig(folder / name, dpi=90)
    plt.close(fig)
    return name


def member_label(f: h5py.File, account: int) -> str:
    """The account's handle, else its id, else its row."""
    for name in ("handle", "id"):
        if name in f["accounts"]:
            value = text(f["accounts"][name][account])
            if value:
                return value
    return str(account)


def evidence_label(row: dict[str, Any]) -> str:
    """An evidence row as ``layer key`` (the key cut at 24 characters)."""
    key = text(row.get("key", ""))
    return f"{text(row.get('layer', ''))} {key[:24] + '...' if len(key) > 24 else key}"


EVIDENCE_COLOURS = ["tab:blue", "tab:orange", "tab:green", "tab:red", "tab:purple", "tab:brown",
                    "tab:pink", "black", "tab:olive", "tab:cyan"]
"""Marks on the 10 strongest evidence keys (tab10, its grey replaced: grey is for other keys)."""


def plot_action_raster(c: Community, f: h5py.File, folder: Path) -> tuple[str, str]:
    """Raster: members (rows, by first action) by time, one mark per kept action, coloured by its
    evidence key; a histogram of the actions over time above."""
    account = c.actions["account"].astype(np.int64)
    when = c.actions["t_ms"].astype("datetime64[ms]")
    order = c.actions["evidence_order"].astype(int) if "evidence_order" in c.actions else \
        np.full(account.size, -1)
    coordinated = c.actions["coordinated"].astype(bool) if "coordinated" in c.actions else \
        np.zeros(account.size, dtype=bool)
    first = {}
    for a, t in zip(account.tolist(), c.actions["t_ms"].tolist()):
        first[a] = min(t, first.get(a, t))
    members = sorted(c.members, key=lambda a: (a not in first, first.get(a, 0), a))
    row_of = {a: k for k, a in enumerate(members)}
    y = np.array([row_of.get(a, -1) for a in account.tolist()])
    n = len(members)
    many = n > 60
    fig, (hist, ax) = plt.subplots(2, 1, sharex=True, gridspec_kw={"height_ratios": [1, 5]},
                                   figsize=(12, 7.5 if many else min(12.0, 0.25 * n + 2.8)))
    hist.hist(when, bins=200, color="gray")
    hist.set_ylabel("actions")
    mark = {"marker": "|", "s": 60 if not many else max(2.0, 6000.0 / n), "linewidths": 1.2
            if not many else 0.6}
    classes = [("other keys", ~coordinated & (order < 0), "#c8c8c8"),
               ("other coordinated keys", coordinated & (order < 0), "#808080")]
    for k, row in enumerate(c.evidence[:len(EVIDENCE_COLOURS)]):
        classes.append((evidence_label(row), order == k, EVIDENCE_COLOURS[k]))
    legend = []
    for label, chosen, colour in classes:
        if chosen.any():
            ax.scatter(when[chosen], y[chosen], color=colour, **mark)
            legend.append(Line2D([], [], color=colour, marker="|", linestyle="None",
                                 markersize=10, markeredgewidth=2, label=label))
    ax.set_ylim(n - 0.5, -0.5)
    if n <= 40:
        ax.set_yticks(range(n))
        ax.set_yticklabels([member_label(f, a) for a in members], fontsize=7)
    ax.set_ylabel(f"{n} members, by first action")
    ax.set_xlabel("time (UTC)")
    ax.legend(handles=legend, fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0),
              title="key acted on", title_fontsize=8)
    fig.autofmt_xdate()
    shown = len(set(account.tolist()))
    hist.set_title(f"community {c.id}: {account.size} actions of {shown} of its {n} members")
    caption = (f"One row per member, one mark per action ({account.size} actions kept by the "
               f"run: evidence keys first, then a fixed sample).")
    return save(fig, folder, f"timeline_{c.id}.png"), caption


def plot_timeline(c: Community, f: h5py.File, folder: Path) -> tuple[str, str] | None:
    """The community's action raster, else its co-action spans; the PNG's name and caption."""
    if c.actions and c.members:
        return plot_action_raster(c, f, folder)
    return plot_spans(c, f, folder)


def plot_spans(c: Community, f: h5py.File, folder: Path) -> tuple[str, str] | None:
    """Raster: members (rows) by time, a segment per internal-edge co-action span."""
    first, last = c.edges.get("first_ms"), c.edges.get("last_ms")
    if not first or not last or not c.members:
        return None
    row_of = {account: k for k, account in enumerate(c.members)}
    fig, ax = plt.subplots(figsize=(10, min(12.0, max(2.0, 0.22 * len(c.members) + 1.2))))
    t0 = min(first)
    start = (np.array(first, dtype=float) - t0) / 3.6e6
    end = (np.array(last, dtype=float) - t0) / 3.6e6
    rows = np.array([[row_of[int(s)], row_of[int(d)]] for s, d in zip(c.edges["src"],
                                                                       c.edges["dst"])], dtype=float)
    # One segment per edge end: both accounts of an edge get its span.
    x0, x1, y = np.repeat(start, 2), np.repeat(end, 2), rows.reshape(-1)
    segments = np.stack([np.stack([x0, y], axis=1), np.stack([x1, y], axis=1)], axis=1)
    ax.add_collection(LineCollection(segments, colors="tab:blue", alpha=0.35, linewidths=3))
    ax.plot(x0, y, "|", color="tab:red", markersize=8, label="first co-action")
    ax.set_xlim(min(0.0, float(x0.min())) - 0.01, float(x1.max()) * 1.02 + 0.01)
    ax.set_ylim(-1, len(c.members))
    for k, row in enumerate(c.evidence):
        if "first_ms" in row and "last_ms" in row:
            ax.axvspan((int(row["first_ms"]) - t0) / 3.6e6, (int(row["last_ms"]) - t0) / 3.6e6,
                       color="tab:orange", alpha=0.08, label="evidence keys" if k == 0 else None)
    if len(c.members) <= 40:
        ax.set_yticks(range(len(c.members)))
        ax.set_yticklabels([member_label(f, a) for a in c.members], fontsize=7)
    ax.set_xlabel(f"hours after {utc(int(t0))}")
    ax.set_ylabel("member account")
    ax.set_title(f"community {c.id}: co-action spans of its {len(first)} internal edges")
    caption = ("Co-action spans (first to last co-action) of the community's internal edges at "
               "both ends; the file holds no actions of this community (/communities/actions).")
    return save(fig, folder, f"timeline_{c.id}.png"), caption


def plot_delays(top: list[Community], f: h5py.File, folder: Path) -> str | None:
    """Histogram of mean co-action delays: top communities against all edges and chance."""
    everything = all_delays(f)
    inside = np.array([d for c in top for d in c.edges.get("mean_delay_s", [])], dtype=float)
    if everything.size == 0:
        return None
    fig, ax = plt.subplots(figsize=(8, 4))
    bins = np.linspace(0, max(float(everything.max()), 1e-9), 40)
    ax.hist(everything, bins=bins, density=True, alpha=0.5, color="gray",
            label=f"all edges ({everything.size})")
    window = common_window_s(f)
    counts = np.array([n for c in top for n in c.edges.get("count", [])], dtype=np.int64)
    if window is not None and counts.size:
        ax.hist(chance_mean_delays(counts, window), bins=bins, density=True, histtype="step",
                linewidth=2, color="black",
                label=f"chance timing of the same edges (uniform in the {window:g} s window)")
    if inside.size:
        ax.hist(inside, bins=bins, density=True, alpha=0.6, color="tab:red",
                label=f"top communities ({inside.size} edges)")
    ax.set_xlabel("mean co-action delay of an edge (s)")
    ax.set_ylabel("density")
    ax.legend()
    return save(fig, folder, "delays.png")


def plot_distributions(f: h5py.File, folder: Path) -> str | None:
    """Community size distribution (log-log) and, when present, the score distribution."""
    group = f.get("communities")
    if group is None or "size" not in group:
        return None
    sizes = group["size"][()].astype(int)
    has_score = "score" in group and group["score"].shape == sizes.shape
    fig, axes = plt.subplots(1, 2 if has_score else 1, figsize=(10 if has_score else 6, 4))
    axes = np.atleast_1d(axes)
    values, counts = np.unique(sizes, return_counts=True)
    axes[0].loglog(values, counts, "o", color="tab:blue")
    axes[0].set_xlabel("community size (accounts)")
    axes[0].set_ylabel("communities")
    axes[0].set_title(f"{sizes.size} communities")
    if has_score:
        axes[1].hist(group["score"][()].astype(float), bins=40, color="tab:purple")
        axes[1].set_xlabel("score")
        axes[1].set_ylabel("communities")
        if "flagged" in group:
            axes[1].set_title(f"{int(np.count_nonzero(group['flagged'][()]))} flagged")
    return save(fig, folder, "distributions.png")


def layer_mix(c: Community) -> dict[str, float]:
    """Share of each layer in a community: its layer_share_* features, else edge weights."""
    shares = {name[len("layer_share_"):]: float(v) for name, v in c.features.items()
              if name.startswith("layer_share_")}
    if shares:
        return shares
    weights = {name[len("weight_"):]: float(np.sum(v)) for name, v in c.edges.items()
               if name.startswith("weight_")}
    total = sum(weights.values())
    return {k: v / total for k, v in weights.items()} if total > 0 else {}


def plot_layer_mix(top: list[Community], folder: Path) -> str | None:
    """Stacked bars: the layer mix of each top community."""
    mixes = [layer_mix(c) for c in top]
    layers = sorted({layer for mix in mixes for layer in mix})
    if not layers:
        return None
    fig, ax = plt.subplots(figsize=(max(6, 0.6 * len(top) + 2), 4))
    bottom = np.zeros(len(top))
    for layer in layers:
        share = np.array([mix.get(layer, 0.0) for mix in mixes])
        ax.bar([str(c.id) for c in top], share, bottom=bottom, label=layer)
        bottom += share
    ax.set_xlabel("community")
    ax.set_ylabel("share of co-action weight")
    ax.legend(fontsize=8)
    return save(fig, folder, "layers.png")


def table(headers: list[str], rows: list[list[str]]) -> str:
    """An HTML table (cells escaped)."""
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>"
                   for row in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def run_section(f: h5py.File, path: Path) -> str:
    """Run attributes, inputs, counts, rejects and stages as HTML."""
    attrs = [[name, text(f.attrs[name])] for name in ("schema", "version", "git_sha", "created",
                                                       "ranks") if name in f.attrs]
    counts = [[name, str(f[p].shape[0])] for name, p in (
        ("accounts", "accounts/community"), ("handles", "handles/account"),
        ("edges", "edges/src"), ("communities", "communities/size")) if p in f]
    out = [f"<h1>coordnet report: {html.escape(path.name)}</h1>", table(["", ""], attrs + counts)]
    if "inputs/path" in f:
        out.append("<h2>Inputs</h2>" + table(["path", "bytes"], [
            [text(p), text(s)] for p, s in zip(f["inputs/path"][()], f["inputs/size_bytes"][()])]))
    if "rejects/reason" in f:
        rows = [[text(r), text(c)] for r, c in zip(f["rejects/reason"][()],
                                                   f["rejects/count"][()])]
        out.append("<h2>Rejected records</h2>" + (table(["reason", "records"], rows)
                                                  if rows else "<p>none</p>"))
    if "stages" in f.attrs:
        stages = tomllib.loads(text(f.attrs["stages"]))
        rows = [[name, text(s.get("seconds_max", "")), text(s.get("peak_rss_mib_max", "")),
                 ", ".join(f"{k} {v}" for k, v in s.items()
                           if not k.startswith(("seconds_", "peak_rss_mib_")))]
                for name, s in stages.items()]
        out.append("<h2>Stages</h2>" + table(["stage", "seconds (max over ranks)",
                                              "peak MiB (max)", "counts"], rows))
    return "\n".join(out)


def community_section(c: Community, timeline: tuple[str, str] | None) -> str:
    """One top community: features, evidence and its timeline."""
    title = f"Community {c.id}: {len(c.members)} accounts"
    out = [f"<h3>{html.escape(title)}</h3>",
           table(list(c.features), [[text(v) for v in c.features.values()]])]
    if c.evidence:
        names = list(c.evidence[0])
        rows = [[utc(int(row[n])) if n.endswith("_ms") else text(row[n]) for n in names]
                for row in c.evidence]
        out.append("<h4>Evidence</h4>" + table(names, rows))
    if timeline:
        out.append(f'<p>{html.escape(timeline[1])}</p>'
                   f'<img src="{timeline[0]}" alt="timeline of community {c.id}">')
    return "\n".join(out)


STYLE = """body{font-family:sans-serif;margin:2em;color:#222;max-width:1100px}
table{border-collapse:collapse;margin:0.5em 0 1em}td,th{border:1px solid #ccc;padding:2px 8px;
font-size:13px;text-align:left}th{background:#eef}img{max-width:100%;display:block;margin:1em 0}"""


def write_report(result: Path, out: Path, top: int) -> Path:
    """Writes out/index.html and its PNGs; returns the index path."""
    out.mkdir(parents=True, exist_ok=True)
    with h5py.File(result, "r") as f:
        ids, order = top_communities(f, top)
        communities = read_top(f, ids) if ids else []
        parts = [run_section(f, result)]
        plots = [plot_distributions(f, out), plot_delays(communities, f, out),
                 plot_layer_mix(communities, out)]
        parts.append("<h2>Distributions</h2>" + "".join(
            f'<img src="{p}" alt="{p}">' for p in plots if p))
        parts.append(f"<h2>Top {len(communities)} communities (by {order})</h2>")
        for c in communities:
            parts.append(community_section(c, plot_timeline(c, f, out)))
    page = (f"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>coordnet report</title>"
            f"<style>{STYLE}</style></head><body>\n" + "\n".join(parts) + "\n</body></html>\n")
    index = out / "index.html"
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=out, delete=False,
                                     suffix=".tmp") as tmp:
        tmp.write(page)
    os.chmod(tmp.name, 0o644)  # NamedTemporaryFile makes it private; the PNGs are not
    os.replace(tmp.name, index)
    return index


def main(argv: list[str] | None = None) -> int:
    """Command line: report.py RESULTS.h5 -o DIR [--top N]."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("result", type=Path, help="coordnet result HDF5 file")
    parser.add_argument("-o", "--out", type=Path, default=Path("report"), help="output folder")
    parser.add_argument("--top", type=int, default=10, help="communities shown in detail")
    args = parser.parse_args(argv)
    if not args.result.is_file():
        print(f"report.py: cannot open {args.result}", file=sys.stderr)
        return 74
    try:
        index = write_report(args.result, args.out, args.top)
    except (OSError, KeyError, ValueError) as error:
        print(f"report.py: {args.result}: {error}", file=sys.stderr)
        return 65
    print(index)
    return 0


if __name__ == "__main__":
    sys.exit(main())
