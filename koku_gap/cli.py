"""``gap-report``: compare a ClowdApp template with a Helm chart's rendered manifests.

Exit codes: 0 no gap at or above ``--fail-on``; 1 such gaps; 2 bad input or usage (one line on stderr).
Heavy imports wait until after argument parsing so ``--help`` stays fast.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from koku_gap import __version__
from koku_gap.errors import InputError, UsageError

FORMATS = ("markdown", "terminal", "json")
THRESHOLDS = ("P0", "P1", "P2", "P3", "none")
EXIT_OK, EXIT_GAPS, EXIT_INPUT = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="gap-report",
        description="Report what a Helm chart still lacks compared to the ClowdApp it replaces, "
        "what it does better, and what is optional, with a priority for each gap.",
        epilog="Exit status: 0 no gap at or above --fail-on, 1 such gaps, 2 bad input or usage. "
        "Example: gap-report --clowdapp deploy/clowdapp.yaml --manifests rendered.yaml --format markdown",
    )
    parser.add_argument(
        "--clowdapp",
        action="append",
        required=True,
        metavar="FILE",
        help="ClowdApp template (OpenShift Template or bare ClowdApp); repeatable",
    )
    parser.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="override a template parameter, as `oc process -p`; repeatable",
    )
    parser.add_argument(
        "--manifests",
        action="append",
        required=True,
        metavar="PATH",
        help="rendered chart manifests: a file, a directory of .yaml files, or - for stdin; repeatable",
    )
    parser.add_argument(
        "--policy",
        default="default",
        metavar="FILE|NAME",
        help="classification policy: a YAML file, or a bundled one (default, koku); default: default",
    )
    parser.add_argument(
        "--format", choices=FORMATS, default="terminal", help="output format (default: terminal)"
    )
    parser.add_argument(
        "--output", metavar="FILE", help="write the report to FILE (atomically) instead of stdout"
    )
    parser.add_argument(
        "--fail-on",
        choices=THRESHOLDS,
        default="P0",
        help="exit 1 when a gap at or above this priority remains (default: P0)",
    )
    parser.add_argument(
        "--date",
        metavar="DATE",
        help="date printed under the Markdown title (omitted by default, so output is reproducible)",
    )
    parser.add_argument(
        "--max-bytes",
        type=int,
        default=None,
        metavar="N",
        help="refuse input files larger than N bytes (default: 20 MiB)",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    return parser


def _params(pairs: Sequence[str]) -> dict[str, str]:
    params: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise UsageError(f"--param expects NAME=VALUE, got {pair!r}")
        params[name] = value
    return params


def run(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from koku_gap.pipeline import analyze_paths

    report = analyze_paths(
        args.clowdapp,
        args.manifests,
        params=_params(args.param),
        policy=args.policy,
        max_bytes=args.max_bytes,
    )
    text = render(report, args.format, date=args.date, color_ok=args.output is None)
    if args.output:
        write_atomically(Path(args.output), text)
    else:
        sys.stdout.write(text)
        sys.stdout.flush()
    return EXIT_GAPS if report.fails(args.fail_on) else EXIT_OK


def render(report: object, fmt: str, *, date: str | None = None, color_ok: bool = True) -> str:
    from koku_gap.report.model import Report

    assert isinstance(report, Report)
    if fmt == "json":
        return report.to_json()
    if fmt == "markdown":
        from koku_gap.report.markdown import render_markdown

        return render_markdown(report, date=date)
    from koku_gap.report.terminal import render_terminal

    return render_terminal(report, color=color_ok)


def write_atomically(path: Path, text: str) -> None:
    """Write to a temporary file beside ``path`` and rename: readers never see half a report."""
    directory = path.parent if str(path.parent) else Path(".")
    if not directory.is_dir():
        raise InputError(str(path), None, "cannot write the report: the directory does not exist")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # as if written by `>`: mkstemp's 0600 would hide the report
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise InputError(str(path), None, f"cannot write the report: {exc.strerror or exc}") from None


def main(argv: Sequence[str] | None = None) -> int:
    try:
        return run(argv)
    except InputError as exc:
        print(f"gap-report: error: {exc}", file=sys.stderr)
        return EXIT_INPUT
    except UsageError as exc:
        print(f"gap-report: error: {exc} (see gap-report --help)", file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        print("gap-report: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:  # a bug of ours: still one line, the traceback on request
        if os.environ.get("KOKU_GAP_DEBUG"):
            raise
        kind = type(exc).__name__
        print(
            f"gap-report: internal error: {kind}: {exc} (set KOKU_GAP_DEBUG=1 for a traceback)".replace(
                "\n", " "
            ),
            file=sys.stderr,
        )
        return EXIT_INPUT


if __name__ == "__main__":
    sys.exit(main())
