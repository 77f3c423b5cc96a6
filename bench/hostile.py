"""Hostile input, timed: every case of tests/test_hostile.py through the CLI, against a time limit.

The tests check what does not depend on the machine (exit 2, one stderr line naming the file,
nothing written, the heavy cases' peak memory). How long a case takes does, so it is measured here:
each case in-process as the tests run it (``koku_gap.cli.main``), the endless device with
``--max-bytes 1000``, and the heavy cases in a process of their own (Python starting included). The
limit is a safety net against a hang or a quadratic, not a benchmark: every case is far below it on
a quiet machine (``docs/performance.md``).

    python bench/hostile.py [--limit SECONDS] [--no-heavy]      (make bench-hostile)

Prints one line per case, slowest first, and exits 1 when a case is over the limit or does not
end with exit status 2.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import io
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # this checkout's koku_gap and tests, whatever the installed package

from koku_gap.cli import main  # noqa: E402
from tests.test_hostile import (  # noqa: E402  (the cases are defined once, with the tests)
    CASES,
    ENDLESS_DEVICE_ARGV,
    HEAVY,
    argv_for,
    run_heavy,
)

TIME_LIMIT = 5.0  # seconds per case


@dataclass(frozen=True)
class Timing:
    case: str
    seconds: float
    code: int


def timed(case: str, run: Callable[[], int]) -> Timing:
    start = time.perf_counter()
    code = run()
    return Timing(case, time.perf_counter() - start, code)


def in_process(argv: list[str]) -> int:
    """``main(argv)``, its one error line kept from the terminal."""
    with contextlib.redirect_stderr(io.StringIO()), contextlib.redirect_stdout(io.StringIO()):
        return main(argv)


def own_process(path: str) -> int:
    """The heavy case in a child process, as the tests run it; its exit status."""
    return run_heavy(path).returncode


def timings(heavy: bool) -> list[Timing]:
    found: list[Timing] = []
    with tempfile.TemporaryDirectory(prefix="bench-hostile-") as scratch:
        for number, case in enumerate(CASES):
            work = Path(scratch) / str(number)
            (work / "out").mkdir(parents=True)
            argv = argv_for(case, case.make(work), work / "out" / "report.md")
            found.append(timed(case.id, functools.partial(in_process, argv)))
        if Path("/dev/zero").exists():
            found.append(timed("dev-zero --max-bytes 1000", lambda: in_process(ENDLESS_DEVICE_ARGV)))
        if heavy:
            for name, make in HEAVY.items():
                if name == "dev-zero" and not Path("/dev/zero").exists():
                    continue
                work = Path(scratch) / f"heavy-{name}"
                work.mkdir()
                path = make(work)
                found.append(timed(f"{name} (own process)", functools.partial(own_process, path)))
    return found


def main_bench(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="every hostile-input case, timed against a limit")
    parser.add_argument("--limit", type=float, default=TIME_LIMIT, help=f"seconds per case ({TIME_LIMIT})")
    parser.add_argument(
        "--no-heavy", action="store_true", help="skip the cases run in a process of their own"
    )
    options = parser.parse_args(argv)
    results = timings(heavy=not options.no_heavy)
    bad = [t for t in results if t.seconds >= options.limit or t.code != 2]
    for t in sorted(results, key=lambda t: t.seconds, reverse=True):
        flag = "" if t not in bad else ("  OVER THE LIMIT" if t.code == 2 else f"  EXIT {t.code}, NOT 2")
        print(f"{t.seconds:8.3f} s  {t.case}{flag}")
    verdict = f"{len(bad)} failed" if bad else "all within"
    print(f"{len(results)} cases, limit {options.limit:g} s: {verdict}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main_bench())
