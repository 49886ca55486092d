"""``coordnet cluster`` on edge lists the test writes, and communities in ``coordnet run``.

The CSV graph: 12 groups of 10 vertices with string ids (``acct-<group>-<member>``, ids shuffled
in the file), edges inside a group with probability 0.6 and weights 1-3, 40 edges between
random groups, a header line, a quoted id, CRLF endings on some lines, no terminator on the last
line. The same graph goes to ``coordnet cluster`` as CSV and as an HDF5 /edges group. Checks:
the output is dataset-for-dataset identical at 1, 2 and 3 ranks; every planted group is one
community; every community is connected; modularity recomputed here equals the file's figures;
canonical community ids follow the smallest member; sizes match the labels.
"""

from __future__ import annotations

import random
import subprocess
import sys
import unittest
from collections import defaultdict
from pathlib import Path

import h5py
import numpy as np

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, str(Path(__file__).resolve().parent))
import coordnet_e2e as e2e  # noqa: E402

RANK_COUNTS = (1, 2, 3)
GROUPS = 12
GROUP_SIZE = 10


def planted_edges() -> list[tuple[str, str, int]]:
    """The test graph: (src id, dst id, weight), in a shuffled order."""
    rng = random.Random(5)
    edges = []
    for g in range(GROUPS):
        for i in range(GROUP_SIZE):
            for j in range(i + 1, GROUP_SIZE):
                if rng.random() < 0.6:
                    edges.append((f"acct-{g}-{i}", f"acct-{g}-{j}", rng.randint(1, 3)))
    for _ in range(40):
        a, b = rng.sample(range(GROUPS), 2)
        edges.append((f"acct-{a}-{rng.randrange(GROUP_SIZE)}",
                       f"acct-{b}-{rng.randrange(GROUP_SIZE)}", 1))
    rng.shuffle(edges)
    return edges


def write_csv(path: Path, edges: list[tuple[str, str, int]]) -> None:
    lines = ["src,dst,weight"]
    for k, (a, b, w) in enumerate(edges):
        a_text = f'"{a}"' if k == 3 else a
        lines.append(f"{a_text},{b},{w}" + ("\r" if k % 7 == 0 else ""))
    path.write_text("\n".join(lines))


def write_hdf5(path: Path, edges: list[tuple[str, str, int]], ids: list[str]) -> None:
    index = {v: i for i, v in enumerate(ids)}
    with h5py.File(path, "w") as f:
        f["/edges/src"] = np.array([index[a] for a, _, _ in edges], dtype=np.uint64)
        f["/edges/dst"] = np.array([index[b] for _, b, _ in edges], dtype=np.uint64)
        f["/edges/weight"] = np.array([w for _, _, w in edges], dtype=np.float64)


def run_cluster(test: unittest.TestCase, edges: Path, out: Path, ranks: int, *args: str) -> None:
    command = [e2e.mpiexec(), "--oversubscribe", "-np", str(ranks), str(e2e.coordnet_bin()),
               "cluster", "--edges", str(edges), "-o", str(out), *args]
    result = subprocess.run(command, capture_output=True, text=True, env=e2e.run_env(),
                            timeout=e2e.DEFAULT_TIMEOUT_S, check=False)
    test.assertEqual(result.returncode, e2e.EXIT_OK, e2e.describe(result))


def modularity(labels: np.ndarray, src: np.ndarray, dst: np.ndarray, w: np.ndarray) -> float:
    m2 = 2 * w.sum()
    inside = 2 * w[labels[src] == labels[dst]].sum()
    sigma = np.zeros(labels.max() + 1)
    np.add.at(sigma, labels[src], w)
    np.add.at(sigma, labels[dst], w)
    return inside / m2 - (sigma ** 2).sum() / m2 ** 2


def n_disconnected(labels: np.ndarray, src: np.ndarray, dst: np.ndarray) -> int:
    """Communities whose members are not connected by edges inside the community."""
    neighbours = defaultdict(list)
    for a, b in zip(src.tolist(), dst.tolist()):
        if labels[a] == labels[b]:
            neighbours[a].append(b)
            neighbours[b].append(a)
    members = defaultdict(list)
    for v, c in enumerate(labels.tolist()):
        members[c].append(v)
    bad = 0
    for vertices in members.values():
        seen, stack = {vertices[0]}, [vertices[0]]
        while stack:
            for u in neighbours[stack.pop()]:
                if u not in seen:
                    seen.add(u)
                    stack.append(u)
        bad += len(seen) != len(vertices)
    return bad


class ClusterCommandTest(unittest.TestCase):
    """coordnet cluster: rank invariance, planted groups, connectivity, recomputed modularity."""

    def setUp(self) -> None:
        self.tmp = e2e.make_temp_dir(self)
        self.edges = planted_edges()

    def check_result(self, out: Path, ids: list[str], src: np.ndarray, dst: np.ndarray,
                     w: np.ndarray) -> None:
        with h5py.File(out, "r") as f:
            labels = f["/accounts/community"][()].astype(np.int64)
            sizes = f["/communities/size"][()]
            final = f["/quality/final_modularity"][()]
            per_level = f["/quality/modularity"][()]
            self.assertEqual(len(f["/levels"]), len(per_level))
        self.assertEqual(len(labels), len(ids))
        groups = defaultdict(set)
        for v, c in zip(ids, labels.tolist()):
            groups[v.split("-")[1]].add(c)
        self.assertEqual(sorted(len(c) for c in groups.values()), [1] * GROUPS)
        self.assertEqual(len(sizes), GROUPS)
        self.assertEqual(sizes.tolist(), np.bincount(labels).tolist())
        first_seen = list(dict.fromkeys(labels.tolist()))
        self.assertEqual(first_seen, list(range(GROUPS)))
        self.assertEqual(n_disconnected(labels, src, dst), 0)
        q = modularity(labels, src, dst, w)
        self.assertAlmostEqual(final[0], q, places=12)
        self.assertAlmostEqual(final[1], q, places=12)
        self.assertAlmostEqual(per_level[-1], q, places=12)

    def test_csv_at_all_rank_counts(self) -> None:
        csv = self.tmp / "graph.csv"
        write_csv(csv, self.edges)
        outputs = {}
        for ranks in RANK_COUNTS:
            outputs[ranks] = self.tmp / f"csv_np{ranks}.h5"
            run_cluster(self, csv, outputs[ranks], ranks)
        for ranks in RANK_COUNTS[1:]:
            e2e.assert_same_datasets(self, outputs[1], outputs[ranks], f"1 vs {ranks} ranks")
        with h5py.File(outputs[1], "r") as f:
            ids = e2e.decode(f["/accounts/id"][()])
        index = {v: i for i, v in enumerate(ids)}
        self.assertEqual(len(ids), GROUPS * GROUP_SIZE)
        src = np.array([index[a] for a, _, _ in self.edges])
        dst = np.array([index[b] for _, b, _ in self.edges])
        w = np.array([x for _, _, x in self.edges], dtype=float)
        self.check_result(outputs[1], ids, src, dst, w)

    def test_hdf5_edges_at_all_rank_counts(self) -> None:
        ids = sorted({v for a, b, _ in self.edges for v in (a, b)})
        h5 = self.tmp / "graph.h5"
        write_hdf5(h5, self.edges, ids)
        outputs = {}
        for ranks in RANK_COUNTS:
            outputs[ranks] = self.tmp / f"h5_np{ranks}.h5"
            run_cluster(self, h5, outputs[ranks], ranks, "--seed", "3")
        for ranks in RANK_COUNTS[1:]:
            e2e.assert_same_datasets(self, outputs[1], outputs[ranks], f"1 vs {ranks} ranks")
        with h5py.File(h5, "r") as f:
            src, dst = f["/edges/src"][()].astype(int), f["/edges/dst"][()].astype(int)
            w = f["/edges/weight"][()]
        self.check_result(outputs[1], ids, src, dst, w)

    def assert_data_error(self, text: str) -> None:
        csv = self.tmp / "bad.csv"
        csv.write_text(text)
        command = [e2e.mpiexec(), "--oversubscribe", "-np", "2", str(e2e.coordnet_bin()),
                   "cluster", "--edges", str(csv), "-o", str(self.tmp / "bad.h5")]
        result = subprocess.run(command, capture_output=True, text=True, env=e2e.run_env(),
                                timeout=e2e.DEFAULT_TIMEOUT_S, check=False)
        self.assertEqual(result.returncode, e2e.EXIT_DATA, e2e.describe(result))
        self.assertFalse((self.tmp / "bad.h5").exists())

    def test_bad_weight_is_a_data_error(self) -> None:
        self.assert_data_error("a,b,1\nb,c,heavy\n")
        self.assert_data_error("a,b,1\nb,c,-2\n")

    def test_weights_past_the_fixed_point_range_are_a_data_error(self) -> None:
        # Each weight is allowed (<= 2^40) but their sum passes 2^45.
        self.assert_data_error("".join(f"x{i},y{i},1e12\n" for i in range(64)))


class RunWritesCommunitiesTest(unittest.TestCase):
    """coordnet run clusters the co-action graph: every account gets a community."""

    def test_fixture(self) -> None:
        out = e2e.make_temp_dir(self) / "run.h5"
        # Clustered on the co-action weights of /edges, the modularity recomputed below (the
        # default with flagging weighs edges by /edges/excess, docs/detection.md §3).
        e2e.run_ok(self, [e2e.test_data_dir() / "events_small.csv"], out, "--window", "60",
                   "--cluster-weights", "weight")
        with h5py.File(out, "r") as f:
            n_accounts = len(f["/accounts/id"])
            labels = f["/accounts/community"][()].astype(np.int64)
            sizes = f["/communities/size"][()]
            src, dst = f["/edges/src"][()].astype(int), f["/edges/dst"][()].astype(int)
            w = f["/edges/weight"][()]
            final = f["/quality/final_modularity"][()]
        self.assertEqual(len(labels), n_accounts)
        self.assertEqual(sizes.tolist(), np.bincount(labels).tolist())
        self.assertEqual(n_disconnected(labels, src, dst), 0)
        # Accounts without edges are alone.
        connected = set(src.tolist()) | set(dst.tolist())
        for v in set(range(n_accounts)) - connected:
            self.assertEqual(sizes[labels[v]], 1)
        self.assertAlmostEqual(final[1], modularity(labels, src, dst, w), places=12)


if __name__ == "__main__":
    unittest.main()
