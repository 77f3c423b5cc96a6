"""Every corpus report in every format, written to one directory: the refactoring check.

A change that should not alter output (a move, a merge of duplicate definitions) is checked by writing
the snapshot before and after and comparing the two trees byte for byte::

    .venv/bin/python bench/snapshot.py /tmp/before     # on the old commit
    .venv/bin/python bench/snapshot.py /tmp/after      # on the new one
    diff -r /tmp/before /tmp/after

Runs the CLI in-process (``koku_gap.cli.main``; exit status and stderr kept beside each report), one
report per (ClowdApp set, chart render, policy, format): every koku template against every chart
render, ROS and koku+ROS against the newest render, and every wild ClowdApp against it. Needs
../shared/corpus; fixed ``--today`` and ``--date`` so a waiver's expiry never changes the output.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import sys
from collections.abc import Iterator
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
FORMATS = ("json", "markdown", "terminal", "sarif", "junit", "github")
POLICIES = ("default", "koku")
HEAD = "chart/cost-onprem-2026-02-12-7cc5007a.yaml"
ROS = ("ros/ros-ocp-backend-clowdapp-2026-08-20-2d24259.yaml", "ros/kruize-clowdapp-2026-08-20-2d24259.yaml")


def _charts() -> dict[str, tuple[str, ...]]:
    charts: dict[str, tuple[str, ...]] = {}
    for path in sorted((CORPUS / "chart").glob("*.yaml")):
        name = path.name
        if name.startswith("cost-management-infrastructure"):
            continue
        if name.startswith("cost-management-onprem"):
            infra = name.replace("cost-management-onprem", "cost-management-infrastructure")
            charts[path.stem] = (f"chart/{name}", f"chart/{infra}")
        else:
            charts[path.stem] = (f"chart/{name}",)
    return charts


def cases() -> Iterator[tuple[str, tuple[str, ...], tuple[str, ...], tuple[str, ...]]]:
    """(name, clowdapps, charts, policies) for every snapshot case."""
    koku = sorted(f"koku/{p.name}" for p in (CORPUS / "koku").glob("*.yaml"))
    for clowdapp in koku:
        for chart, files in _charts().items():
            yield f"{Path(clowdapp).stem}__{chart}", (clowdapp,), files, POLICIES
    yield "ros__head", ROS, (HEAD,), POLICIES
    yield "koku-ros__head", (koku[-1], *ROS), (HEAD,), POLICIES
    for wild in sorted((CORPUS / "wild").glob("*.yaml")):
        yield f"wild__{wild.stem}", (f"wild/{wild.name}",), (HEAD,), ("default",)


def run_one(argv: list[str]) -> tuple[int, str]:
    from koku_gap import cli

    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        code = cli.main(argv)
    return code, err.getvalue()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="directory to write the reports into (created)")
    parser.add_argument("--formats", default=",".join(FORMATS), help="comma-separated formats")
    args = parser.parse_args()
    if not CORPUS.is_dir():
        print(f"corpus not found at {CORPUS}", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    count = 0
    for name, clowdapps, charts, policies in cases():
        for policy in policies:
            for fmt in args.formats.split(","):
                target = args.out / f"{name}__{policy}.{fmt}"
                argv = [a for c in clowdapps for a in ("--clowdapp", str(CORPUS / c))]
                argv += [a for c in charts for a in ("--manifests", str(CORPUS / c))]
                argv += ["--policy", policy, "--format", fmt, "--output", str(target)]
                argv += ["--fail-on", "P2", "--date", "2026-12-01", "--today", "2026-12-01"]
                code, err = run_one(argv)
                (args.out / f"{name}__{policy}.{fmt}.exit").write_text(f"{code}\n{err}")
                count += 1
    print(f"{count} reports in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
