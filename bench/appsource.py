"""Benchmark: what ``--app-source`` costs, cold (nothing cached) and warm (a cache hit), in one run.

Issue 13's targets are ratios to the same run without the source: a cold run at most 3x it, a warm
one at most 1.25x. Each round runs every command once, back to back: the plain run (koku's ClowdApp
against the chart, ``--format json``), the same with ``--app-source`` and an empty cache directory
(cold: read, parse, index, read the facts, write the cache), and with the cache that cold run left
(warm: read, hash, validate the cached JSON). A ratio is the median of the per-round ratios, for wall
time and for CPU time (user + system, the child's ``wait4`` rusage), which the other work on a shared
machine disturbs less than wall time. ``--before DIR`` times another checkout's cold and warm runs in
the same rounds, over the same plain run, so before and after come from one run (the two trees take
turns going first: in a fixed order, the second tree's warm runs read about 5 percent dearer than when
the order alternates).

koku's source is unpacked from ``../shared/corpus/app-src`` into a temporary directory (``--source``
names another tree instead). ``--phases`` adds where a cold load's CPU goes, in this process.

    python bench/appsource.py [--rounds N] [--before DIR] [--source DIR] [--phases]
"""

from __future__ import annotations

import argparse
import compileall
import contextlib
import os
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
COMMIT = "f6cc00b31"
CLOWDAPP = CORPUS / "koku" / f"clowdapp-2026-08-14-{COMMIT}.yaml"
CHART = CORPUS / "chart" / "cost-onprem-2026-02-12-7cc5007a.yaml"
RUN = "import sys\nfrom koku_gap.cli import main\nsys.exit(main())\n"  # as the console script does
CACHE_ENV = "KOKU_GAP_CACHE_DIR"  # sources/appsource/cache.py


@dataclass
class Series:
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)


def run_once(command: list[str], env: dict[str, str], cwd: Path) -> tuple[float, float]:
    """Wall and CPU seconds (user + system) of one process. ``cwd`` holds no ``koku_gap``: ``python -c``
    puts the working directory first on the path, before ``PYTHONPATH``, so a run started in a checkout
    would import that checkout whatever tree it was meant to time."""
    start = time.perf_counter()
    child = subprocess.Popen(command, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert child.stderr is not None
    errors = child.stderr.read()
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - start
    child.stderr.close()
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        raise SystemExit(f"bench: {' '.join(command[-8:])} failed ({code}): {errors.decode()[-2000:]}")
    return elapsed, usage.ru_utime + usage.ru_stime


def ratio(over: list[float], under: list[float]) -> float:
    return statistics.median(a / b for a, b in zip(over, under, strict=True))


def unpack(directory: Path) -> Path:
    with tarfile.open(CORPUS / "app-src" / f"koku-{COMMIT}.tar.gz") as archive:
        archive.extractall(directory, filter="data")
    return directory / f"koku-{COMMIT}"


def phases(source: Path, repeat: int) -> None:
    """Where a cold load's CPU goes, in this process (median over ``repeat`` loads of the whole tree):
    reading the files, ``ast.parse`` alone, the index alone (on trees parsed already), and the whole
    analysis, whose rest is the readers and the model."""
    import ast
    import gc
    import warnings

    from koku_gap.sources.appsource.files import read_tree
    from koku_gap.sources.appsource.index import index_module
    from koku_gap.sources.appsource.loader import analyse

    def cpu(action: Callable[[], object]) -> float:
        times = []
        for _ in range(repeat):
            gc.disable()  # as the loader runs
            try:
                start = time.process_time()
                action()
                times.append(time.process_time() - start)
            finally:
                gc.enable()
        return statistics.median(times)

    files = read_tree(source)
    texts = [(f, f.data.decode("utf-8", "replace")) for f in files]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        parsed = []
        for file, text in texts:
            with contextlib.suppress(SyntaxError, ValueError, RecursionError, MemoryError):
                parsed.append((file, ast.parse(text, filename=file.path), text))

        def parse_only() -> None:
            for file, text in texts:
                with contextlib.suppress(SyntaxError, ValueError, RecursionError, MemoryError):
                    ast.parse(text, filename=file.path)

        reading = cpu(lambda: read_tree(source))
        parsing = cpu(parse_only)
        indexing = cpu(lambda: [index_module(file, tree, text) for file, tree, text in parsed])
        whole = cpu(lambda: analyse(files, "bench"))
    size = sum(len(f.data) for f in files)
    print(f"a cold load in this process, CPU, median of {repeat} ({len(files)} files, {size / 1e6:.1f} MB):")
    print(f"  read the tree (walk, read, no parse)        {reading:6.3f} s")
    print(f"  ast.parse of every file, alone              {parsing:6.3f} s")
    print(f"  the index alone, on the parsed trees        {indexing:6.3f} s")
    print(f"  the analysis (parse, index, readers, model) {whole:6.3f} s")
    print(f"    so the readers and the model              {whole - parsing - indexing:6.3f} s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=11, help="counted rounds (default 11)")
    parser.add_argument("--before", type=Path, help="another checkout to time in the same rounds")
    parser.add_argument("--source", type=Path, help=f"the source tree (default: koku {COMMIT}, unpacked)")
    parser.add_argument("--phases", action="store_true", help="also where a cold load's CPU goes")
    options = parser.parse_args(argv)
    if not CLOWDAPP.exists() or not CHART.exists():
        print(f"corpus not found at {CORPUS}", file=sys.stderr)
        return 2
    trees = {"after": ROOT}
    if options.before is not None:
        trees = {"before": options.before.resolve(), "after": ROOT}
    for tree in trees.values():  # bytecode as an install has it (see bench/run.py)
        compileall.compile_dir(str(tree / "koku_gap"), quiet=1)
    with tempfile.TemporaryDirectory(prefix="koku-gap-bench-appsource-") as tmp:
        work = Path(tmp)
        source = options.source.resolve() if options.source else unpack(work / "src")
        plain = [sys.executable, "-c", RUN, "--clowdapp", str(CLOWDAPP), "--manifests", str(CHART)]
        plain += ["--format", "json", "--fail-on", "none"]
        with_source = [*plain, "--app-source", str(source)]
        base = {k: v for k, v in os.environ.items() if k != CACHE_ENV}
        env = {name: {**base, "PYTHONPATH": str(tree)} for name, tree in trees.items()}
        warm_dirs = {name: work / f"warm-{name}" for name in trees}
        results: dict[str, Series] = {"plain": Series()}
        for name in trees:
            results[f"{name} cold"] = Series()
            results[f"{name} warm"] = Series()
        for round_number in range(options.rounds + 1):  # the first round fills the caches, uncounted
            timed = {"plain": run_once(plain, env["after"], work)}
            order = list(trees) if round_number % 2 else list(reversed(trees))  # no tree always first
            for name in order:
                cold_dir = work / f"cold-{name}-{round_number}"  # empty: nothing cached
                timed[f"{name} cold"] = run_once(with_source, {**env[name], CACHE_ENV: str(cold_dir)}, work)
                shutil.rmtree(cold_dir, ignore_errors=True)
                warm = {**env[name], CACHE_ENV: str(warm_dirs[name])}
                timed[f"{name} warm"] = run_once(with_source, warm, work)
            if round_number:
                for label, (wall, cpu) in timed.items():
                    results[label].wall.append(wall)
                    results[label].cpu.append(cpu)
        plain_series = results["plain"]
        print(f"koku {COMMIT} against the chart at 7cc5007a, --format json; {options.rounds} rounds")
        header = f"{'run':<14} {'wall / plain':>12} {'CPU / plain':>12} {'target':>7} {'wall s':>8}"
        print(f"{header} {'CPU s':>7}")
        print(
            f"{'plain':<14} {1:>12.2f} {1:>12.2f} {'':>7} "
            f"{statistics.median(plain_series.wall):>8.3f} {statistics.median(plain_series.cpu):>7.3f}"
        )
        for label, series in results.items():
            if label == "plain":
                continue
            target = "<= 3" if label.endswith("cold") else "<= 1.25"
            print(
                f"{label:<14} {ratio(series.wall, plain_series.wall):>12.2f} "
                f"{ratio(series.cpu, plain_series.cpu):>12.2f} {target:>7} "
                f"{statistics.median(series.wall):>8.3f} {statistics.median(series.cpu):>7.3f}"
            )
        if options.phases:
            print()
            phases(source, 5)
    return 0


if __name__ == "__main__":
    sys.exit(main())
