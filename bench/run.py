"""Benchmark: gap-report against the floor of merely composing the same YAML, in one run.

Prints ratios (end-to-end / parse floor, analysis / parse), since absolute times on shared machines
mean little. Uses the koku corpus pair when ../shared/corpus exists, else the bundled example.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
RUNS = 5


def inputs() -> tuple[list[Path], list[Path], str]:
    clowdapp = CORPUS / "koku" / "clowdapp-2026-08-14-f6cc00b31.yaml"
    chart = CORPUS / "chart" / "cost-onprem-2026-02-12-7cc5007a.yaml"
    if clowdapp.exists() and chart.exists():
        return [clowdapp], [chart], "koku 2026-08-14 vs chart 7cc5007a"
    return (
        [ROOT / "fixtures/example/clowdapp.yaml"],
        [ROOT / "fixtures/example/rendered.yaml"],
        "bundled example",
    )


def median_seconds(action: Callable[[], object], runs: int = RUNS) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def process(args: list[str]) -> Callable[[], object]:
    return lambda: subprocess.run(args, check=False, capture_output=True)


def main() -> int:
    clowdapps, manifests, label = inputs()
    files = [str(p) for p in (*clowdapps, *manifests)]
    python = sys.executable
    floor_script = (
        "import sys\nfrom ruamel.yaml import YAML\ny = YAML(typ='safe', pure=False)\n"
        "for f in sys.argv[1:]:\n    list(y.compose_all(open(f, encoding='utf-8').read()))\n"
    )
    cli = [python, "-m", "koku_gap.cli"]
    args = [a for c in clowdapps for a in ("--clowdapp", str(c))] + [
        a for m in manifests for a in ("--manifests", str(m))
    ]
    floor = median_seconds(process([python, "-c", floor_script, *files]))
    end_to_end = median_seconds(process([*cli, *args, "--format", "json", "--fail-on", "none"]))
    help_time = median_seconds(process([*cli, "--help"]))
    startup = median_seconds(process([python, "-c", "pass"]))

    from ruamel.yaml import YAML

    import koku_gap
    from koku_gap.pipeline import compare
    from koku_gap.policy import load_policy

    yaml = YAML(typ="safe", pure=False)
    compose = median_seconds(lambda: [list(yaml.compose_all(Path(f).read_text("utf-8"))) for f in files])
    source = koku_gap.load_clowdapp(clowdapps[0])
    target = koku_gap.load_manifests(*manifests)
    policy = load_policy("koku")
    load = median_seconds(lambda: (koku_gap.load_clowdapp(clowdapps[0]), koku_gap.load_manifests(*manifests)))
    analysis = median_seconds(lambda: compare(source, target, policy))

    print(f"inputs: {label}; median of {RUNS} runs")
    print(f"{'measure':44} {'ratio':>8}")
    print(f"{'end-to-end process / parse-floor process':44} {end_to_end / floor:8.2f}")
    print(f"{'gap-report --help / python -c pass':44} {help_time / startup:8.2f}")
    print(f"{'load both graphs / C compose (in-process)':44} {load / compose:8.2f}")
    print(f"{'analysis only (warm) / C compose':44} {analysis / compose:8.2f}")
    print(
        f"(absolute, this machine, noisy: floor {floor * 1000:.0f} ms, "
        f"end-to-end {end_to_end * 1000:.0f} ms, --help {help_time * 1000:.0f} ms, "
        f"compose {compose * 1000:.0f} ms, analysis {analysis * 1000:.0f} ms)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
