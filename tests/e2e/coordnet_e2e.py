"""Shared helpers for the coordnet end-to-end tests.

The tests run the real ``coordnet`` binary under ``mpiexec`` and read its HDF5 output back with
h5py. They are registered in ``tests/CMakeLists.txt`` and run by ctest with these variables set:

``COORDNET_BIN``
    the coordnet executable (default: ``build/ci/pipeline/coordnet`` under the repository root);
``COORDNET_MPIEXEC``
    the MPI launcher (default: ``mpiexec`` on ``PATH``);
``COORDNET_SHARED_DATA``
    the third-party data folder (default: ``../shared/data`` next to the repository root);
``COORDNET_TEST_DATA``
    the project's own fixtures (default: ``tests/data``).

A test script that cannot run (its data is absent) calls :func:`skip`, which exits with
:data:`SKIP_EXIT_CODE`; ctest reports that as "skipped". ``skip`` must be called outside a
running test method (unittest would record the ``SystemExit`` as an error); inside a test use
``unittest.SkipTest``.

Set ``COORDNET_E2E_KEEP=1`` to keep the temporary folders of a run for inspection.
"""

from __future__ import annotations

import contextlib
import csv
import datetime
import decimal
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import unittest
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import NoReturn

import h5py
import numpy as np

SKIP_EXIT_CODE = 77
"""Exit status that ctest's SKIP_RETURN_CODE maps to "skipped"."""

SANITIZER_REPORT = re.compile(r"^SUMMARY: \w+Sanitizer|: runtime error: ", re.MULTILINE)
"""A line of every AddressSanitizer and LeakSanitizer report (its summary) and of every
UndefinedBehaviorSanitizer report (which, stopping at the first error, prints no summary)."""

DEFAULT_TIMEOUT_S = 120.0
"""Wall-clock limit of one coordnet run; a hung MPI job fails the test instead of blocking."""

REPO_ROOT = Path(__file__).resolve().parents[2]

# Exit codes of coordnet (core/errors.hpp; sysexits.h values).
EXIT_OK = 0
EXIT_USAGE = 64
EXIT_DATA = 65
EXIT_IO = 74
EXIT_CONFIG = 78


def skip(msg: str) -> NoReturn:
    """Print why the test script is skipped and exit with status 77 (ctest: skipped)."""
    print(f"SKIPPED: {msg}", flush=True)
    sys.stderr.flush()
    sys.exit(SKIP_EXIT_CODE)


def coordnet_bin() -> Path:
    """The coordnet executable: $COORDNET_BIN, else the CI build of this checkout.

    Raises FileNotFoundError (so the test fails, not skips) when there is none: a missing binary
    is a broken build, not missing data.
    """
    path = Path(os.environ.get("COORDNET_BIN", REPO_ROOT / "build/ci/pipeline/coordnet"))
    if not path.is_file() or not os.access(path, os.X_OK):
        raise FileNotFoundError(
            f"coordnet binary not found or not executable: {path} (set COORDNET_BIN)")
    return path


def mpiexec() -> str:
    """The MPI launcher: $COORDNET_MPIEXEC, else ``mpiexec`` from PATH."""
    launcher = os.environ.get("COORDNET_MPIEXEC") or shutil.which("mpiexec")
    if not launcher:
        raise FileNotFoundError("no MPI launcher: set COORDNET_MPIEXEC or put mpiexec on PATH")
    return launcher


def shared_data_dir() -> Path:
    """The third-party data folder ($COORDNET_SHARED_DATA, else ../shared/data); may not exist."""
    return Path(os.environ.get("COORDNET_SHARED_DATA", REPO_ROOT.parent / "shared/data"))


def test_data_dir() -> Path:
    """The project's own fixtures ($COORDNET_TEST_DATA, else tests/data)."""
    return Path(os.environ.get("COORDNET_TEST_DATA", REPO_ROOT / "tests/data"))


def shared_file(relative: str) -> Path | None:
    """Path of a file under the shared data folder, or None when it is absent."""
    path = shared_data_dir() / relative
    return path if path.is_file() else None


def require_shared_file(relative: str) -> Path:
    """Path of a shared data file; calls :func:`skip` (exit 77) when it is absent.

    For use at module level / in ``if __name__ == "__main__"`` only.
    """
    path = shared_file(relative)
    if path is None:
        skip(f"shared data file {shared_data_dir() / relative} is absent "
             "(set COORDNET_SHARED_DATA to the folder holding the third-party data)")
    return path


def shared_file_or_skip_test(relative: str) -> Path:
    """Path of a shared data file; raises unittest.SkipTest when it is absent (inside tests)."""
    path = shared_file(relative)
    if path is None:
        raise unittest.SkipTest(f"shared data file {shared_data_dir() / relative} is absent")
    return path


def run_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment for an MPI run: ours, plus what Open MPI needs in a container."""
    env = dict(os.environ)
    env.setdefault("OMPI_MCA_rmaps_base_oversubscribe", "1")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        env.setdefault("OMPI_ALLOW_RUN_AS_ROOT", "1")
        env.setdefault("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1")
    if extra:
        env.update(extra)
    return env


def run_coordnet(inputs: Sequence[str | os.PathLike[str]], out: str | os.PathLike[str],
                 *args: str, ranks: int = 2, env: Mapping[str, str] | None = None,
                 timeout_s: float = DEFAULT_TIMEOUT_S,
                 cwd: str | os.PathLike[str] | None = None) -> subprocess.CompletedProcess[str]:
    """Runs ``mpiexec -np RANKS coordnet run INPUTS -o OUT ARGS...`` (see run_coordnet_command)."""
    return run_coordnet_command(["run", *inputs, "-o", out, *args], ranks=ranks,
                                timeout_s=timeout_s, env=env, cwd=cwd)


def run_coordnet_command(args: Sequence[str | os.PathLike[str]], ranks: int = 1,
                         timeout_s: float = DEFAULT_TIMEOUT_S,
                         env: Mapping[str, str] | None = None,
                         cwd: str | os.PathLike[str] | None = None
                         ) -> subprocess.CompletedProcess[str]:
    """Runs ``mpiexec -np RANKS coordnet ARGS...`` (any subcommand) and waits for it.

    Returns the CompletedProcess (text stdout/stderr); the exit status is not checked, so tests
    can assert on failures. When the run exceeds ``timeout_s`` the whole process group (mpiexec
    and its ranks) is killed and AssertionError is raised, and so it is when a sanitizer reported
    an error (sanitized builds, docs/fuzzing.md), even in a run expected to fail.
    """
    command = [mpiexec(), "--oversubscribe", "-np", str(ranks), str(coordnet_bin()),
               *(str(a) for a in args)]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                          env=run_env(env), cwd=cwd, start_new_session=True) as proc:
        try:
            stdout, stderr = proc.communicate(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            stdout, stderr = proc.communicate()
            raise AssertionError(
                f"coordnet timed out after {timeout_s} s: {' '.join(command)}\n"
                f"stdout:\n{stdout}\nstderr:\n{stderr}") from None
    result = subprocess.CompletedProcess(command, proc.returncode, stdout, stderr)
    if SANITIZER_REPORT.search(stderr):
        raise AssertionError(f"sanitizer report\n{describe(result)}")
    return result


def describe(result: subprocess.CompletedProcess[str]) -> str:
    """A failure message with the command, its exit status and its output."""
    return (f"command: {' '.join(map(str, result.args))}\nexit status: {result.returncode}\n"
            f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}")


def run_ok(test: unittest.TestCase, inputs: Sequence[str | os.PathLike[str]],
           out: str | os.PathLike[str], *args: str, ranks: int = 2,
           env: Mapping[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """:func:`run_coordnet`, failing ``test`` unless it exits 0 and wrote ``out``."""
    result = run_coordnet(inputs, out, *args, ranks=ranks, env=env)
    test.assertEqual(result.returncode, EXIT_OK, describe(result))
    test.assertTrue(Path(out).is_file(), f"no output file {out}\n{describe(result)}")
    return result


def make_temp_dir(test: unittest.TestCase, prefix: str = "coordnet-e2e-") -> Path:
    """A fresh temporary folder, removed when ``test`` ends (kept if $COORDNET_E2E_KEEP is set)."""
    path = Path(tempfile.mkdtemp(prefix=prefix))
    if not os.environ.get("COORDNET_E2E_KEEP"):
        test.addCleanup(shutil.rmtree, path, ignore_errors=True)
    else:
        print(f"keeping {path}", file=sys.stderr)
    return path


@contextlib.contextmanager
def temp_dir(prefix: str = "coordnet-e2e-") -> Iterator[Path]:
    """Context manager: a fresh temporary folder, removed on exit (unless $COORDNET_E2E_KEEP)."""
    path = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        yield path
    finally:
        if os.environ.get("COORDNET_E2E_KEEP"):
            print(f"keeping {path}", file=sys.stderr)
        else:
            shutil.rmtree(path, ignore_errors=True)


def decode(values: np.ndarray) -> list[str]:
    """Fixed-length byte strings (as coordnet writes them) to Python str."""
    return [v.decode("utf-8") if isinstance(v, bytes) else str(v) for v in values.tolist()]


def read_group(path: str | os.PathLike[str], group: str) -> dict[str, np.ndarray]:
    """Every dataset directly under ``group`` as a numpy array, by name."""
    with h5py.File(path, "r") as f:
        return {name: obj[()] for name, obj in f[group].items() if isinstance(obj, h5py.Dataset)}


def read_edges(path: str | os.PathLike[str], layer: str | None = None) -> dict[str, np.ndarray]:
    """The fused /edges datasets, or those of one layer (/edges_by_layer/LAYER)."""
    return read_group(path, "/edges" if layer is None else f"/edges_by_layer/{layer}")


def read_accounts(path: str | os.PathLike[str]) -> dict[str, np.ndarray]:
    """The /accounts datasets: id, handle (byte strings), n_actions, n_renames."""
    return read_group(path, "/accounts")


def edge_pairs_by_id(path: str | os.PathLike[str]) -> dict[tuple[str, str], int]:
    """The edges as {(smaller id, larger id): count}, with account indices mapped to ids."""
    edges = read_edges(path)
    ids = decode(read_accounts(path)["id"])
    pairs: dict[tuple[str, str], int] = {}
    for s, d, c in zip(edges["src"].tolist(), edges["dst"].tolist(), edges["count"].tolist()):
        a, b = sorted((ids[s], ids[d]))
        if (a, b) in pairs:
            raise AssertionError(f"edge {a} - {b} listed twice in {path}")
        pairs[(a, b)] = int(c)
    return pairs


def n_connected_accounts(edges: Mapping[str, np.ndarray]) -> int:
    """Number of distinct accounts with at least one edge."""
    return int(np.union1d(edges["src"], edges["dst"]).size)


def all_datasets(path: str | os.PathLike[str]) -> dict[str, np.ndarray]:
    """Every dataset in the file, by absolute path, read whole."""
    found: dict[str, np.ndarray] = {}
    with h5py.File(path, "r") as f:
        def visit(name: str, obj: h5py.HLObject) -> None:
            if isinstance(obj, h5py.Dataset):
                found["/" + name] = obj[()]
        f.visititems(visit)
    return found


def dataset_differences(path_a: str | os.PathLike[str],
                        path_b: str | os.PathLike[str]) -> list[str]:
    """Differences between the datasets of two files (names, dtypes, shapes, values).

    Exact comparison: floats must match bit for bit (NaN equals NaN). Attributes are ignored.
    Returns an empty list when every dataset is identical.
    """
    a, b = all_datasets(path_a), all_datasets(path_b)
    problems: list[str] = []
    for name in sorted(set(a) ^ set(b)):
        problems.append(f"{name}: only in {path_a if name in a else path_b}")
    for name in sorted(set(a) & set(b)):
        x, y = a[name], b[name]
        if x.dtype != y.dtype:
            problems.append(f"{name}: dtype {x.dtype} != {y.dtype}")
        elif x.shape != y.shape:
            problems.append(f"{name}: shape {x.shape} != {y.shape}")
        elif x.dtype.kind == "f":
            if not np.array_equal(x.view(f"u{x.dtype.itemsize}"), y.view(f"u{y.dtype.itemsize}")):
                bad = np.flatnonzero(x.view(f"u{x.dtype.itemsize}") !=
                                     y.view(f"u{y.dtype.itemsize}"))
                problems.append(f"{name}: {bad.size} values differ, first at [{bad[0]}]: "
                                f"{x[bad[0]]!r} != {y[bad[0]]!r}")
        elif not np.array_equal(x, y):
            bad = np.flatnonzero(x != y) if x.shape else np.array([0])
            where = f"[{bad[0]}]: {x[bad[0]]!r} != {y[bad[0]]!r}" if x.shape else f"{x!r} != {y!r}"
            problems.append(f"{name}: {bad.size} values differ, first at {where}")
    return problems


def assert_same_datasets(test: unittest.TestCase, path_a: str | os.PathLike[str],
                         path_b: str | os.PathLike[str], what: str = "") -> None:
    """Fails ``test`` unless both files hold the same datasets with equal dtypes and values."""
    problems = dataset_differences(path_a, path_b)
    test.assertEqual(problems, [], f"{what}: datasets of {path_a} and {path_b} differ:\n" +
                     "\n".join(problems))


def attr_text(value: object) -> str:
    """A string attribute as str, whether h5py returns it as bytes, numpy.bytes_ or str."""
    if isinstance(value, (bytes, np.bytes_)):
        return bytes(value).decode("utf-8")
    if isinstance(value, np.ndarray) and value.shape == ():
        return attr_text(value[()])
    return str(value)


def parse_time_ms(text: str) -> int:
    """An events-CSV timestamp (unix seconds, maybe fractional, or ISO-8601) in integer ms."""
    try:
        return int(decimal.Decimal(text) * 1000)
    except decimal.InvalidOperation:
        parsed = datetime.datetime.fromisoformat(text)
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=datetime.timezone.utc)
        return round(parsed.timestamp() * 1000)


def reference_coactions(path: str | os.PathLike[str], window_s: float,
                        layer: str = "retweet") -> dict[tuple[str, str], tuple[int, int, int, int]]:
    """Brute-force co-action edges of a clean events CSV, as an independent reference.

    Follows the documented semantics (kernels/coaction.hpp): exact duplicate actions (same key,
    account, content and time) count once; every pair of actions on one key by different
    accounts with |dt| <= window is one co-action. Rows whose ``layer`` is empty are retweets.
    Returns {(smaller id, larger id): (count, n_keys, min_delay_ms, sum_delay_ms)}.
    """
    window_ms = round(window_s * 1000)
    by_key: dict[str, set[tuple[str, str, int]]] = {}
    with open(path, newline="", encoding="utf-8-sig") as f:
        for row in csv.DictReader(f):
            if (row.get("layer") or "retweet") != layer:
                continue
            action = (row["account_id"], row["content_id"], parse_time_ms(row["timestamp_share"]))
            by_key.setdefault(row["object_id"], set()).add(action)
    edges: dict[tuple[str, str], list[int]] = {}
    for actions in by_key.values():
        keys_seen: set[tuple[str, str]] = set()
        ordered = sorted(actions)
        for i, (u, _, tu) in enumerate(ordered):
            for v, _, tv in ordered[i + 1:]:
                delay = abs(tu - tv)
                if u == v or delay > window_ms:
                    continue
                pair = (u, v) if u < v else (v, u)
                edge = edges.setdefault(pair, [0, 0, delay, 0])
                edge[0] += 1
                edge[2] = min(edge[2], delay)
                edge[3] += delay
                if pair not in keys_seen:
                    keys_seen.add(pair)
                    edge[1] += 1
    return {pair: (e[0], e[1], e[2], e[3]) for pair, e in edges.items()}





RUN_SPECIFIC_ROOT_ATTRIBUTES = frozenset({"created", "ranks", "stages"})
"""Root attributes that may differ between equal runs (docs/operations.md, reproducibility)."""

RUN_SPECIFIC_CONFIG_KEYS = frozenset({"out", "checkpoint-dir", "resume"})
"""Keys of the ``config`` attribute (``run.out``, ...) that name where a run wrote or whether it
resumed, not what it computed."""


def comparable_config(text: str) -> str:
    """The ``config`` attribute without the keys of RUN_SPECIFIC_CONFIG_KEYS."""
    kept = [line for line in text.splitlines()
            if line.split("=", 1)[0].strip().split(".")[-1] not in RUN_SPECIFIC_CONFIG_KEYS]
    return "\n".join(kept)


def all_attributes(path: str | os.PathLike[str]) -> dict[str, object]:
    """Every attribute of the file, keyed ``OBJECT@NAME`` (``/@NAME`` for the root), except the
    run-specific root attributes; ``config`` with its run-specific keys left out."""
    found: dict[str, object] = {}
    with h5py.File(path, "r") as f:
        def collect(name: str, obj: h5py.HLObject) -> None:
            for key, value in obj.attrs.items():
                if name == "/" and key in RUN_SPECIFIC_ROOT_ATTRIBUTES:
                    continue
                if isinstance(value, (bytes, np.bytes_, str)):
                    value = attr_text(value)
                    if name == "/" and key == "config":
                        value = comparable_config(value)
                elif isinstance(value, np.ndarray):
                    value = value.tolist()
                found[f"{name}@{key}"] = value
        collect("/", f)
        f.visititems(lambda name, obj: collect("/" + name, obj))
    return found


def result_differences(path_a: str | os.PathLike[str], path_b: str | os.PathLike[str],
                       ignore: frozenset[str] = frozenset()) -> list[str]:
    """:func:`dataset_differences` plus every attribute that differs (run-specific ones aside,
    and those named in ``ignore`` as ``OBJECT@NAME``)."""
    problems = dataset_differences(path_a, path_b)
    a, b = all_attributes(path_a), all_attributes(path_b)
    for key in sorted((set(a) | set(b)) - ignore):
        if key not in a or key not in b:
            problems.append(f"attribute {key}: only in {path_a if key in a else path_b}")
        elif a[key] != b[key]:
            problems.append(f"attribute {key}: {a[key]!r} != {b[key]!r}")
    return problems


def assert_same_result(test: unittest.TestCase, path_a: str | os.PathLike[str],
                       path_b: str | os.PathLike[str], what: str = "",
                       ignore: frozenset[str] = frozenset()) -> None:
    """Fails ``test`` unless both files agree in every dataset and every attribute, apart from
    the run-specific ones (RUN_SPECIFIC_ROOT_ATTRIBUTES, RUN_SPECIFIC_CONFIG_KEYS) and those in
    ``ignore``."""
    problems = result_differences(path_a, path_b, ignore)
    test.assertEqual(problems, [], f"{what}: {path_a} and {path_b} differ:\n" +
                     "\n".join(problems))
