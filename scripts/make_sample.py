#!/usr/bin/env python3
"""Generate a synthetic events CSV with planted coordinated campaigns.

The output is the long-format events CSV that ``coordnet run`` reads (docs/inputs.md)::

    object_id,account_id,content_id,timestamp_share,layer,handle

with unix-second timestamps. Same arguments give the same bytes (the random streams are seeded
from ``--seed``; chunk ``k`` draws from its own stream spawned from the seed).

Organic background
    * Account activity is heavy-tailed: account ``i`` (in a hidden order) is drawn with weight
      ``(i + 1) ** -account_zipf``; a few accounts act thousands of times, most a few times.
    * Object popularity is heavy-tailed the same way (``object_zipf``). Every object is posted at
      a time drawn over ``--days`` days with a daily cycle (busiest at 20:00 UTC, quietest at
      08:00); its retweets follow the post after a log-normal delay (median 20 minutes, a tail of
      days), so popular objects give organic co-retweets within seconds, as breaking news does.
    * A fraction ``--hashtag-fraction`` of rows is the hashtag layer: a Zipf-popular hashtag key
      (``tag<k>``) used at a daily-cycle time.

Planted campaigns (DESIGN.md §1)
    ``--campaigns`` disjoint groups of accounts (sizes uniform in [size/2, 3*size/2]) drawn from
    the whole account pool, so members also act organically. Each campaign is active for 1 to 3
    days and sends ``--signals`` "post now" signals in that span. A signal names an organic
    object to retweet (or, with probability ``--hashtag-fraction``, a hashtag to post); each
    member follows each signal with its own probability (uniform 0.4-0.95) after its own delay
    (1 s + exponential with a per-member mean of 2-25 s, capped at 60 s). A fraction
    ``--rename-fraction`` of campaign members is renamed at a random time in the campaign span:
    rows after it carry the new handle (``patriot_17``, ``daily_news_4``, ...); the account id
    stays.

Identifiers: account and object ids are 16 hex digits, content ids are 16 hex digits unique per
row (a bijective mix of the row number), handles are ``user<k>`` before any rename. Rows are
not sorted by time.

``--truth`` writes ``account_id,campaign`` (campaign 1..C) for every planted member.

Speed: rows are formatted with numpy into a fixed-width byte matrix per chunk (variable-width
fields padded with NUL bytes that are then squeezed out), so the generator writes well over
50 MB/s on one core.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

U8 = npt.NDArray[np.uint8]
I64 = npt.NDArray[np.int64]
U64 = npt.NDArray[np.uint64]

HEADER = b"object_id,account_id,content_id,timestamp_share,layer,handle\n"
HEX_DIGITS = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)
LAYER_RETWEET = 0
LAYER_HASHTAG = 1
LAYER_NAMES = (b"retweet", b"hashtag")  # both 7 bytes wide
RENAME_PREFIXES = ("patriot_", "daily_news_", "truth_voice_", "real_", "nation_first_")
# Handles are at most HANDLE_W bytes: the longest prefix (13) leaves 11 digits.
SECONDS_PER_DAY = 86_400
ORGANIC_DELAY_MEDIAN_S = 1_200.0
ORGANIC_DELAY_SIGMA = 1.5
SIGNAL_DELAY_CAP_S = 60.0

# Column widths of the fixed-width row matrix (NUL padding is squeezed out afterwards).
KEY_W, ID_W, TIME_W, LAYER_W, HANDLE_W = 16, 16, 10, 7, 24


@dataclass(frozen=True)
class Params:
    """Resolved generator parameters (defaults filled in from --rows)."""

    rows: int
    accounts: int
    objects: int
    hashtags: int
    campaigns: int
    campaign_size: int
    signals: int
    days: int
    start: int
    account_zipf: float
    object_zipf: float
    hashtag_fraction: float
    rename_fraction: float
    chunk_rows: int
    seed: int


@dataclass
class World:
    """Everything shared by all chunks: id tables, popularity, campaigns, renames."""

    account_hex: U8  # (accounts, 16)
    key_text: U8  # (objects + hashtags, 16), NUL padded; objects first
    handle_text: U8  # (accounts + renamed, 16), NUL padded
    # Draws give an activity rank (rank 0 the most active), mapped to an account index through a
    # hidden permutation, so campaign membership, handle numbers and activity are unrelated.
    rank_to_account: I64
    object_time: I64
    rename_time: I64  # per account; int64 max when never renamed
    renamed_handle: I64  # per account; row of handle_text after the rename, -1 when none
    campaign_of: npt.NDArray[np.int32]  # per account; 0 = organic, else 1..C
    campaign_rows: dict[str, np.ndarray]  # key, account, t, layer of all campaign rows


def splitmix64(x: U64) -> U64:
    """Bijective 64-bit mix (splitmix64 finaliser): distinct inputs give distinct outputs."""
    z = x.astype(np.uint64, copy=True)
    with np.errstate(over="ignore"):
        z ^= z >> np.uint64(30)
        z *= np.uint64(0xBF58476D1CE4E5B9)
        z ^= z >> np.uint64(27)
        z *= np.uint64(0x94D049BB133111EB)
        z ^= z >> np.uint64(31)
    return z


def hex16(values: U64) -> U8:
    """Formats uint64 values as 16 lower-case hex digits: an (n, 16) byte matrix."""
    be = values.astype(">u8").view(np.uint8).reshape(-1, 8)
    out = np.empty((be.shape[0], 16), dtype=np.uint8)
    out[:, 0::2] = HEX_DIGITS[be >> 4]
    out[:, 1::2] = HEX_DIGITS[be & 15]
    return out


def text_table(strings: list[str], width: int) -> U8:
    """ASCII strings as an (n, width) byte matrix, NUL padded on the right."""
    arr = np.array([s.encode("ascii") for s in strings], dtype=f"S{width}")
    return arr.view(np.uint8).reshape(len(strings), width)


def numbered_table(prefix: str, numbers: npt.NDArray[np.int64], width: int) -> U8:
    """Strings ``prefix + str(n)`` as an (n, width) NUL-padded byte matrix, vectorised."""
    if len(numbers) == 0:
        return np.zeros((0, width), dtype=np.uint8)
    text = np.char.add(prefix, np.char.mod("%d", numbers)).astype(f"S{width}")
    return text.view(np.uint8).reshape(len(numbers), width)


def five_digit_table() -> U8:
    """The 100000 five-digit decimal strings 00000..99999 as a (100000, 5) byte matrix."""
    n = np.arange(100_000, dtype=np.int64)
    out = np.empty((100_000, 5), dtype=np.uint8)
    for i in range(5):
        out[:, 4 - i] = 48 + (n // 10**i) % 10
    return out


FIVE_DIGITS = five_digit_table()


def draw_zipf(n: int, exponent: float, size: int, rng: np.random.Generator) -> I64:
    """size draws of ranks 0..n-1 with probability ~ (rank + 1) ** -exponent.

    Inverse transform of the continuous power law on [1, n + 1), floored: no table and no
    search, so it costs the same for any n (a searchsorted over a cumulative table of a million
    entries was the generator's slowest step).
    """
    u = rng.random(size)
    if abs(exponent - 1.0) < 1e-9:
        x = np.exp(u * np.log(n + 1.0))
    else:
        a = 1.0 - exponent
        x = (1.0 + u * ((n + 1.0) ** a - 1.0)) ** (1.0 / a)
    return np.clip(x.astype(np.int64) - 1, 0, n - 1)


def daily_cycle_times(n: int, p: Params, rng: np.random.Generator) -> I64:
    """Unix seconds over p.days days, minute of day weighted by a daily cycle."""
    minute = np.arange(1440, dtype=np.float64)
    density = 1.0 + 0.7 * np.cos(2.0 * np.pi * (minute / 1440.0 - 20.0 / 24.0))
    cdf = np.cumsum(density)
    cdf /= cdf[-1]
    m = np.minimum(np.searchsorted(cdf, rng.random(n), side="right"), 1439)
    day = rng.integers(0, p.days, n)
    return p.start + day * SECONDS_PER_DAY + m * 60 + rng.integers(0, 60, n)


def build_world(p: Params) -> World:
    """Draws the id tables, popularity laws, campaigns and renames (everything but chunks)."""
    rng = np.random.default_rng(np.random.SeedSequence([p.seed, 0]))
    salt = rng.integers(0, 2**62, 3, dtype=np.int64).astype(np.uint64)  # salt[2] is spare
    account_hex = hex16(splitmix64(np.arange(p.accounts, dtype=np.uint64) + salt[0]))
    object_ids = np.arange(p.objects, dtype=np.uint64) ^ (salt[1] << np.uint64(1))
    object_hex = hex16(splitmix64(object_ids))
    hashtag_text = numbered_table("tag", np.arange(p.hashtags, dtype=np.int64), KEY_W)
    key_text = np.concatenate([object_hex, hashtag_text])

    object_time = daily_cycle_times(p.objects, p, rng)

    # Campaigns: disjoint member sets drawn from the whole pool.
    lo, hi = max(2, p.campaign_size // 2), max(2, p.campaign_size + p.campaign_size // 2)
    sizes = rng.integers(lo, hi + 1, p.campaigns)
    if sizes.sum() > p.accounts:
        raise SystemExit(f"make_sample: {sizes.sum()} campaign members exceed "
                         f"--accounts {p.accounts}")
    pool = rng.permutation(p.accounts)[: sizes.sum()]
    campaign_of = np.zeros(p.accounts, dtype=np.int32)
    rename_time = np.full(p.accounts, np.iinfo(np.int64).max, dtype=np.int64)
    renamed_handle = np.full(p.accounts, -1, dtype=np.int64)
    rename_names: list[str] = []
    keys: list[np.ndarray] = []
    accounts: list[np.ndarray] = []
    times: list[np.ndarray] = []
    layers: list[np.ndarray] = []
    period_s = p.days * SECONDS_PER_DAY
    first = 0
    for c in range(p.campaigns):
        members = pool[first : first + sizes[c]]
        first += sizes[c]
        campaign_of[members] = c + 1
        span = int(rng.integers(1, 4)) * SECONDS_PER_DAY
        span = min(span, period_s)
        begin = p.start + int(rng.integers(0, period_s - span + 1))
        follow_p = rng.uniform(0.4, 0.95, len(members))
        delay_mean = rng.uniform(2.0, 25.0, len(members))
        signal_t = np.sort(begin + rng.integers(0, span, p.signals))
        signal_hashtag = rng.random(p.signals) < p.hashtag_fraction
        signal_key = np.where(
            signal_hashtag,
            p.objects + rng.integers(0, p.hashtags, p.signals),
            rng.integers(0, p.objects, p.signals),
        )
        follows = rng.random((p.signals, len(members))) < follow_p[None, :]
        delay = np.minimum(1.0 + rng.exponential(1.0, follows.shape) * delay_mean[None, :],
                           SIGNAL_DELAY_CAP_S)
        s_idx, m_idx = np.nonzero(follows)
        keys.append(signal_key[s_idx])
        accounts.append(members[m_idx].astype(np.int64))
        times.append(signal_t[s_idx] + np.round(delay[s_idx, m_idx]).astype(np.int64))
        layers.append(
            np.where(signal_hashtag[s_idx], LAYER_HASHTAG, LAYER_RETWEET).astype(np.uint8))
        renamed = members[rng.random(len(members)) < p.rename_fraction]
        for a in renamed:
            renamed_handle[a] = p.accounts + len(rename_names)
            rename_names.append(f"{RENAME_PREFIXES[len(rename_names) % len(RENAME_PREFIXES)]}"
                                f"{len(rename_names)}")
        rename_time[renamed] = begin + rng.integers(0, span, len(renamed))

    handle_text = np.concatenate([
        numbered_table("user", np.arange(p.accounts, dtype=np.int64), HANDLE_W),
        text_table(rename_names, HANDLE_W) if rename_names else np.zeros((0, HANDLE_W), np.uint8),
    ])
    campaign_rows = {
        "key": np.concatenate(keys) if keys else np.zeros(0, np.int64),
        "account": np.concatenate(accounts) if accounts else np.zeros(0, np.int64),
        "t": np.concatenate(times) if times else np.zeros(0, np.int64),
        "layer": np.concatenate(layers) if layers else np.zeros(0, np.uint8),
    }
    return World(account_hex=account_hex, key_text=key_text, handle_text=handle_text,
                 rank_to_account=rng.permutation(p.accounts), object_time=object_time,
                 rename_time=rename_time, renamed_handle=renamed_handle, campaign_of=campaign_of,
                 campaign_rows=campaign_rows)


def organic_rows(n: int, p: Params, w: World, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """n organic rows: key row, account index, time and layer."""
    hashtag = rng.random(n) < p.hashtag_fraction
    n_tag = int(hashtag.sum())
    key = np.empty(n, dtype=np.int64)
    t = np.empty(n, dtype=np.int64)
    objects = draw_zipf(p.objects, p.object_zipf, n - n_tag, rng)
    key[~hashtag] = objects
    delay = rng.lognormal(np.log(ORGANIC_DELAY_MEDIAN_S), ORGANIC_DELAY_SIGMA, n - n_tag)
    t[~hashtag] = w.object_time[objects] + delay.astype(np.int64)
    key[hashtag] = p.objects + draw_zipf(p.hashtags, p.object_zipf, n_tag, rng)
    t[hashtag] = daily_cycle_times(n_tag, p, rng)
    account = w.rank_to_account[draw_zipf(p.accounts, p.account_zipf, n, rng)]
    return {"key": key, "account": account, "t": t,
            "layer": np.where(hashtag, LAYER_HASHTAG, LAYER_RETWEET).astype(np.uint8)}


def format_rows(rows: dict[str, np.ndarray], first_row: int, w: World, salt: np.uint64) -> bytes:
    """Formats rows as CSV lines (one fixed-width matrix, NUL padding squeezed out)."""
    n = len(rows["key"])
    account = rows["account"]
    t = rows["t"]
    handle = np.where(t >= w.rename_time[account], w.renamed_handle[account], account)
    content = splitmix64(np.arange(first_row, first_row + n, dtype=np.uint64) + salt)

    widths = (KEY_W, ID_W, ID_W, TIME_W, LAYER_W, HANDLE_W)
    m = np.zeros((n, sum(widths) + len(widths)), dtype=np.uint8)
    col = 0

    def put(block: U8, width: int, last: bool = False) -> None:
        nonlocal col
        m[:, col : col + width] = block
        col += width
        m[:, col] = ord("\n") if last else ord(",")
        col += 1

    put(w.key_text[rows["key"]], KEY_W)
    put(w.account_hex[account], ID_W)
    put(hex16(content), ID_W)
    ts = np.empty((n, TIME_W), dtype=np.uint8)
    ts[:, :5] = FIVE_DIGITS[t // 100_000]
    ts[:, 5:] = FIVE_DIGITS[t % 100_000]
    put(ts, TIME_W)
    layer_table = np.frombuffer(b"".join(LAYER_NAMES), dtype=np.uint8).reshape(2, LAYER_W)
    put(layer_table[rows["layer"]], LAYER_W)
    put(w.handle_text[handle], HANDLE_W, last=True)
    flat = m.reshape(-1)
    return flat[flat != 0].tobytes()


def resolve(args: argparse.Namespace) -> Params:
    """Fills the defaults that scale with --rows and checks the ranges."""
    rows: int = args.rows
    accounts = args.accounts or max(1_000, rows // 20)
    objects = args.objects or max(100, rows // 10)
    hashtags = args.hashtags or max(50, rows // 500)
    if rows <= 0 or accounts <= 0 or objects <= 0 or hashtags <= 0 or args.days <= 0:
        raise SystemExit("make_sample: --rows, --accounts, --objects, --hashtags and --days "
                         "must be positive")
    if not (0.0 <= args.hashtag_fraction <= 1.0 and 0.0 <= args.rename_fraction <= 1.0):
        raise SystemExit("make_sample: --hashtag-fraction and --rename-fraction must be in [0, 1]")
    if args.campaigns < 0 or args.campaign_size < 2 or args.signals < 1 or args.chunk_rows < 1:
        raise SystemExit("make_sample: need --campaigns >= 0, --campaign-size >= 2, --signals >= 1 "
                         "and --chunk-rows >= 1")
    if not 1_000_000_000 <= args.start <= 9_999_999_999 - args.days * SECONDS_PER_DAY * 2:
        raise SystemExit("make_sample: --start must keep timestamps at 10 digits")
    return Params(rows=rows, accounts=accounts, objects=objects, hashtags=hashtags,
                  campaigns=args.campaigns, campaign_size=args.campaign_size, signals=args.signals,
                  days=args.days, start=args.start, account_zipf=args.account_zipf,
                  object_zipf=args.object_zipf, hashtag_fraction=args.hashtag_fraction,
                  rename_fraction=args.rename_fraction, chunk_rows=args.chunk_rows, seed=args.seed)


def generate(p: Params, out: Path, truth: Path | None, quiet: bool = False) -> int:
    """Writes the CSV (to OUT.tmp, renamed when complete) and the truth file; returns bytes."""
    world = build_world(p)
    camp = world.campaign_rows
    n_campaign = len(camp["key"])
    if n_campaign > p.rows:
        raise SystemExit(f"make_sample: campaigns alone need {n_campaign} rows > --rows {p.rows}")
    n_chunks = max(1, -(-p.rows // p.chunk_rows))
    chunk_sizes = np.full(n_chunks, p.rows // n_chunks, dtype=np.int64)
    chunk_sizes[: p.rows % n_chunks] += 1
    rng0 = np.random.default_rng(np.random.SeedSequence([p.seed, 1]))
    # Campaign rows are spread over the chunks in proportion to chunk size.
    camp_chunk = np.searchsorted(np.cumsum(chunk_sizes), rng0.integers(0, p.rows, n_campaign),
                                 side="right")
    content_salt = np.uint64(rng0.integers(0, 2**62))

    tmp = out.with_name(out.name + ".tmp")
    out.parent.mkdir(parents=True, exist_ok=True)
    written = 0
    first_row = 0
    started = time.monotonic()
    with open(tmp, "wb", buffering=0) as f:
        f.write(HEADER)
        written += len(HEADER)
        for k in range(n_chunks):
            rng = np.random.default_rng(np.random.SeedSequence([p.seed, 2, k]))
            mine = np.nonzero(camp_chunk == k)[0]
            n_org = int(chunk_sizes[k]) - len(mine)
            if n_org < 0:
                raise SystemExit("make_sample: too many campaign rows for the chunk size")
            org = organic_rows(n_org, p, world, rng)
            rows = {c: np.concatenate([org[c], camp[c][mine]]) for c in org}
            order = rng.permutation(len(rows["key"]))
            rows = {c: v[order] for c, v in rows.items()}
            data = format_rows(rows, first_row, world, content_salt)
            f.write(data)
            written += len(data)
            first_row += len(order)
            if not quiet:
                elapsed = time.monotonic() - started
                print(f"make_sample: {first_row}/{p.rows} rows, {written / 1e6:.0f} MB, "
                      f"{written / 1e6 / max(elapsed, 1e-9):.0f} MB/s", file=sys.stderr)
    os.replace(tmp, out)

    if truth is not None:
        members = np.nonzero(world.campaign_of)[0]
        lines = [b"account_id,campaign\n"]
        ids = world.account_hex[members].view("S16").reshape(-1)
        lines += [b"%s,%d\n" % (i, c) for i, c in zip(ids, world.campaign_of[members])]
        truth.parent.mkdir(parents=True, exist_ok=True)
        truth.write_bytes(b"".join(lines))
    if not quiet:
        elapsed = time.monotonic() - started
        print(f"make_sample: wrote {out} ({p.rows} rows, {n_campaign} campaign rows, "
              f"{written / 1e6:.1f} MB in {elapsed:.1f} s)", file=sys.stderr)
    return written


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    ap.add_argument("--out", type=Path, required=True, help="output CSV")
    ap.add_argument("--truth", type=Path, help="also write account_id,campaign of planted members")
    ap.add_argument("--rows", type=int, default=200_000, help="data rows (exact)")
    ap.add_argument("--accounts", type=int, default=0, help="accounts (0: rows / 20)")
    ap.add_argument("--objects", type=int, default=0, help="retweetable objects (0: rows / 10)")
    ap.add_argument("--hashtags", type=int, default=0, help="hashtag keys (0: rows / 500)")
    ap.add_argument("--campaigns", type=int, default=20, help="planted campaigns")
    ap.add_argument("--campaign-size", type=int, default=25,
                    help="mean members per campaign (uniform in [size/2, 3*size/2])")
    ap.add_argument("--signals", type=int, default=40, help="'post now' signals per campaign")
    ap.add_argument("--days", type=int, default=7, help="time span of the data")
    ap.add_argument("--start", type=int, default=1_699_920_000,
                    help="unix second of the first day (default 2023-11-14 00:00 UTC)")
    ap.add_argument("--account-zipf", type=float, default=0.5, help="activity exponent")
    ap.add_argument("--object-zipf", type=float, default=0.6, help="popularity exponent")
    ap.add_argument("--hashtag-fraction", type=float, default=0.1,
                    help="fraction of rows (and of signals) in the hashtag layer")
    ap.add_argument("--rename-fraction", type=float, default=0.3,
                    help="fraction of campaign members renamed mid-campaign")
    ap.add_argument("--chunk-rows", type=int, default=1 << 20,
                    help="rows generated and written per chunk (memory ~ 200 B per row)")
    ap.add_argument("--seed", type=int, default=1, help="random seed")
    ap.add_argument("-q", "--quiet", action="store_true", help="no progress lines")
    return ap.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Entry point."""
    args = parse_args(argv)
    generate(resolve(args), args.out, args.truth, quiet=args.quiet)
    return 0


if __name__ == "__main__":
    sys.exit(main())
