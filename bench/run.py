"""Benchmark: gap-report against the floor of merely composing the same YAML, in one run.

Prints ratios, since absolute times on shared machines mean little:

- end to end: the whole ``gap-report`` process (each output format) over the parse floor, a process
  that only composes the same files with ruamel.yaml's C composer. The processes run in rounds, each
  command once per round, and a ratio is the median of the per-round ratios; "best" is the ratio of
  the fastest runs, a check on how quiet the machine was;
- ``gap-report --help`` (absolute: the target is under 150 ms) and over ``python -c pass``;
- the fixed costs, as processes of their own: Python starting, pydantic imported with one model
  built, every import of a json run;
- the Python API warm: loading both inputs, and the analysis alone on inputs already loaded, over
  composing the same files in the same process;
- scale: synthetic inputs of 1x, 10x and 100x the koku pair (``bench/scale.py``, generated into a
  temporary directory), end to end and the warm analysis, each over its 1x; peak memory of each
  process (``wait4``'s rusage of the child).

Uses the koku corpus pair when ../shared/corpus exists, else the bundled example.

    python bench/run.py [--runs N] [--scales 1,10,100] [--quick]
"""

from __future__ import annotations

import argparse
import compileall
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
sys.path.insert(0, str(ROOT / "bench"))

import scale  # noqa: E402  (bench/scale.py, beside this file)

FLOOR_SCRIPT = (
    "import sys\nfrom ruamel.yaml import YAML\ny = YAML(typ='safe', pure=False)\n"
    "for f in sys.argv[1:]:\n    list(y.compose_all(open(f, encoding='utf-8').read()))\n"
)
# The fixed costs of a run, as processes of their own: pydantic alone (the import and the first model,
# which loads its plugin machinery), and every module a --format json run imports, reading nothing.
PYDANTIC_SCRIPT = "from pydantic import BaseModel\nclass M(BaseModel):\n    x: int\n"
IMPORTS_SCRIPT = (  # with the collector tuned as gap-report tunes it (cli._fewer_collections)
    "import gc\ngc.disable()\nimport koku_gap.cli, koku_gap.api\n"
    "koku_gap.cli._fewer_collections()\nimport deepdiff\n"
)
MAX_WORKLOADS = 100_000  # --max-workloads for the synthetic inputs (the 100x chart has 2,300)


@dataclass
class Timed:
    times: list[float]  # wall time of each run, in round order
    peak_mb: float  # largest peak resident set over the runs

    @property
    def seconds(self) -> float:
        return statistics.median(self.times)

    def over(self, other: Timed) -> float:
        """The median of the per-round ratios: each round runs every command once, back to back, so a
        slow spell of a shared machine weighs on both sides of a ratio."""
        return statistics.median(a / b for a, b in zip(self.times, other.times, strict=True))

    def best(self, other: Timed) -> float:
        """The ratio of the fastest runs: interference only ever adds time, so when this agrees with
        ``over`` the machine was quiet; when they differ, trust neither digit."""
        return min(self.times) / min(other.times)


def inputs() -> tuple[list[Path], list[Path], str]:
    clowdapp = CORPUS / "koku" / "clowdapp-2026-08-14-f6cc00b31.yaml"
    chart = CORPUS / "chart" / "cost-onprem-2026-02-12-7cc5007a.yaml"
    if clowdapp.exists() and chart.exists():
        return [clowdapp], [chart], "koku 2026-08-14 vs chart cost-onprem 7cc5007a"
    return (
        [ROOT / "fixtures/example/clowdapp.yaml"],
        [ROOT / "fixtures/example/rendered.yaml"],
        "bundled example (../shared/corpus not found)",
    )


def run_once(args: list[str]) -> tuple[float, float, int]:
    """Wall time, peak RSS (MB) and exit status of one process."""
    start = time.perf_counter()
    child = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert child.stderr is not None
    errors = child.stderr.read()
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    child.stderr.close()
    if child.returncode not in (0, 1):
        raise SystemExit(
            f"bench: {' '.join(args[:4])} ... failed ({child.returncode}): {errors.decode()[-2000:]}"
        )
    return elapsed, usage.ru_maxrss / 1024, child.returncode  # ru_maxrss is in KiB on Linux


def interleaved(commands: dict[str, list[str]], runs: int, warm_up: bool = True) -> dict[str, Timed]:
    """Run every command once per round, ``runs`` rounds (after one round, not counted, that warms the
    file cache)."""
    for args in commands.values() if warm_up else ():
        run_once(args)
    results: dict[str, Timed] = {name: Timed([], 0.0) for name in commands}
    for _ in range(runs):
        for name, args in commands.items():
            elapsed, peak, _ = run_once(args)
            results[name].times.append(elapsed)
            results[name].peak_mb = max(results[name].peak_mb, peak)
    return results


def median_seconds(action: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def gap_report() -> list[str]:
    """The installed console script when there is one (what users run), else ``python -m``."""
    script = Path(sys.executable).with_name("gap-report")
    return [str(script)] if script.exists() else [sys.executable, "-m", "koku_gap.cli"]


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine() -> str:
    return (
        f"{cpu_model()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}"
    )


def file_args(clowdapps: list[Path], manifests: list[Path]) -> list[str]:
    return [a for c in clowdapps for a in ("--clowdapp", str(c))] + [
        a for m in manifests for a in ("--manifests", str(m))
    ]


def warm_analysis(
    clowdapps: list[Path], manifests: list[Path], runs: int
) -> tuple[float, float, float, float]:
    """(load both inputs, analysis only, the analysis without snippets and suggested templates as the
    terminal and JUnit formats run it, C compose of the same files), in this process, median seconds."""
    from ruamel.yaml import YAML

    import koku_gap
    from koku_gap.api import ALL_EXTRAS, compare, enrich
    from koku_gap.engine.policy import load_policy

    files = [*clowdapps, *manifests]
    yaml = YAML(typ="safe", pure=False)
    compose = median_seconds(lambda: [list(yaml.compose_all(f.read_text("utf-8"))) for f in files], runs)

    def load() -> tuple[koku_gap.ComponentGraph, koku_gap.ComponentGraph]:
        graphs = [koku_gap.load_clowdapp(c, max_workloads=MAX_WORKLOADS) for c in clowdapps]
        source = graphs[0]
        for graph in graphs[1:]:
            source = source.merged(graph)
        return source, koku_gap.load_manifests(*manifests, max_workloads=MAX_WORKLOADS)

    source, target = load()
    policy = load_policy("default")
    lines = {str(c): c.read_text("utf-8").splitlines() for c in clowdapps}  # as analyze() keeps them

    def analyse() -> object:
        rows = compare(source, target, policy).rows
        return enrich(rows, source, ALL_EXTRAS, target, policy.ignore_env, file_lines=lines)

    analyse()  # warm: every import and model already built
    loading = median_seconds(load, runs)
    analysis = median_seconds(analyse, runs)
    lean = median_seconds(lambda: compare(source, target, policy), runs)
    return loading, analysis, lean, compose


def row(label: str, value: str, best: str = "", target: str = "", verdict: str = "") -> str:
    return f"{label:60} {value:>6} {best:>6} {target:>7} {verdict:>4}"


def check(ok: bool) -> str:
    return "yes" if ok else "NO"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="gap-report against the YAML parse floor, as ratios")
    parser.add_argument("--runs", type=int, default=7, help="runs per process measure (median; default 7)")
    parser.add_argument("--scales", default="1,10,100", help="synthetic scales to run (default 1,10,100)")
    parser.add_argument("--quick", action="store_true", help="3 runs, scales 1 and 10 only")
    options = parser.parse_args(argv)
    runs = 3 if options.quick else options.runs
    scales = [1, 10] if options.quick else [int(s) for s in options.scales.split(",") if s]

    # Bytecode as any install has it: with PYTHONDONTWRITEBYTECODE set (as on some CI machines and
    # sandboxes) every process would otherwise compile again whatever changed since it was cached.
    compileall.compile_dir(str(ROOT / "koku_gap"), quiet=1)
    clowdapps, manifests, label = inputs()
    files = [str(p) for p in (*clowdapps, *manifests)]
    cli = gap_report()
    args = file_args(clowdapps, manifests)
    python = sys.executable

    print(f"machine: {machine()}")
    print(f"inputs: {label}; policy default; median of {runs} runs per process measure")
    print()
    fmts = ("json", "markdown", "terminal", "sarif")
    measured = interleaved(
        {
            "floor": [python, "-c", FLOOR_SCRIPT, *files],
            "startup": [python, "-c", "pass"],
            "pydantic": [python, "-c", PYDANTIC_SCRIPT],
            "imports": [python, "-c", IMPORTS_SCRIPT],
            "help": [*cli, "--help"],
            **{fmt: [*cli, *args, "--format", fmt, "--fail-on", "none"] for fmt in fmts},
            # what a person at a terminal gets: the rich table, coloured (output still to /dev/null)
            "table": [*cli, *args, "--format", "terminal", "--color", "always", "--fail-on", "none"],
        },
        runs,
    )
    floor, startup, help_time = measured["floor"], measured["startup"], measured["help"]
    formats = {fmt: measured[fmt] for fmt in (*fmts, "table")}
    loading, analysis, lean, compose = warm_analysis(clowdapps, manifests, runs)

    print(row("measure", "ratio", "best", "target", "ok"))
    for fmt, result in formats.items():
        ratio = result.over(floor)
        gated = fmt in ("json", "terminal")  # the CI format, and the default as scripts and CI see it
        target, verdict = ("<= 2.0", check(ratio <= 2.0)) if gated else ("", "")
        label = f"gap-report --format {fmt} / parse floor (processes)"
        if fmt == "terminal":
            label = "gap-report (default: terminal, piped) / parse floor"
        elif fmt == "table":
            label = "gap-report --color always (the table) / parse floor"
        print(row(label, f"{ratio:.2f}", f"{result.best(floor):.2f}", target, verdict))
    ms = f"{help_time.seconds * 1000:.0f}"
    print(
        row(
            "gap-report --help (ms)",
            ms,
            f"{min(help_time.times) * 1000:.0f}",
            "< 150",
            check(help_time.seconds < 0.15),
        )
    )
    print(
        row(
            "gap-report --help / python -c pass",
            f"{help_time.over(startup):.2f}",
            f"{help_time.best(startup):.2f}",
        )
    )
    print("where a json run's time goes, as processes of their own:")
    for label, name in (
        ("  python -c pass / parse floor", "startup"),
        ("  importing pydantic, building one model / parse floor", "pydantic"),
        ("  every import of a json run, reading nothing / parse floor", "imports"),
    ):
        print(row(label, f"{measured[name].over(floor):.2f}", f"{measured[name].best(floor):.2f}"))
    print("the Python API, in this process (median of runs):")
    print(row("  load both inputs / C compose of the same files", f"{loading / compose:.2f}"))
    print(row("  analysis only, inputs loaded (warm) / C compose", f"{analysis / compose:.2f}"))
    print(row("    of it without snippets and templates (terminal, junit)", f"{lean / compose:.2f}"))
    print()
    print(
        "absolute, this machine (secondary): "
        f"floor {floor.seconds * 1000:.0f} ms ({floor.peak_mb:.0f} MB), "
        + ", ".join(f"{f} {r.seconds * 1000:.0f} ms ({r.peak_mb:.0f} MB)" for f, r in formats.items())
        + f", --help {help_time.seconds * 1000:.0f} ms, python -c pass {startup.seconds * 1000:.0f} ms, "
        f"in-process compose {compose * 1000:.0f} ms, load {loading * 1000:.0f} ms, "
        f"analysis {analysis * 1000:.0f} ms"
    )

    if scales:
        print()
        scaled(cli, scales, runs)
    return 0


def scaled(cli: list[str], scales: list[int], runs: int) -> None:
    """End to end, its parse floor, and the warm analysis at each synthetic scale, over the 1x figures."""
    python = sys.executable
    results: dict[int, tuple[scale.Generated, Timed, Timed, float]] = {}
    with tempfile.TemporaryDirectory(prefix="koku-gap-bench-") as tmp:
        for factor in scales:
            made = scale.generate(Path(tmp) / f"x{factor}", apps=factor)
            repeat = runs if factor <= 1 else max(1, min(runs, 3)) if factor <= 10 else 1
            files = [str(f) for f in (*made.clowdapps, *made.manifests)]
            run = [*cli, *made.args(), "--format", "json", "--fail-on", "none"]
            # the files were just written, so they are in the file cache already: no warm-up round
            measured = interleaved(
                {
                    "run": [*run, "--max-workloads", str(MAX_WORKLOADS)],
                    "floor": [python, "-c", FLOOR_SCRIPT, *files],
                },
                repeat,
                warm_up=False,
            )
            _, analysis, _, _ = warm_analysis(made.clowdapps, made.manifests, repeat)
            results[factor] = (made, measured["run"], measured["floor"], analysis)
    base = results.get(min(results))
    assert base is not None
    _, base_process, _, base_analysis = base
    print(
        f"scale: bench/scale.py, N ClowdApps x {scale.KOKU_DEPLOYMENTS} components, chart 23 workloads each"
    )
    print(
        f"{'scale':>6} {'components':>10} {'workloads':>9} {'files':>5} {'end-to-end':>11} "
        f"{'analysis':>9} {'/ floor':>8} {'peak MB':>8} {'seconds':>8}  target"
    )
    for factor, (made, process, floor, analysis) in results.items():
        target = ""
        if factor == 10:
            target = f"end-to-end <= 12x: {check(process.seconds / base_process.seconds <= 12)}"
        elif factor == 100:
            target = f"< 30 s: {check(process.seconds < 30)}"
        print(
            f"{factor:>5}x {made.components:>10} {made.workloads:>9} "
            f"{len(made.clowdapps) + len(made.manifests):>5} "
            f"{process.seconds / base_process.seconds:>10.2f}x {analysis / base_analysis:>8.2f}x "
            f"{process.over(floor):>8.2f} {process.peak_mb:>8.0f} {process.seconds:>8.2f}  {target}"
        )
    print(
        "(end-to-end: the gap-report process, --format json, and analysis: warm, inputs loaded, both over\n"
        " their 1x; / floor: end-to-end over composing the same files, as above; seconds: end-to-end)"
    )


if __name__ == "__main__":
    sys.exit(main())
