"""End-to-end tests of ``coordnet export`` and ``coordnet inspect`` (docs/exports.md).

Inputs: the h5py fixture of result_fixture.py (today's schema plus the analysis and flagging
datasets) and a real ``coordnet run`` output of tests/data/events_small.csv. GraphML and Gephi
CSV are read back with networkx and compared with the HDF5 file value by value.
"""

from __future__ import annotations

import csv
import json
import math
import unittest
from pathlib import Path

import h5py
import networkx as nx

import coordnet_e2e as e2e
import result_fixture as fx


def export(test: unittest.TestCase, result: Path, *args: str, ranks: int = 1,
           expect: int = e2e.EXIT_OK):
    run = e2e.run_coordnet_command(["export", result, *args], ranks=ranks)
    test.assertEqual(run.returncode, expect, e2e.describe(run))
    return run


def hdf5_graph(path: Path) -> tuple[dict[str, dict], dict[frozenset, dict]]:
    """Nodes {id: attributes} and edges {{id, id}: attributes} as the HDF5 file holds them."""
    accounts = e2e.read_accounts(path)
    ids = e2e.decode(accounts.pop("id"))
    nodes: dict[str, dict] = {i: {} for i in ids}
    for name, values in accounts.items():
        text = e2e.decode(values) if values.dtype.kind in "SO" else values.tolist()
        for i, v in zip(ids, text):
            nodes[i]["label" if name == "handle" else name] = v
    edges_h5 = e2e.read_edges(path)
    src, dst = edges_h5.pop("src").tolist(), edges_h5.pop("dst").tolist()
    edges: dict[frozenset, dict] = {}
    for k, (s, d) in enumerate(zip(src, dst)):
        edges[frozenset((ids[s], ids[d]))] = {
            name: (values[k].decode() if values.dtype.kind == "S" else values[k].item())
            for name, values in edges_h5.items() if values.shape == (len(src),)}
    with h5py.File(path, "r") as f:
        if "edge_evidence" in f:
            ev = {name: f[f"/edge_evidence/{name}"][:] for name in f["/edge_evidence"]}
            for edge in edges.values():
                edge["evidence"] = ""
            for k in range(len(ev["src"])):
                edge = edges[frozenset((ids[int(ev["src"][k])], ids[int(ev["dst"][k])]))]
                text = f"{ev['layer'][k].decode()} {ev['key'][k].decode()} ({ev['n_coactions'][k]})"
                edge["evidence"] += ("; " if edge["evidence"] else "") + text
    return nodes, edges


def read_gephi(folder: Path) -> nx.Graph:
    """The Gephi node and edge tables as a networkx graph, attribute names as in GraphML."""
    graph = nx.Graph()
    with open(folder / "nodes.csv", newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            node = row.pop("Id")
            graph.add_node(node, **{("label" if k == "Label" else k): v for k, v in row.items()})
    with open(folder / "edges.csv", newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            assert row.pop("Type") == "Undirected"
            s, t = row.pop("Source"), row.pop("Target")
            graph.add_edge(s, t, **{("weight" if k == "Weight" else k): v for k, v in row.items()})
    return graph


def same_value(expected: object, got: object) -> bool:
    """Equal after reading back: exact for ints and strings, bit-exact for floats."""
    if isinstance(expected, float):
        got = float(got)
        return (math.isnan(expected) and math.isnan(got)) or expected == got
    if isinstance(expected, int):
        return int(got) == expected
    return str(got) == expected


def assert_graph_matches(test: unittest.TestCase, graph: nx.Graph, path: Path, graphml: bool,
                         nodes_wanted: set[str] | None = None):
    """Fails ``test`` unless ``graph`` has the nodes, edges and attributes of ``path``."""
    nodes, edges = hdf5_graph(path)
    if graphml:  # GraphML leaves out empty strings
        for attributes in [*nodes.values(), *edges.values()]:
            for name in [n for n, v in attributes.items() if v == ""]:
                del attributes[name]
    if nodes_wanted is not None:
        nodes = {n: a for n, a in nodes.items() if n in nodes_wanted}
        edges = {e: a for e, a in edges.items() if e <= nodes_wanted}
    test.assertEqual(set(graph.nodes), set(nodes))
    test.assertEqual({frozenset(e) for e in graph.edges}, set(edges))
    for node, attributes in nodes.items():
        got = graph.nodes[node]
        test.assertEqual(set(got), set(attributes), node)
        for name, value in attributes.items():
            test.assertTrue(same_value(value, got[name]), f"{node} {name}: {value} != {got[name]}")
    for edge, attributes in edges.items():
        got = graph.edges[tuple(edge) if len(edge) == 2 else (next(iter(edge)),) * 2]
        test.assertEqual(set(got), set(attributes), edge)
        for name, value in attributes.items():
            test.assertTrue(same_value(value, got[name]), f"{edge} {name}: {value} != {got[name]}")



class RoundTrip(unittest.TestCase):
    """GraphML and Gephi CSV hold the same nodes, edges and attributes as the HDF5 file."""

    @classmethod
    def setUpClass(cls):
        cls.folder = e2e.temp_dir()
        cls.work = cls.folder.__enter__()
        cls.fixture = cls.work / "fixture.h5"
        fx.write_fixture(cls.fixture)
        cls.real = cls.work / "real.h5"
        run = e2e.run_coordnet([e2e.test_data_dir() / "events_small.csv"], cls.real, "-q")
        assert run.returncode == e2e.EXIT_OK, e2e.describe(run)

    @classmethod
    def tearDownClass(cls):
        cls.folder.__exit__(None, None, None)

    def results(self) -> list[Path]:
        return [self.fixture, self.real]

    def test_graphml_round_trip(self):
        for result in self.results():
            with self.subTest(result=result.name):
                out = result.with_suffix(".graphml")
                export(self, result, "--format", "graphml", "--out", out)
                graph = nx.read_graphml(out)
                self.assertFalse(graph.is_directed())
                assert_graph_matches(self, graph, result, graphml=True)
                # Typed keys: integers come back as int, floats as float.
                _, data = next(iter(graph.nodes(data=True)))
                self.assertIsInstance(data["n_actions"], int)
                self.assertIsInstance(next(iter(graph.edges(data=True)))[2]["weight"], float)

    def test_gephi_round_trip(self):
        for result in self.results():
            with self.subTest(result=result.name):
                out = result.parent / (result.stem + "_gephi")
                export(self, result, "--format", "gephi", "--out", out)
                assert_graph_matches(self, read_gephi(out), result, graphml=False)
                header = (out / "edges.csv").read_text(encoding="utf-8").splitlines()[0]
                self.assertTrue(header.startswith("Source,Target,Type,Weight,"), header)
                self.assertTrue((out / "nodes.csv").read_text().startswith("Id,Label,"))

    def test_edge_evidence_attribute(self):
        """The keys binding a pair, strongest first, as one `evidence` edge attribute."""
        out = self.work / "evidence.graphml"
        export(self, self.fixture, "--format", "graphml", "--out", out)
        graph = nx.read_graphml(out)
        self.assertEqual(graph.edges["u0", fx.IDS[1]]["evidence"],
                         "hashtag #vote (3); retweet 1111 (2)")
        self.assertEqual(graph.edges["u0", fx.IDS[2]]["evidence"], "hashtag #vote (1)")
        self.assertNotIn("evidence", graph.edges[fx.IDS[1], fx.IDS[2]])

    def test_directed_qut_result(self):
        work = e2e.make_temp_dir(self)
        result = work / "qut.h5"
        e2e.run_ok(self, [e2e.test_data_dir() / "events_small.csv"], result, "-q", "--compat",
                   "qut")
        export(self, result, "--format", "graphml", "--out", work / "qut.graphml")
        graph = nx.read_graphml(work / "qut.graphml")
        self.assertTrue(graph.is_directed())
        ids = e2e.decode(e2e.read_accounts(result)["id"])
        edges = e2e.read_edges(result)
        expected = {(ids[s], ids[d]): w for s, d, w in zip(edges["src"].tolist(),
                                                          edges["dst"].tolist(),
                                                          edges["weight"].tolist())}
        self.assertEqual({(s, t): a["weight"] for s, t, a in graph.edges(data=True)}, expected)
        export(self, result, "--format", "gephi", "--out", work / "g")
        with open(work / "g" / "edges.csv", newline="", encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
        self.assertEqual({r["Type"] for r in rows}, {"Directed"})
        self.assertEqual({(r["Source"], r["Target"]): int(r["Weight"]) for r in rows}, expected)

    def test_long_numeric_id_stays_a_string(self):
        result = self.fixture
        out = result.parent / "g"
        export(self, result, "--format", "gephi", "--out", out)
        nodes = (out / "nodes.csv").read_text(encoding="utf-8")
        self.assertIn("\n1234567890123456789,bravo,", nodes)
        self.assertIn('\n"odd,""id""",charlie,', nodes)

    def test_same_output_at_two_ranks(self):
        result = self.fixture
        one, two = result.parent / "one.graphml", result.parent / "two.graphml"
        export(self, result, "--format", "graphml", "--out", one)
        export(self, result, "--format", "graphml", "--out", two, ranks=2)
        self.assertEqual(one.read_bytes(), two.read_bytes())


class Filters(unittest.TestCase):
    """Filters pick communities, then their accounts and the edges among them."""

    def setUp(self):
        self.work = e2e.make_temp_dir(self)
        self.result = self.work / "fixture.h5"
        fx.write_fixture(self.result)

    def exported(self, *args: str) -> nx.Graph:
        out = self.work / "filtered.graphml"
        export(self, self.result, "--format", "graphml", "--out", out, *args)
        return nx.read_graphml(out)

    def members(self, *communities: int) -> set[str]:
        return {i for i, c in zip(fx.IDS, fx.COMMUNITY) if c in communities}

    def test_flagged_only(self):
        graph = self.exported("--flagged-only")
        self.assertEqual(set(graph.nodes), self.members(0, 1))
        # a3 - a4 joins two flagged communities: kept; a6 - a7 leaves them: dropped.
        self.assertEqual(graph.number_of_edges(), 7)
        self.assertTrue(graph.has_edge("u3", "u4"))
        self.assertFalse(graph.has_edge("u6", "u7"))
        assert_graph_matches(self, graph, self.result, graphml=True,
                             nodes_wanted=self.members(0, 1))

    def test_top_min_score_and_community(self):
        self.assertEqual(set(self.exported("--top", "1").nodes), self.members(0))
        self.assertEqual(set(self.exported("--min-score", "0.4").nodes), self.members(0, 1))
        self.assertEqual(set(self.exported("--community", "2").nodes), self.members(2))
        self.assertEqual(set(self.exported("--community", "2", "--community", "1",
                                           "--flagged-only").nodes), self.members(1))
        self.assertEqual(set(self.exported("--min-score", "0.95").nodes), set())

    def test_filter_needing_absent_dataset_is_a_data_error(self):
        plain = self.work / "plain.h5"
        fx.write_fixture(plain, analysis=False)
        for option in (["--flagged-only"], ["--min-score", "0.5"]):
            run = export(self, plain, "--format", "gephi", "--out", self.work / "x", *option,
                         expect=e2e.EXIT_DATA)
            self.assertIn("/communities/", run.stderr)
        run = export(self, plain, "--community", "7", expect=e2e.EXIT_DATA)
        self.assertIn("no community 7", run.stderr)

    def test_top_orders_by_size_without_rank(self):
        plain = self.work / "plain.h5"
        fx.write_fixture(plain, analysis=False)
        out = self.work / "s.json"
        export(self, plain, "--format", "json", "--top", "2", "--out", out)
        summary = json.loads(out.read_text())
        self.assertEqual(summary["selection"]["order"], "size")
        self.assertEqual([c["id"] for c in summary["communities"]], [0, 1])


class JsonSummary(unittest.TestCase):
    def test_fixture_summary(self):
        work = e2e.make_temp_dir(self)
        result = work / "fixture.h5"
        fx.write_fixture(result)
        export(self, result, "--format", "json", "--min-score", "0.2")
        summary = json.loads((work / "fixture.summary.json").read_text(encoding="utf-8"))
        self.assertEqual(summary["schema"], "coordnet/1")
        self.assertEqual(summary["ranks"], 2)
        self.assertEqual(summary["created"], "2026-11-29T00:00:00Z")  # a variable-length string
        self.assertEqual(summary["counts"], {
            "accounts": 9, "handles": 11, "edges": 9, "communities": 3, "communities_2plus": 3,
            "flagged_communities": 2, "flagged_accounts": 7})
        self.assertEqual(summary["rejects"], {"bad_timestamp": 2, "wrong_field_count": 1})
        self.assertEqual(summary["layers"], ["retweet", "hashtag"])
        self.assertEqual(summary["inputs"], [{"path": "events.csv", "size_bytes": 4096}])
        self.assertEqual(summary["stages"]["ingest"]["peak_rss_mib_max"], 42.5)
        self.assertEqual(summary["stages"]["cluster"]["communities"], 3)
        self.assertEqual(summary["selection"]["order"], "rank")
        first, second = summary["communities"]
        self.assertEqual((first["id"], first["rank"], first["size"], first["flagged"]),
                         (0, 1, 4, 1))
        self.assertEqual(first["density"], 0.8333333333333334)
        self.assertNotIn("excess_null", first)  # not one value per community
        self.assertEqual(first["evidence"][0], {
            "layer": "hashtag", "key": "#vote", "n_accounts": 4, "n_actions": 12,
            "first_ms": fx.T0_MS, "last_ms": fx.T0_MS + 600_000})
        self.assertEqual(second["evidence_rows"], 1)


class Inspect(unittest.TestCase):
    def test_fixture_summary_lines(self):
        work = e2e.make_temp_dir(self)
        result = work / "fixture.h5"
        fx.write_fixture(result)
        run = e2e.run_coordnet_command(["inspect", result])
        self.assertEqual(run.returncode, e2e.EXIT_OK, e2e.describe(run))
        lines = run.stdout.splitlines()
        counts = lines.index("counts")
        self.assertEqual(lines[counts + 1:counts + 9], [
            "  accounts             9", "  handles              11", "  edges                9",
            "  communities          3", "  communities_2plus    3", "  flagged_communities  2",
            "  flagged_accounts     7", "  layers               retweet,hashtag"])
        rejects = lines.index("rejects")
        self.assertEqual(lines[rejects + 1:rejects + 3],
                         ["  bad_timestamp        2", "  wrong_field_count    1"])
        self.assertIn("  ingest                0.250000      42.5  records 120, actions 118", lines)
        self.assertIn("  window = 60", lines)
        self.assertNotIn("  seed = 1", lines)  # generate.seed is not a parameter of the run
        self.assertIn("top 3 communities by rank", lines)
        self.assertIn("community 0: 4 accounts (flagged, rank 1, score 0.9)", lines)
        self.assertIn("    hashtag #vote: 4 accounts, 12 actions, "
                      "2023-11-14T22:13:20Z .. 2023-11-14T22:23:20Z", lines)
        self.assertLess(lines.index("community 0: 4 accounts (flagged, rank 1, score 0.9)"),
                        lines.index("community 1: 3 accounts (flagged, rank 2, score 0.5)"))

    def test_one_community_with_members_and_renames(self):
        work = e2e.make_temp_dir(self)
        result = work / "fixture.h5"
        fx.write_fixture(result)
        run = e2e.run_coordnet_command(["inspect", result, "--community", "0"], ranks=2)
        self.assertEqual(run.returncode, e2e.EXIT_OK, e2e.describe(run))
        lines = [line.split() for line in run.stdout.splitlines()]
        self.assertIn(["members", "(4", "of", "4):"], lines)
        self.assertIn(["u0", "alpha_3", "2", "1", "0.75", "10", "2", "organiser"], lines)
        self.assertIn(["1234567890123456789", "bravo", "2", "1", "0.1", "5", "0", "amplifier"],
                      lines)
        self.assertIn("handles: alpha (2023-11-14T22:13:20Z .. 2023-11-14T22:13:20.500Z) -> "
                      "alpha_2 (2023-11-14T22:13:21Z .. 2023-11-14T22:13:21.500Z) -> alpha_3",
                      run.stdout)
        self.assertNotIn("u4", run.stdout)

    def test_one_community_with_its_strongest_edges(self):
        work = e2e.make_temp_dir(self)
        result = work / "fixture.h5"
        fx.write_fixture(result)
        run = e2e.run_coordnet_command(["inspect", result, "--community", "0", "--max-edges", "2"])
        self.assertEqual(run.returncode, e2e.EXIT_OK, e2e.describe(run))
        shown = run.stdout[run.stdout.index("  strongest edges"):].splitlines()
        self.assertEqual(shown, [
            "  strongest edges (2 of 4), with the keys that bind them:",
            "    u0 - 1234567890123456789 (weight 5)",
            "      hashtag #vote: 3 co-actions, 2023-11-14T22:13:20Z .. 2023-11-14T22:13:50Z",
            "      retweet 1111: 2 co-actions, 2023-11-14T22:14:20Z .. 2023-11-14T22:14:21Z",
            '    u0 - odd,"id" (weight 4.5)',
            "      hashtag #vote: 1 co-actions, 2023-11-14T22:13:21Z .. 2023-11-14T22:13:22Z"])

    def test_real_run(self):
        work = e2e.make_temp_dir(self)
        result = work / "real.h5"
        e2e.run_ok(self, [e2e.test_data_dir() / "events_small.csv"], result, "-q")
        run = e2e.run_coordnet_command(["inspect", result])
        self.assertEqual(run.returncode, e2e.EXIT_OK, e2e.describe(run))
        with h5py.File(result, "r") as f:
            n_edges = f["/edges/src"].shape[0]
            n_accounts = f["/accounts/id"].shape[0]
        self.assertIn(f"  edges                {n_edges}", run.stdout.splitlines())
        self.assertIn(f"  accounts             {n_accounts}", run.stdout.splitlines())
        # A run writes /communities/rank; 5 communities: 2 bound by co-action beyond chance, and 3
        # accounts alone whose edges chance explains (clustering on excess, docs/detection.md §3).
        self.assertIn("top 5 communities by rank", run.stdout)


class BadFiles(unittest.TestCase):
    """Missing, corrupt or incomplete files give a clear error and exit code, never a crash."""

    def setUp(self):
        self.work = e2e.make_temp_dir(self)

    def check(self, path: Path, code: int, words: str, command: str = "export"):
        args = ["--format", "graphml", "--out", self.work / "o.graphml"] if command == "export" \
            else []
        run = e2e.run_coordnet_command([command, path, *args])
        self.assertEqual(run.returncode, code, e2e.describe(run))
        self.assertIn("coordnet: error", run.stderr)
        self.assertIn(words, run.stderr)
        self.assertFalse((self.work / "o.graphml").exists())

    def test_missing_file(self):
        for command in ("export", "inspect"):
            self.check(self.work / "absent.h5", e2e.EXIT_IO, "absent.h5", command)

    def test_not_hdf5(self):
        path = self.work / "text.h5"
        path.write_text("object_id,account_id\n")
        for command in ("export", "inspect"):
            self.check(path, e2e.EXIT_DATA, "not a readable HDF5 file", command)

    def test_truncated_file(self):
        path = self.work / "cut.h5"
        fx.write_fixture(path)
        data = path.read_bytes()
        path.write_bytes(data[:len(data) // 2])
        run = e2e.run_coordnet_command(["export", path, "--format", "graphml"])
        self.assertIn(run.returncode, (e2e.EXIT_DATA, e2e.EXIT_IO), e2e.describe(run))
        self.assertIn("coordnet: error", run.stderr)

    def test_missing_datasets(self):
        path = self.work / "partial.h5"
        fx.write_fixture(path)
        with h5py.File(path, "a") as f:
            del f["/edges/dst"]
        self.check(path, e2e.EXIT_DATA, "/edges/dst is missing")
        with h5py.File(path, "a") as f:
            del f["/accounts/id"]
            del f["/accounts/community"]
        self.check(path, e2e.EXIT_DATA, "/accounts/id is missing", "inspect")

    def test_edge_to_unknown_account(self):
        path = self.work / "bad_edge.h5"
        fx.write_fixture(path)
        with h5py.File(path, "a") as f:
            f["/edges/dst"][8] = 99
        self.check(path, e2e.EXIT_DATA, "/edges row 8 names account 99")


class AtomicOutput(unittest.TestCase):
    def test_failed_export_leaves_the_old_output(self):
        work = e2e.make_temp_dir(self)
        good, bad = work / "good.h5", work / "bad.h5"
        fx.write_fixture(good)
        fx.write_fixture(bad)
        with h5py.File(bad, "a") as f:
            f["/edges/dst"][8] = 99  # fails after every node was written
        for fmt, out in (("graphml", work / "out.graphml"), ("gephi", work / "gephi")):
            export(self, good, "--format", fmt, "--out", out)
            before = sorted(p.name for p in work.rglob("*"))
            snapshot = {p: p.read_bytes() for p in work.rglob("*") if p.is_file()}
            export(self, bad, "--format", fmt, "--out", out, expect=e2e.EXIT_DATA)
            self.assertEqual(sorted(p.name for p in work.rglob("*")), before)
            for p, data in snapshot.items():
                self.assertEqual(p.read_bytes(), data, p)


if __name__ == "__main__":
    unittest.main()
