"""The whole history walk against one run of HEAD, timed in one run (issue 15: at most 10x).

Clones the corpus bundle to a temporary directory, then, round after round, times one
``gap-report --chart`` of HEAD's chart and one ``gap-report history`` over every first-parent commit,
both as the console script runs them (a fresh process each); the figure is the median of the rounds'
ratios, so a machine that gets busier slows both alike::

    .venv/bin/python bench/history.py --rounds 3 [--loop]

``--loop`` also times what users scripted before: one ``gap-report --chart`` per commit (minutes).
Needs ../shared/corpus (skips with a note otherwise).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = (ROOT / ".." / "shared" / "corpus").resolve()
CLOWDAPP = CORPUS / "koku" / "clowdapp-2026-08-14-f6cc00b31.yaml"
BUNDLE = CORPUS / "repos" / "ros-helm-chart.bundle"
SETS = [
    "odf.endpoint=s3.openshift-storage.svc.cluster.local",
    "jwtAuth.keycloak.url=https://keycloak.example.com",
    "global.clusterDomain=apps.example.com",
]
RUN = "import sys\nfrom koku_gap.cli import main\nsys.exit(main())\n"  # as the console script


def _timed(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", RUN, *argv], env=env, stdout=subprocess.DEVNULL, check=False)
    if done.returncode not in (0, 1):
        raise SystemExit(f"gap-report {' '.join(argv[:2])} ... exited {done.returncode}")
    return time.perf_counter() - start


def _burn(count: int) -> int:
    total = 0
    for i in range(count):
        total += i * i
    return total


def _parallelism(workers: int) -> float:
    """How much faster ``workers`` processes burn the same CPU than one does, now: a machine whose cores
    are shared (another load, a CPU quota) gives the walk's worker processes less than its core count."""
    from concurrent.futures import ProcessPoolExecutor

    count = 3_000_000
    start = time.perf_counter()
    for _ in range(workers):
        _burn(count)
    serial = time.perf_counter() - start
    with ProcessPoolExecutor(workers) as pool:
        start = time.perf_counter()
        list(pool.map(_burn, [count] * workers))
        parallel = time.perf_counter() - start
    return serial / parallel


def _sets() -> list[str]:
    return [arg for value in SETS for arg in ("--set", value)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="rounds (default 3)")
    parser.add_argument("--loop", action="store_true", help="also time one run per commit, as a script would")
    args = parser.parse_args()
    if not BUNDLE.is_file():
        print(f"no corpus at {CORPUS}: nothing to time")
        return 0
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with tempfile.TemporaryDirectory(prefix="koku-gap-bench-history-") as scratch:
        repo = Path(scratch) / "chart-repo"
        subprocess.run(["git", "clone", "-q", str(BUNDLE), str(repo)], check=True)
        common = ["--clowdapp", str(CLOWDAPP), "--policy", "koku", *_sets(), "--namespace", "cost-onprem"]
        one = [*common, "--chart", str(repo / "cost-onprem"), "--format", "json", "--fail-on", "none"]
        walk = ["history", "--repo", str(repo), "--chart-path", "cost-onprem", "--chart-path", "ros-ocp"]
        walk += [*common, "--format", "json"]
        rounds = []
        for _ in range(args.rounds):
            single, whole = _timed(one, env), _timed(walk, env)
            rounds.append({"head": single, "walk": whole, "ratio": whole / single})
        shas = subprocess.run(
            ["git", "-C", str(repo), "rev-list", "--first-parent", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        result: dict[str, object] = {
            "commits": len(shas),
            "cores": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
            "head_s": round(statistics.median(r["head"] for r in rounds), 3),
            "walk_s": round(statistics.median(r["walk"] for r in rounds), 3),
            "ratio": round(statistics.median(r["ratio"] for r in rounds), 2),
            "rounds": args.rounds,
            "parallel_speedup": round(_parallelism(2), 2),  # 2.0 on two free cores, 1.0 on one
        }
        if args.loop:
            result["loop_s"] = round(_loop(repo, shas, common, env, Path(scratch)), 1)
            result["loop_ratio"] = round(float(result["loop_s"]) / float(result["head_s"]), 1)  # type: ignore[arg-type]
    print(json.dumps(result, indent=2))
    return 0


def _loop(repo: Path, shas: list[str], common: list[str], env: dict[str, str], scratch: Path) -> float:
    """One ``gap-report --chart`` per first-parent commit, each from a checkout of that commit."""
    checkout = scratch / "checkout"
    subprocess.run(["git", "-C", str(repo), "worktree", "add", "-q", "--detach", str(checkout)], check=True)
    total = 0.0
    for sha in reversed(shas):
        subprocess.run(["git", "-C", str(checkout), "checkout", "-q", "--detach", sha], check=True)
        chart = next((checkout / p for p in ("cost-onprem", "ros-ocp") if (checkout / p).is_dir()), None)
        if chart is None:
            continue
        start = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                "-c",
                RUN,
                *common,
                "--chart",
                str(chart),
                "--format",
                "json",
                "--fail-on",
                "none",
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=False,  # a render failure stops nothing here: the loop counts its time and goes on
        )
        total += time.perf_counter() - start
    return total


if __name__ == "__main__":
    sys.exit(main())
