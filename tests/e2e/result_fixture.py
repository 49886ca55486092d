"""A small coordnet result file written with h5py, for the export, inspect and report tests.

It holds what ``coordnet run`` writes today (docs/schema.md) plus the datasets the analysis and
flagging stages add (per-community features, score, rank, flagged, evidence; per-account roles;
the keys binding edges),
so the tools are tested against both. Nine accounts in three communities::

    community 0 (rank 1, flagged): a0 - a1 - a2 - a3, a0 - a2        a3 - a4 (across)
    community 1 (rank 2, flagged): a4 - a5 - a6                        a6 - a7 (across)
    community 2 (rank 3):          a7 - a8

Account 1 has a 19-digit numeric id (Gephi must keep it a string), account 2 an id with a comma
and a quote, account 5 a non-ASCII handle and account 0 was renamed twice. The actions kept for
the timeline (``/communities/actions``) are those of communities 0 and 1 (a3 has none kept).
"""

from __future__ import annotations

import os

import h5py
import numpy as np

IDS = ["u0", "1234567890123456789", 'odd,"id"', "u3", "u4", "u5", "u6", "u7", "u8"]
HANDLES = ["alpha_3", "bravo", "charlie", "delta", "echo", "föxtrot", "golf", "hotel", "india"]
COMMUNITY = [0, 0, 0, 0, 1, 1, 1, 2, 2]
EDGES = [(0, 1), (0, 2), (1, 2), (2, 3), (3, 4), (4, 5), (5, 6), (6, 7), (7, 8)]
T0_MS = 1_700_000_000_000

CONFIG = 'run.out="fixture.h5"\nrun.window=60\nrun.compat="none"\ngenerate.seed=1\n'
STAGES = ("[ingest]\nseconds_min = 0.100000\nseconds_max = 0.250000\nseconds_mean = 0.175000\n"
          "peak_rss_mib_min = 20.0\npeak_rss_mib_max = 42.5\npeak_rss_mib_mean = 31.2\n"
          "records = 120\nactions = 118\n"
          "[cluster]\nseconds_min = 0.010000\nseconds_max = 0.020000\nseconds_mean = 0.015000\n"
          "peak_rss_mib_min = 21.0\npeak_rss_mib_max = 44.0\npeak_rss_mib_mean = 32.5\n"
          "communities = 3\n")


def fixed(values: list[str]) -> np.ndarray:
    """Fixed-length NUL-padded UTF-8 strings, as coordnet writes them."""
    encoded = [v.encode("utf-8") for v in values]
    return np.array(encoded, dtype=f"S{max(1, max((len(e) for e in encoded), default=1))}")


def write_fixture(path: str | os.PathLike[str], analysis: bool = True) -> None:
    """Writes the fixture; ``analysis=False`` leaves out what later stages add."""
    with h5py.File(path, "w") as f:
        for name, value in [("schema", "coordnet/1"), ("version", "0.1.0"), ("git_sha", "abc"),
                            ("config", CONFIG), ("stages", STAGES)]:
            f.attrs[name] = np.bytes_(value.encode())
        f.attrs["created"] = "2026-11-29T00:00:00Z"  # variable-length UTF-8, as h5py writes str
        f.attrs["ranks"] = np.int64(2)
        a = f.create_group("accounts")
        a["id"] = fixed(IDS)
        a["handle"] = fixed(HANDLES)
        a["n_actions"] = np.array([10, 5, 6, 7, 8, 9, 4, 3, 2], dtype="u8")
        a["n_renames"] = np.array([2, 0, 0, 0, 0, 0, 0, 0, 0], dtype="u4")
        a["community"] = np.array(COMMUNITY, dtype="u8")
        h = f.create_group("handles")
        h["account"] = np.array([0, 0, 0] + list(range(1, 9)), dtype="u8")
        h["handle"] = fixed(["alpha", "alpha_2", "alpha_3"] + HANDLES[1:])
        h["first_seen_ms"] = np.array([T0_MS, T0_MS + 1000, T0_MS + 2000] + [T0_MS] * 8, "i8")
        h["last_seen_ms"] = np.array([T0_MS + 500, T0_MS + 1500, T0_MS + 9000] + [T0_MS + 9000] * 8,
                                     "i8")
        h["n_actions"] = np.array([3, 3, 4, 5, 6, 7, 8, 9, 4, 3, 2], dtype="u8")
        e = f.create_group("edges")
        e["src"] = np.array([s for s, _ in EDGES], dtype="u8")
        e["dst"] = np.array([d for _, d in EDGES], dtype="u8")
        e["weight"] = np.array([5.0, 4.5, 3.0, 2.0, 1.0, 6.0, 2.5, 1.5, 7.0])
        e["count"] = np.array([5, 4, 3, 2, 1, 6, 2, 1, 7], dtype="u8")
        e["n_keys"] = np.array([3, 3, 2, 2, 1, 4, 2, 1, 5], dtype="u8")
        e["mean_delay_s"] = np.array([1.5, 2.25, 0.1, 30.0, 59.0, 0.5, 12.0, 45.0, 1e-3])
        e["first_ms"] = np.array([T0_MS + 100 * i for i in range(9)], dtype="i8")
        e["last_ms"] = np.array([T0_MS + 5000 + 100 * i for i in range(9)], dtype="i8")
        e["weight_retweet"] = np.array([5.0, 4.0, 3.0, 2.0, 1.0, 6.0, 2.5, 1.5, 7.0])
        e["weight_hashtag"] = np.array([0.0, 0.5, 0, 0, 0, 0, 0, 0, 0])
        e.attrs["layers"] = np.bytes_(b"retweet,hashtag")
        c = f.create_group("communities")
        c["id"] = np.arange(3, dtype="u8")
        c["size"] = np.array([4, 3, 2], dtype="u8")
        r = f.create_group("rejects")
        r["reason"] = fixed(["bad_timestamp", "wrong_field_count"])
        r["count"] = np.array([2, 1], dtype="u8")
        i = f.create_group("inputs")
        i["path"] = fixed(["events.csv"])
        i["size_bytes"] = np.array([4096], dtype="u8")
        if not analysis:
            return
        # Variable-length strings (h5py's default for str), which coordnet itself never writes.
        a.create_dataset("role", dtype=h5py.string_dtype(), data=[
            "organiser", "amplifier", "amplifier", "periphery", "organiser", "amplifier",
            "periphery", "amplifier", "amplifier"])
        a["coreness"] = np.array([2, 2, 2, 1, 1, 1, 1, 1, 1], dtype="u8")
        a["leader_share"] = np.array([0.75, 0.1, 0.05, 0.0, 0.6, 0.2, 0.1, 0.5, 0.5])
        a["flagged"] = np.array([1, 1, 1, 1, 1, 1, 1, 0, 0], dtype="u1")
        c["density"] = np.array([0.8333333333333334, 0.6666666666666666, 1.0])
        c["median_delay_s"] = np.array([1.5, 6.25, 0.001])
        c["layer_share_retweet"] = np.array([0.96, 1.0, 1.0])
        c["score"] = np.array([0.9, 0.5, 0.1])
        c["rank"] = np.array([1, 2, 3], dtype="u8")
        c["flagged"] = np.array([1, 1, 0], dtype="u1")
        c["excess_null"] = np.array([0.5, 0.25])  # two statistics, not one per community
        ev = c.create_group("evidence")
        ev["community"] = np.array([0, 0, 1, 2], dtype="u8")
        ev["layer"] = fixed(["hashtag", "retweet", "url", "retweet"])
        ev["key"] = fixed(["#vote", "1111", "http://x.example/a", "2222"])
        ev["n_accounts"] = np.array([4, 3, 3, 2], dtype="u8")
        ev["n_actions"] = np.array([12, 6, 5, 2], dtype="u8")
        ev["first_ms"] = np.array([T0_MS, T0_MS + 60_000, T0_MS + 1500, T0_MS], dtype="i8")
        ev["last_ms"] = np.array([T0_MS + 600_000, T0_MS + 90_000, T0_MS + 2500, T0_MS + 30_000],
                                 dtype="i8")
        # Timeline actions: (community, account, seconds after T0, layer, coordinated, evidence).
        kept = [(0, 0, 0, "hashtag", 1, 0), (0, 0, 60, "retweet", 1, 1),
                (0, 0, 7200, "url", 0, -1), (0, 1, 5, "hashtag", 1, 0),
                (0, 1, 65, "retweet", 1, 1), (0, 2, 20, "hashtag", 1, 0),
                (0, 2, 600, "hashtag", 1, 0), (0, 2, 3600, "retweet", 1, -1),
                (1, 4, 1, "url", 1, 0), (1, 5, 2, "url", 1, 0), (1, 6, 2, "url", 1, 0)]
        ac = c.create_group("actions")
        ac["community"] = np.array([k[0] for k in kept], dtype="u8")
        ac["account"] = np.array([k[1] for k in kept], dtype="u8")
        ac["t_ms"] = np.array([T0_MS + 1000 * k[2] for k in kept], dtype="i8")
        ac["layer"] = fixed([k[3] for k in kept])
        ac["coordinated"] = np.array([k[4] for k in kept], dtype="u1")
        ac["evidence_order"] = np.array([k[5] for k in kept], dtype="i4")
        # Keys binding internal edges: a0-a1 (two keys), a0-a2 (one); a1-a2 and others none.
        ee = f.create_group("edge_evidence")
        ee["src"] = np.array([0, 0, 0], dtype="u8")
        ee["dst"] = np.array([1, 1, 2], dtype="u8")
        ee["layer"] = fixed(["hashtag", "retweet", "hashtag"])
        ee["key"] = fixed(["#vote", "1111", "#vote"])
        ee["n_coactions"] = np.array([3, 2, 1], dtype="u8")
        ee["first_ms"] = np.array([T0_MS, T0_MS + 60_000, T0_MS + 1000], dtype="i8")
        ee["last_ms"] = np.array([T0_MS + 30_000, T0_MS + 61_000, T0_MS + 2000], dtype="i8")
