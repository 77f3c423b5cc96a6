"""Two checkouts of koku-gap timed in one run, each over the same parse floor: "before and after".

A change that should make runs cheaper (or must not make them dearer) is measured by running the old
and the new tree's ``gap-report`` alternately, round after round, beside the floor process that only
composes the same YAML; each tree's figure is the median of its per-round ratios to that round's floor,
so a machine that gets busier slows all three alike::

    git worktree add /tmp/old HEAD~3
    .venv/bin/python bench/compare.py /tmp/old . --format json --rounds 15

Uses the koku corpus pair when ../shared/corpus exists, else the bundled example (as bench/run.py).
"""

from __future__ import annotations

import argparse
import compileall
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from run import FLOOR_SCRIPT, file_args, inputs  # noqa: E402  (bench/run.py, beside this file)


def _timed(command: list[str], env: dict[str, str], cwd: str) -> float:
    """``cwd`` holds no ``koku_gap``: ``python -c`` puts the working directory first on the path, before
    ``PYTHONPATH``, so a run started in a checkout would time that checkout for both trees."""
    start = time.perf_counter()
    subprocess.run(
        command, env=env, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before", type=Path, help="the old checkout (its koku_gap/ is imported)")
    parser.add_argument("after", type=Path, help="the new checkout")
    parser.add_argument("--format", default="json", help="the gap-report format to time (default json)")
    parser.add_argument("--policy", default="default", help="the policy (default: default, as bench/run.py)")
    parser.add_argument("--rounds", type=int, default=11, help="rounds (default 11)")
    args = parser.parse_args()
    clowdapps, manifests, label = inputs()
    argv = [*file_args(clowdapps, manifests), "--policy", args.policy, "--format", args.format]
    argv += ["--fail-on", "none"]
    run = "import sys\nfrom koku_gap.cli import main\nsys.exit(main())\n"  # as the console script
    floor = [sys.executable, "-c", FLOOR_SCRIPT, *(str(p) for p in (*clowdapps, *manifests))]
    trees = {"before": args.before.resolve(), "after": args.after.resolve()}
    for tree in trees.values():  # bytecode as an install has it (see bench/run.py)
        compileall.compile_dir(str(tree / "koku_gap"), quiet=1)
    print(f"inputs: {label}; policy {args.policy}")
    ratios: dict[str, list[float]] = {name: [] for name in trees}
    with tempfile.TemporaryDirectory(prefix="koku-gap-compare-") as neutral:
        for round_number in range(args.rounds + 1):  # the first round warms the file cache, uncounted
            base = _timed(floor, dict(os.environ), neutral)
            for name, tree in trees.items():
                env = {**os.environ, "PYTHONPATH": str(tree)}
                took = _timed([sys.executable, "-c", run, *argv], env, neutral) / base
                if round_number:
                    ratios[name].append(took)
    for name, tree in trees.items():
        values = ratios[name]
        print(
            f"{name:>6} {tree}: --format {args.format} {statistics.median(values):.2f}x the parse floor "
            f"(median of {len(values)} rounds; min {min(values):.2f}, max {max(values):.2f})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
