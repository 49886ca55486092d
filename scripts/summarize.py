#!/usr/bin/env python3
"""Summarise a coordnet result file: accounts, edges and the largest groups of accounts.

A *group* is a community of ``/accounts/community`` (the run's distributed Leiden) restricted to
the accounts with an edge of weight >= the minimum, when the file has communities; otherwise a
connected component of the co-action graph after dropping edges below that weight (plain
union-find over ``/edges``), where one organic edge between two campaigns merges them. The
output says which.

With ``--truth`` (``account_id,campaign`` as written by ``coordnet generate``; campaign -1 or
empty marks an organic account) every listed component is matched to the planted campaign
holding most of its members:

* precision = members of that campaign in the component / component size;
* recall    = members of that campaign in the component / campaign size.

A campaign counts as recovered when some component has precision >= 0.9 and recall >= 0.5 for it.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import h5py
import numpy as np
import numpy.typing as npt


class UnionFind:
    """Disjoint sets over 0..n-1 with union by size and path halving."""

    def __init__(self, n: int) -> None:
        self.parent: list[int] = list(range(n))
        self.size: list[int] = [1] * n

    def find(self, x: int) -> int:
        """The representative of x's set."""
        parent = self.parent
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(self, a: int, b: int) -> None:
        """Merges the sets of a and b."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return
        if self.size[ra] < self.size[rb]:
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.size[ra] += self.size[rb]

    def labels(self) -> npt.NDArray[np.int64]:
        """The representative of every element."""
        return np.fromiter((self.find(x) for x in range(len(self.parent))), dtype=np.int64,
                           count=len(self.parent))


@dataclass
class Result:
    """The parts of a coordnet HDF5 result the summary needs."""

    ids: list[str]
    handles: list[str]
    n_renames: npt.NDArray[np.int64]
    src: npt.NDArray[np.int64]
    dst: npt.NDArray[np.int64]
    weight: npt.NDArray[np.float64]
    run_min_weight: float | None
    window_s: float | None
    layer: str | None
    community: npt.NDArray[np.int64] | None  # /accounts/community, when the run clustered


@dataclass
class Group:
    """One connected component of the thresholded graph."""

    members: npt.NDArray[np.int64]  # account indices, by weighted degree, largest first
    n_edges: int
    total_weight: float
    campaign: str | None = None  # the planted campaign holding most members, if any
    precision: float = 0.0
    recall: float = 0.0
    campaign_members: Counter[str] = field(default_factory=Counter)  # campaign -> members here


def _decode(values: npt.NDArray[np.bytes_]) -> list[str]:
    return [v.decode("utf-8", "replace") for v in values]


def _config_value(config: str, key: str) -> str | None:
    """A value of the run's resolved configuration (TOML), found at the top level or in any
    table (files have carried both ``min-weight=3`` and ``run.min-weight=3``)."""
    try:
        doc: dict[str, Any] = tomllib.loads(config)
    except tomllib.TOMLDecodeError:
        match = re.search(rf'^(?:[\w.-]+\.)?{re.escape(key)}\s*=\s*"?([^"\n]*)"?\s*$', config,
                          re.MULTILINE)
        return match.group(1) if match else None
    tables = [doc]
    while tables:
        table = tables.pop(0)
        if key in table and not isinstance(table[key], dict):
            return str(table[key])
        tables += [v for v in table.values() if isinstance(v, dict)]
    return None


def read_result(path: Path) -> Result:
    """Reads /accounts, /edges and the run configuration of a result file."""
    with h5py.File(path, "r") as f:
        config_raw = f.attrs.get("config", b"")
        config = config_raw.decode() if isinstance(config_raw, bytes) else str(config_raw)
        min_weight = _config_value(config, "min-weight")
        window = _config_value(config, "window")
        return Result(
            ids=_decode(f["accounts/id"][:]),
            handles=_decode(f["accounts/handle"][:]),
            n_renames=f["accounts/n_renames"][:].astype(np.int64),
            src=f["edges/src"][:].astype(np.int64),
            dst=f["edges/dst"][:].astype(np.int64),
            weight=f["edges/weight"][:].astype(np.float64),
            run_min_weight=float(min_weight) if min_weight else None,
            window_s=float(window) if window else None,
            layer=_config_value(config, "layers"),
            community=(f["accounts/community"][:].astype(np.int64)
                       if "accounts/community" in f else None),
        )


def read_truth(path: Path) -> dict[str, str]:
    """account_id -> campaign label of the campaign members of an account_id,campaign CSV
    (organic accounts, campaign -1 or empty, are left out)."""
    with open(path, newline="") as f:
        return {row["account_id"]: row["campaign"] for row in csv.DictReader(f)
                if row["campaign"] not in ("", "-1")}


def components(r: Result, min_weight: float) -> list[Group]:
    """Groups (>= 2 accounts) among the accounts with an edge of weight >= min_weight: their
    communities when the file has them, else the connected components of those edges; largest
    first (ties: larger total weight, then smaller first account index). Edges count for a group
    when both ends are in it."""
    keep = r.weight >= min_weight
    src, dst, weight = r.src[keep], r.dst[keep], r.weight[keep]
    n = len(r.ids)
    if r.community is not None:
        label = r.community
        internal = label[src] == label[dst]
        src, dst, weight = src[internal], dst[internal], weight[internal]
    else:
        uf = UnionFind(n)
        for a, b in zip(src.tolist(), dst.tolist()):
            uf.union(a, b)
        label = uf.labels()
    degree = np.bincount(src, weights=weight, minlength=n) + np.bincount(dst, weights=weight,
                                                                          minlength=n)
    in_graph = np.zeros(n, dtype=bool)
    in_graph[src] = True
    in_graph[dst] = True
    edge_label = label[src]
    n_edges = Counter(edge_label.tolist())
    total = np.bincount(edge_label, weights=weight, minlength=n)
    groups: list[Group] = []
    nodes = np.nonzero(in_graph)[0]
    order = np.lexsort((nodes, label[nodes]))
    nodes = nodes[order]
    bounds = np.flatnonzero(np.diff(label[nodes])) + 1
    for members in np.split(nodes, bounds):
        if len(members) < 2:
            continue
        root = int(label[members[0]])
        by_degree = members[np.argsort(-degree[members], kind="stable")]
        groups.append(Group(members=by_degree, n_edges=n_edges[root],
                            total_weight=float(total[root])))
    groups.sort(key=lambda g: (-len(g.members), -g.total_weight, int(g.members.min())))
    return groups


def match_truth(groups: list[Group], r: Result, truth: dict[str, str]) -> dict[str, int]:
    """Fills campaign/precision/recall of every group; returns the size of every campaign."""
    sizes = Counter(truth.values())
    for g in groups:
        g.campaign_members = Counter(truth[r.ids[i]] for i in g.members.tolist()
                                     if r.ids[i] in truth)
        if not g.campaign_members:
            continue
        campaign, hits = min(g.campaign_members.items(), key=lambda kv: (-kv[1], kv[0]))
        g.campaign = campaign
        g.precision = hits / len(g.members)
        g.recall = hits / sizes[campaign]
    return dict(sizes)


def format_summary(path: Path, r: Result, groups: list[Group], min_weight: float, top: int,
                   n_handles: int, campaign_sizes: dict[str, int] | None) -> str:
    """The human-readable summary."""
    keep = r.weight >= min_weight
    out: list[str] = []
    window = f", window {r.window_s:g} s" if r.window_s is not None else ""
    layer = f"{r.layer} " if r.layer else ""
    out.append(f"result: {path}")
    out.append(f"accounts: {len(r.ids)}")
    out.append(f"edges: {len(r.weight)} in the file; {int(keep.sum())} with weight >= "
               f"{min_weight:g} (weight = co-actions of the pair{window})")
    in_groups = sum(len(g.members) for g in groups)
    kind = "communities" if r.community is not None else "connected groups"
    out.append(f"{kind}: {len(groups)} with >= 2 accounts, holding {in_groups} accounts")
    out.append("")
    if r.community is not None:
        out.append("NOTE: groups are the run's communities (/accounts/community, distributed Leiden),")
        out.append("      restricted to accounts with an edge of weight >= the minimum.")
    else:
        out.append(f"NOTE: groups are connected components of the thresholded {layer}co-action graph")
        out.append("      (union-find over the edges with weight >= the minimum), not communities:")
        out.append("      a single edge joins two groups (the file has no /accounts/community).")
    out.append("")
    shown = groups[:top]
    out.append(f"top {len(shown)} groups, largest first:")
    header = f"{'#':>3} {'size':>6} {'edges':>7} {'weight':>9} {'renamed':>7}"
    if campaign_sizes is not None:
        header += f"  {'campaign':>8} {'precision':>9} {'recall':>6}"
    header += "  top handles (by weighted degree)"
    out.append(header)
    for k, g in enumerate(shown, 1):
        renamed = int((r.n_renames[g.members] > 0).sum())
        line = f"{k:>3} {len(g.members):>6} {g.n_edges:>7} {g.total_weight:>9.0f} {renamed:>7}"
        if campaign_sizes is not None:
            if g.campaign is None:
                line += f"  {'-':>8} {'-':>9} {'-':>6}"
            else:
                line += f"  {g.campaign:>8} {g.precision:>9.2f} {g.recall:>6.2f}"
        names = [r.handles[i] or r.ids[i] for i in g.members[:n_handles].tolist()]
        more = len(g.members) - len(names)
        line += "  " + ", ".join(names) + (f", ... (+{more})" if more > 0 else "")
        out.append(line)
    if campaign_sizes is not None:
        out.append("")
        out += truth_lines(groups, campaign_sizes)
    return "\n".join(out)


def truth_lines(groups: list[Group], campaign_sizes: dict[str, int]) -> list[str]:
    """How the planted campaigns came out: recovered ones, and where the others went."""
    found = {g.campaign for g in groups
             if g.campaign is not None and g.precision >= 0.9 and g.recall >= 0.5}
    n_truth = sum(campaign_sizes.values())
    out = [f"planted campaigns: {len(campaign_sizes)} ({n_truth} accounts); recovered as a group "
           f"with precision >= 0.9 and recall >= 0.5: {len(found)}"]
    for campaign in sorted(set(campaign_sizes) - found, key=lambda c: (len(c), c)):
        holders = [(g.campaign_members[campaign], k, g) for k, g in enumerate(groups, 1)
                   if g.campaign_members[campaign] > 0]
        if not holders:
            out.append(f"  campaign {campaign} ({campaign_sizes[campaign]} accounts): no member "
                       "has an edge above the minimum weight")
            continue
        hits, k, g = max(holders, key=lambda h: (h[0], -h[1]))
        out.append(f"  campaign {campaign} ({campaign_sizes[campaign]} accounts): most members "
                   f"({hits}) in group #{k} of {len(g.members)} accounts "
                   f"(precision {hits / len(g.members):.2f})")
    return out


def flagged_lines(path: Path, top: int, n_handles: int) -> list[str]:
    """The flagged communities of the run (docs/detection.md), strongest excess first, with the
    statistics behind each flag; empty when the run did not flag (--no-flag, --compat)."""
    with h5py.File(path, "r") as f:
        if "/communities/flagged" not in f:
            return []
        c = {name: f["/communities/" + name][:] for name in
             ("size", "significant", "internal_edges", "observed", "expected", "excess",
              "flagged")}
        acc_flagged = f["/accounts/flagged"][:]
        community = f["/accounts/community"][:]
        handles = _decode(f["/accounts/handle"][:])
        threshold = float(f["/accounts"].attrs["flag_threshold"])
        tested = int(f["/accounts"].attrs["flag_tested"])
    flagged = np.flatnonzero(c["flagged"])
    out = [f"flagged: {len(flagged)} communities, {int(acc_flagged.sum())} accounts "
           f"(account test: >= {threshold:.2f} nats over {tested} accounts with edges)"]
    for k in flagged[np.argsort(-c["excess"][flagged], kind="stable")][:top]:
        members = np.flatnonzero((community == k) & (acc_flagged == 1))
        names = ", ".join(handles[i] or "?" for i in members[:n_handles])
        out.append(f"  community {k}: {c['size'][k]} accounts, {c['significant'][k]} passing "
                   f"over all their edges, {len(members)} flagged; "
                   f"{c['internal_edges'][k]} internal edges with {c['observed'][k]} co-actions "
                   f"against {c['expected'][k]:.1f} by chance (excess {c['excess'][k]:.0f} nats)"
                   f"; {names}")
    return out


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    ap.add_argument("result", type=Path, help="coordnet result file (HDF5)")
    ap.add_argument("--truth", type=Path, help="account_id,campaign CSV of planted campaigns")
    ap.add_argument("--min-weight", type=float, default=None,
                    help="minimum edge weight (default: the run's --min-weight)")
    ap.add_argument("--top", type=int, default=10, help="groups listed")
    ap.add_argument("--handles", type=int, default=4, help="handles listed per group")
    return ap.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Entry point."""
    args = parse_args(argv)
    r = read_result(args.result)
    min_weight = args.min_weight if args.min_weight is not None else (r.run_min_weight or 1.0)
    groups = components(r, min_weight)
    sizes = match_truth(groups, r, read_truth(args.truth)) if args.truth else None
    print(format_summary(args.result, r, groups, min_weight, args.top, args.handles, sizes))
    for line in flagged_lines(args.result, args.top, args.handles):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
