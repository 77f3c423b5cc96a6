"""``gap-report``: compare a ClowdApp template with a Helm chart's rendered manifests.

Exit codes: 0 no gap at or above ``--fail-on``; 1 such gaps; 2 bad input or usage (one line on stderr).
Heavy imports wait until after argument parsing so ``--help`` stays fast.
"""

from __future__ import annotations

import argparse
import gc
import os
import re
import signal
import stat
import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, NoReturn

from koku_gap import __version__
from koku_gap.config import CONFIG_FILE, config_arguments
from koku_gap.model.bundled import bundled_policies
from koku_gap.model.errors import InputError, Setting, UsageError
from koku_gap.report import format_names
from koku_gap.yaml.limits import MAX_WORKLOADS

if TYPE_CHECKING:
    from koku_gap.model.report import Report
    from koku_gap.sources.helm import ChartSpec

THRESHOLDS = ("P0", "P1", "P2", "P3", "none")
EXIT_OK, EXIT_GAPS, EXIT_INPUT = 0, 1, 2


REPEAT_HINT = "each option takes one value: repeat it for more (--manifests A --manifests B)"
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# Options that name files to read but never stdin: only --manifests reads "-".
FILE_OPTIONS = ("clowdapp", "policy", "values", "baseline")
# The option that sets what an error names (model.errors.Setting: the library's keyword or function).
OPTION_OF_SETTING = {
    "clowdapps": "--clowdapp",
    "charts": "--chart",
    "manifests": "--manifests",
    "params": "--param",
    "max_bytes": "--max-bytes",
    "max_workloads": "--max-workloads",
    "dump_baseline": "--write-baseline",
    "release": "--release",
    "renderer": "--renderer",
    "kube_version": "--kube-version",
    "api_versions": "--api-versions",
    "values": "--values",
    "set_values": "--set",
    "set_string_values": "--set-string",
    "skip_failing_templates": "--skip-failing-templates",
    "app_sources": "--app-source",
    "app": "--app",
    "chart_paths": "--chart-path",
    "rev_range": "--rev-range",
    "since": "--since",
    "plot": "--plot",
    "compare_ref": "--compare-ref",
}
HISTORY = "history"  # the subcommand: gap-report history ... (docs/history.md)
HISTORY_FORMATS = ("csv", "json", "markdown")  # koku_gap.history.formats.FORMATS, without importing it


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        if message.startswith("unrecognized arguments:"):  # `--manifests a.yaml b.yaml`
            message = f"{message}; {REPEAT_HINT}"
        raise UsageError(message)


def _config_option(argv: Sequence[str]) -> str | None:
    """The ``--config FILE`` of ``argv``, read before parsing: the file adds to what is parsed."""
    for i, token in enumerate(argv):
        if token == "--config" and i + 1 < len(argv):
            return argv[i + 1]
        if token.startswith("--config="):
            return token.split("=", 1)[1]
    return None


def docs_dir() -> Path:
    """Where the docs the messages name (``docs/errors.md``) are: inside an installed package
    (``koku_gap/docs``, put there by the wheel), else the repository's ``docs/`` beside it."""
    package = Path(__file__).resolve().parent
    installed = package / "docs"
    return installed if installed.is_dir() else package.parent / "docs"


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="gap-report",
        description="Report what a Helm chart still lacks compared to the ClowdApp it replaces, "
        "what it does better, and what is optional, with a priority for each gap.",
        epilog="Exit status: 0 no gap at or above --fail-on, 1 such gaps, 2 bad input or usage. "
        "A repeatable option takes one value each time: --manifests a.yaml --manifests more/. "
        "Example: gap-report --clowdapp deploy/clowdapp.yaml --manifests rendered.yaml --format markdown. "
        f"The docs named here (docs/errors.md, docs/helm.md, ...) are in {docs_dir()}.",
    )
    parser.add_argument(
        "--config",
        metavar="FILE",
        help=f"options from FILE (default: {CONFIG_FILE} in the working directory, if there): keys are the "
        "long options without --; KOKU_GAP_<OPTION> variables override it, the command line both",
    )
    parser.add_argument(
        "--clowdapp",
        action="append",
        required=True,
        metavar="FILE",
        help="ClowdApp template (OpenShift Template or bare ClowdApp); repeat the option for more files",
    )
    parser.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="override a template parameter, as `oc process -p`; repeatable",
    )
    chart_side = parser.add_mutually_exclusive_group(required=True)
    chart_side.add_argument(
        "--manifests",
        action="append",
        metavar="PATH",
        help="rendered chart manifests: a file, a directory of .yaml files, or - for stdin (the only "
        "option that reads stdin); repeat the option for more paths",
    )
    chart_side.add_argument(
        "--chart",
        action="append",
        metavar="DIR|TGZ",
        help="a Helm chart (directory or .tgz), rendered offline like `helm template` instead of "
        "--manifests; repeat the option for more charts (docs/helm.md)",
    )
    _add_chart_options(parser)
    _add_policy_option(parser)
    parser.add_argument(
        "--app-source",
        action="append",
        default=[],
        metavar="[APP[@COMMIT]=]DIR",
        help="the source checkout of a ClowdApp app (without APP=: of the only app given): the policy's "
        "citations of its code are checked against it, a stale one is a warning; @COMMIT names the "
        "checkout's commit when DIR has no .git; repeatable (docs/policy.md)",
    )
    parser.add_argument(
        "--app",
        metavar="NAME",
        help="report only this ClowdApp app's rows of a multi-app run; matching still sees every app "
        "(another app's components keep their chart workloads), and the per-app summaries stay",
    )
    parser.add_argument(
        "--format", choices=format_names(), default="terminal", help="output format (default: terminal)"
    )
    parser.add_argument(
        "--output",
        metavar="FILE",
        help="write the report to FILE instead of stdout (a regular file atomically; a device or FIFO in "
        "place; - is stdout)",
    )
    parser.add_argument(
        "--color",
        choices=("auto", "always", "never"),
        default="auto",
        help="--format terminal only (the other formats ignore it): auto draws a coloured table on a "
        "terminal (no colour with NO_COLOR) and a plain one-line-per-row listing when piped; always "
        "forces the coloured table, as for `less -R`; never drops colour (default: auto)",
    )
    parser.add_argument(
        "--fail-on",
        choices=THRESHOLDS,
        default="P0",
        help="exit 1 when a gap at or above this priority remains (default: P0)",
    )
    parser.add_argument(
        "--baseline",
        metavar="FILE",
        help="gaps this baseline records do not fail the run; those gone are reported fixed (docs/ci.md)",
    )
    parser.add_argument(
        "--write-baseline",
        metavar="FILE",
        help="record every open gap in FILE as the new baseline; exit 0 whatever the gaps",
    )
    parser.add_argument("--today", type=_day, help=argparse.SUPPRESS)  # waiver expiry, for tests
    parser.add_argument(
        "--date",
        type=_date_text,
        metavar="YYYY-MM-DD",
        help="date printed under the title of --format markdown (the other formats ignore it); omitted "
        "by default, so output is reproducible",
    )
    parser.add_argument(
        "--max-bytes",
        type=_byte_count,
        default=None,
        metavar="N",
        help="refuse input files larger than N bytes (default: 20 MiB)",
    )
    parser.add_argument(
        "--max-workloads",
        type=_workload_count,
        default=MAX_WORKLOADS,
        metavar="N",
        help="refuse a ClowdApp file, or the chart side, with more than N workloads (default: %(default)s)",
    )
    parser.add_argument(
        "--strict",
        action="store_true",
        help="treat input warnings (duplicate keys, parameters without a value, ...) as errors: exit 2 "
        "naming the first (docs/errors.md)",
    )
    _add_change_options(parser)
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    return parser


def _add_change_options(parser: argparse.ArgumentParser) -> None:
    """--compare-ref and what the GitHub action writes besides the report (docs/ci.md)."""
    group = parser.add_argument_group("a pull request's change (docs/ci.md)")
    group.add_argument(
        "--compare-ref",
        metavar="REF",
        help="with one --chart directory in a git work tree: analyse the same directory at REF too (from "
        "git's objects) and report what this chart opens, closes and changes; --fail-on then counts only "
        "the gaps it opens or makes worse",
    )
    group.add_argument(
        "--pr-comment",
        metavar="FILE",
        help="also write a pull-request comment body (Markdown, within GitHub's 65,536 characters) to FILE",
    )
    group.add_argument(
        "--github-output",
        metavar="FILE",
        help="also append gaps-opened=N, gaps-closed=N and highest-priority=P to FILE, as GitHub's "
        "$GITHUB_OUTPUT reads them",
    )


def _with_delta(args: argparse.Namespace, report: Report, chart: ChartSpec) -> Report:
    """``--compare-ref``: the report with what its chart opens, closes and changes against REF."""
    from koku_gap.history.ref import delta_at

    delta = delta_at(
        report,
        args.compare_ref,
        chart,
        list(args.clowdapp),
        params=_params(args.param),
        policy=args.policy,
        renderer=args.renderer or "auto",
        skip_failing_templates=args.skip_failing_templates,
        app_sources=_app_sources(args.app_source),
        today=args.today,
        max_bytes=args.max_bytes,
        max_workloads=args.max_workloads,
        word=_option,
    )
    return report.model_copy(update={"delta": delta})


def _write_change_files(args: argparse.Namespace, report: Report) -> None:
    """--pr-comment and --github-output, once the report is written."""
    if args.pr_comment:
        from koku_gap.report._comment import pr_comment

        write_atomically(Path(args.pr_comment), pr_comment(report, args.fail_on), what="comment")
    if args.github_output:
        from koku_gap.report._comment import github_outputs

        try:
            with open(args.github_output, "a", encoding="utf-8") as handle:
                handle.write(github_outputs(report, args.fail_on))
        except OSError as exc:
            raise InputError(
                args.github_output, None, f"cannot append the outputs: {exc.strerror or exc}"
            ) from None


def _positive(what: str) -> Callable[[str], int]:
    """An argparse type for a positive count of ``what`` (bytes, workloads)."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a number of {what}, got {text!r}") from None
        if value < 1:
            raise argparse.ArgumentTypeError(f"expected a positive number of {what}, got {value}")
        return value

    return parse


_byte_count = _positive("bytes")
_workload_count = _positive("workloads")


def _strict(report: object) -> None:
    """``--strict``: the first warning, with the count, as the error (before anything is written)."""
    from koku_gap.model.report import Report

    assert isinstance(report, Report)
    if report.warnings:
        first = report.warnings[0]
        count = len(report.warnings)
        raise InputError(
            first.file,
            first.line,
            f"{first.message} [{first.code}] (--strict: {count} warning{'s' if count != 1 else ''}; "
            "see docs/errors.md)",
        )


def _day(text: str) -> date:
    """A calendar date written YYYY-MM-DD (``date.fromisoformat`` alone also takes 20261126, 2026-W48)."""
    if DATE.fullmatch(text):
        try:
            return date.fromisoformat(text)
        except ValueError:  # written right, but no such day: 2026-02-30
            raise argparse.ArgumentTypeError(
                f"{text!r} is not a date (no such day in the calendar)"
            ) from None
    raise argparse.ArgumentTypeError(f"expected a date YYYY-MM-DD, got {text!r}")


def _date_text(text: str) -> str:
    """``--date``: printed as given, once checked to be a real date."""
    _day(text)
    return text


def _check_files(args: argparse.Namespace) -> None:
    """Name the option, not just the path, for what only the command line can get wrong: ``-`` where
    stdin is not read, and a --policy that is neither a file nor a bundled name."""
    for option in FILE_OPTIONS:
        given = getattr(args, option)
        for value in given if isinstance(given, list) else [given]:
            if value == "-":
                raise UsageError(f"--{option.replace('_', '-')} -: stdin is accepted only by --manifests")
    _check_policy(args.policy)


def _check_policy(policy: str) -> None:
    """A --policy that is neither a file nor a bundled name, said before anything is read."""
    if policy not in bundled_policies() and not os.path.lexists(policy):
        names = ", ".join(bundled_policies())
        raise UsageError(f"--policy {policy}: no such policy file; bundled policies: {names}")


def _app_sources(values: Sequence[str]) -> dict[str, str] | str | None:
    """``--app-source`` values as ``analyze(app_sources=...)`` takes them: one unnamed directory (the
    only app's), or APP[@COMMIT] -> DIR."""
    if not values:
        return None
    named: dict[str, str] = {}
    for value in values:
        key, sep, directory = value.partition("=")
        if not sep:
            if len(values) > 1:
                raise UsageError(f"--app-source {value}: name its app (APP=DIR) when more than one is given")
            return value
        app = key.partition("@")[0]
        if not app or not directory:
            raise UsageError(f"--app-source expects [APP[@COMMIT]=]DIR, got {value!r}")
        if key in named:  # the same APP@COMMIT twice; the same app at two commits analyze() refuses
            raise UsageError(f"--app-source {value}: app {app} is given twice")
        named[key] = directory
    return named


def _params(pairs: Sequence[str]) -> dict[str, str]:
    params: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise UsageError(f"--param expects NAME=VALUE, got {pair!r}")
        params[name] = value
    return params


def _add_policy_option(parser: argparse.ArgumentParser) -> None:
    """``--policy``, the same for a run and for ``history``."""
    parser.add_argument(
        "--policy",
        default="default",
        metavar="FILE|NAME",
        help=f"classification policy: a YAML file, or a bundled one ({', '.join(bundled_policies())}); "
        "default: default",
    )


def _add_chart_options(
    parser: argparse.ArgumentParser,
    title: str = "rendering --chart (as helm template; docs/helm.md)",
    values_help: str = "a values file, as helm -f; repeatable, later files win",
) -> None:
    group = parser.add_argument_group(title)
    group.add_argument("--values", action="append", default=[], metavar="FILE", help=values_help)
    group.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="EXPR",
        help="values in Helm's syntax (a=b,c.d=e, list={x,y}, list[0]=x, \\, escapes a comma); repeatable",
    )
    group.add_argument(
        "--set-string",
        action="append",
        default=[],
        metavar="EXPR",
        help="as --set, but every value stays a string; repeatable",
    )
    group.add_argument("--release", metavar="NAME", help="release name (default: the chart's name)")
    group.add_argument("--namespace", metavar="NS", help="namespace (default: default)")
    group.add_argument(
        "--api-versions",
        action="append",
        default=[],
        metavar="GROUP/VERSION",
        help="add an API version to .Capabilities.APIVersions (e.g. route.openshift.io/v1); repeatable",
    )
    group.add_argument(
        "--kube-version",
        metavar="VERSION",
        help="the .Capabilities.KubeVersion to render for (default: the renderer's own)",
    )
    group.add_argument(
        "--renderer",
        choices=("auto", "python", "binary"),
        help="python: helm-python-sdk; binary: helm on PATH; auto (default): the first available",
    )
    group.add_argument(
        "--skip-failing-templates",
        action="store_true",
        help="render again without the templates that fail offline, and list them as not analysed",
    )


def _charts(args: argparse.Namespace) -> list[ChartSpec] | None:
    """The --chart inputs with their rendering options (None with --manifests)."""
    if not args.chart:
        given = [
            option
            for option, value in (
                ("--values", args.values),
                ("--set", args.set),
                ("--set-string", args.set_string),
                ("--release", args.release),
                ("--namespace", args.namespace),
                ("--api-versions", args.api_versions),
                ("--kube-version", args.kube_version),
                ("--renderer", args.renderer),
                ("--skip-failing-templates", args.skip_failing_templates),
            )
            if value
        ]
        if given:
            raise UsageError(f"{', '.join(given)}: only with --chart (--manifests are rendered already)")
        return None
    from koku_gap.sources.helm import RELEASE_NAME_RULE, ChartSpec, valid_release_name
    from koku_gap.sources.helm.spec import DEFAULT_NAMESPACE

    if args.release is not None and not valid_release_name(args.release):  # before any chart is read
        raise UsageError(f"--release {args.release!r}: {RELEASE_NAME_RULE}")
    return [
        ChartSpec(
            path=chart,
            values=args.values,
            set_values=args.set,
            set_string_values=args.set_string,
            release=args.release,
            namespace=args.namespace or DEFAULT_NAMESPACE,
            api_versions=args.api_versions,
            kube_version=args.kube_version,
        )
        for chart in args.chart
    ]


def run(argv: Sequence[str] | None = None) -> int:
    given = list(sys.argv[1:] if argv is None else argv)
    if given[:1] == [HISTORY]:
        return run_history(given[1:])
    parser = build_parser()
    args = parser.parse_args([*config_arguments(parser, given, _config_option(given)), *given])
    _check_files(args)
    own_process = argv is None  # the console script or python -m: gap-report's own process
    if own_process:
        gc.disable()  # importing allocates much and frees little: no collection is worth its time
    from koku_gap.api import analyze
    from koku_gap.report import RenderOptions, reporter

    if own_process:
        _fewer_collections()

    baseline = None
    if args.baseline:  # read first: a bad baseline fails fast, before the analysis
        from koku_gap.engine.baseline import read_baseline

        baseline = read_baseline(args.baseline)
    output_format = reporter(args.format)
    charts = _charts(args)
    if args.compare_ref is not None and (charts is None or len(charts) != 1):
        raise UsageError("--compare-ref: give exactly one --chart (a chart directory in a git work tree)")
    report = analyze(
        args.clowdapp,
        args.manifests,
        params=_params(args.param),
        policy=args.policy,
        max_bytes=args.max_bytes,
        today=args.today,
        max_workloads=args.max_workloads,
        on_loaded=gc.freeze if own_process else None,  # the inputs too live until exit
        charts=charts,
        renderer=args.renderer or "auto",
        skip_failing_templates=args.skip_failing_templates,
        extras=output_format.EXTRAS,  # a run computes no more than it prints
        app_sources=_app_sources(args.app_source),
        app=args.app,
    )
    if args.strict:
        _strict(report)
    if args.compare_ref is not None and charts:
        report = _with_delta(args, report, charts[0])
    if baseline is not None:
        from koku_gap.engine.baseline import apply_baseline

        if args.app is not None:  # the other apps' recorded gaps are out of view, not fixed
            own = [e for e in baseline.gaps if e.id.partition("/")[0] == args.app]
            baseline = baseline.model_copy(update={"gaps": own})
        report = apply_baseline(report, baseline)
    if args.write_baseline:
        from koku_gap.engine.baseline import apply_baseline, baseline_of, dump_baseline

        recorded = baseline_of(report, args.write_baseline)  # written once the report is: not on a failed run
        check_writable(Path(args.write_baseline), "baseline")  # ... and no report when it cannot be
        if baseline is None:  # the report then agrees with the exit code: every gap is now known
            report = apply_baseline(report, recorded)
    to_file = args.output not in (None, "-")
    options = RenderOptions(fail_on=args.fail_on, date=args.date, color=args.color, to_file=to_file)
    text = output_format.render(report, options)
    if to_file:
        write_atomically(Path(args.output), text)
    else:
        sys.stdout.write(text)
        sys.stdout.flush()
    if args.format == "github":
        from koku_gap.report.github import append_step_summary

        try:
            append_step_summary(report, args.fail_on)
        except InputError as exc:  # the gate's verdict stands without its summary
            _say(f"gap-report: warning: {exc.worded(_option)}")
    _write_change_files(args, report)
    if args.write_baseline:
        write_atomically(Path(args.write_baseline), dump_baseline(recorded), what="baseline")
        _say(f"gap-report: wrote {len(recorded.gaps)} gap(s) to {args.write_baseline}")
        return EXIT_OK  # recording gaps never fails on them
    return _gate(report, args.fail_on)


def _gate(report: Report, threshold: str) -> int:
    """The exit code; a failing gate says why on stderr, whatever the format and --output."""
    from koku_gap.report._gate import gate_line

    line = gate_line(report, threshold)
    if line is None:
        return EXIT_OK
    _say(line)
    return EXIT_GAPS


def build_history_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="gap-report history",
        description="The gaps at every first-parent commit of a chart's git history, oldest first: each "
        "distinct chart tree rendered (from git's objects, not the work tree) and analysed once, a "
        "burndown of open gaps by priority, and what each commit opened, closed or changed.",
        epilog="Exit status: 0 the history was written, 2 bad input or usage. Example: gap-report history "
        "--repo . --chart-path charts/shop --chart-path old-chart --clowdapp clowdapp.yaml --format markdown "
        "(docs/history.md)",
    )
    parser.add_argument("--repo", default=".", metavar="DIR", help="the git repository (default: .)")
    parser.add_argument(
        "--chart-path",
        action="append",
        required=True,
        metavar="PATH",
        help="the chart directory in the repository; repeat it to follow a rename: at each commit the "
        "first path present is the chart, a commit with none is no-chart",
    )
    parser.add_argument(
        "--clowdapp",
        action="append",
        required=True,
        metavar="FILE",
        help="ClowdApp template, read from the file system as given (not from the commits); repeatable",
    )
    _add_chart_options(
        parser,
        "rendering each commit's chart (as helm template; docs/helm.md)",
        "a values file, as helm -f, read from the work tree as given (not from the commits); repeatable, "
        "later files win",
    )
    _add_policy_option(parser)
    parser.add_argument(
        "--app-source",
        action="append",
        default=[],
        metavar="[APP[@COMMIT]=]DIR",
        help="the source checkout of a ClowdApp app, as for gap-report; repeatable (docs/policy.md)",
    )
    walk = parser.add_mutually_exclusive_group()
    walk.add_argument(
        "--rev-range",
        metavar="A..B",
        help="walk B's first-parent commits not reachable from A (default: HEAD's)",
    )
    walk.add_argument(
        "--since", type=_day, metavar="YYYY-MM-DD", help="only the commits committed on or after this day"
    )
    parser.add_argument(
        "--format", choices=HISTORY_FORMATS, default="markdown", help="output format (default: markdown)"
    )
    parser.add_argument(
        "--output", metavar="FILE", help="write the history to FILE (atomically) instead of stdout"
    )
    parser.add_argument(
        "--plot",
        metavar="FILE.svg|FILE.png",
        help="also draw the open gaps by priority over time with matplotlib (pip install 'koku-gap[plot]')",
    )
    parser.add_argument(
        "--jobs", type=_positive("processes"), metavar="N", help="worker processes (default: one per core)"
    )
    parser.add_argument("--today", type=_day, help=argparse.SUPPRESS)  # waiver expiry, for tests
    return parser


def run_history(argv: Sequence[str]) -> int:
    """``gap-report history``: walk, render every output in memory, then write them (nothing half-written)."""
    args = build_history_parser().parse_args(argv)
    for option in ("clowdapp", "values"):
        if "-" in getattr(args, option):
            raise UsageError(f"--{option} -: stdin is accepted only by gap-report --manifests")
    _check_policy(args.policy)
    from koku_gap.history.formats import render
    from koku_gap.history.plot import check_plotting, plot_kind

    kind = None
    if args.plot:
        kind = plot_kind(args.plot)
        check_plotting()  # before the walk: a missing extra is said at once
    from koku_gap.history.run import history
    from koku_gap.sources.helm.spec import DEFAULT_NAMESPACE

    found = history(
        args.repo,
        args.chart_path,
        args.clowdapp,
        values=args.values,
        set_values=args.set,
        set_string_values=args.set_string,
        release=args.release,
        namespace=args.namespace or DEFAULT_NAMESPACE,
        api_versions=args.api_versions,
        kube_version=args.kube_version,
        renderer=args.renderer or "auto",
        skip_failing_templates=args.skip_failing_templates,
        policy=args.policy,
        app_sources=_app_sources(args.app_source),
        rev_range=args.rev_range,
        since=args.since,
        today=args.today,
        jobs=args.jobs,
        word=_option,
    )
    text = render(found, args.format)
    picture = None
    if kind is not None:
        from koku_gap.history.plot import plot

        picture = plot(found, kind)
    if args.output not in (None, "-"):
        write_atomically(Path(args.output), text, what="history")
    else:
        sys.stdout.write(text)
        sys.stdout.flush()
    if picture is not None:
        write_atomically(Path(args.plot), picture, what="plot")
    return EXIT_OK


def _fewer_collections() -> None:
    """Tune the cyclic garbage collector for this one short run: only in gap-report's own process
    (``main()`` without arguments), never in a caller's (tests, or a program calling ``main(argv)``).

    What is imported by now (pydantic's schemas, the modules) lives until exit, and so do the loaded
    inputs, so every full collection would walk them again for nothing: freeze the first (collected
    not at all while importing) and, once read, the second; collect the young generation every 10,000
    allocations instead of 700. Memory stays within a few percent (reference counting frees almost
    everything); a koku run is about 10% faster, a run 100 times its size about 20%
    (docs/performance.md).
    """
    gc.freeze()
    gc.set_threshold(10_000, 10, 10)
    gc.enable()


def write_atomically(path: Path, text: str | bytes, what: str = "report") -> None:
    """Write ``text`` where ``path`` says, as a shell's ``>`` would, but never half a report.

    ``-`` is standard output. What is not a regular file (a device such as ``/dev/stdout`` or
    ``/dev/null``, a FIFO) is written in place: replacing it would put a regular file where a device was
    (as root, for every later user of ``/dev/null``). A symbolic link to a regular file keeps the link and
    has its target replaced. A regular file (or a new one) is written to a temporary file beside it and
    renamed over it, so readers never see half a report."""
    if str(path) == "-":
        if isinstance(text, bytes):
            sys.stdout.buffer.write(text)
        else:
            sys.stdout.write(text)
        return
    try:
        mode = os.stat(path).st_mode  # follows a symbolic link to what it names
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        raise _cannot_write(path, what, exc) from None
    if mode is not None and not stat.S_ISREG(mode):
        try:
            with _opened(path, text) as handle:
                handle.write(text)
        except OSError as exc:
            raise _cannot_write(path, what, exc) from None
        return
    _replace(Path(os.path.realpath(path)) if path.is_symlink() else path, text, what, shown=path)


def check_writable(path: Path, what: str) -> None:
    """Refuse now what ``write_atomically`` would refuse later for a missing or unwritable directory,
    so that one output is not written when the other cannot be."""
    if str(path) == "-" or (path.exists() and not path.is_file()):
        return
    target = Path(os.path.realpath(path)) if path.is_symlink() else path
    directory = target.parent if str(target.parent) else Path(".")
    if not directory.is_dir():
        raise InputError(str(path), None, f"cannot write the {what}: the directory does not exist")
    if not os.access(directory, os.W_OK):
        raise InputError(str(path), None, f"cannot write the {what}: the directory is not writable")


def _opened(where: Path | int, text: str | bytes) -> IO[Any]:
    """``where`` (a path or a descriptor) opened for ``text``: binary for bytes (a --plot PNG), UTF-8 text
    otherwise."""
    if isinstance(text, bytes):
        return open(where, "wb")
    return open(where, "w", encoding="utf-8")


def _cannot_write(path: Path, what: str, exc: OSError) -> InputError:
    return InputError(str(path), None, f"cannot write the {what}: {exc.strerror or exc}")


def _replace(path: Path, text: str | bytes, what: str, shown: Path) -> None:
    """Write to a temporary file beside ``path`` and rename it over ``path``; errors name ``shown``."""
    directory = path.parent if str(path.parent) else Path(".")
    if not directory.is_dir():
        raise InputError(str(shown), None, f"cannot write the {what}: the directory does not exist")
    import tempfile  # only for --output and --write-baseline: most runs write to stdout

    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=directory)
    except OSError as exc:  # a read-only directory, a full disk: the documented one line, not a traceback
        raise _cannot_write(shown, what, exc) from None
    try:
        with _opened(fd, text) as handle:
            handle.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # as if written by `>`: mkstemp's 0600 would hide the report
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise _cannot_write(shown, what, exc) from None
    except BaseException:  # interrupted: still leave nothing behind
        Path(tmp).unlink(missing_ok=True)
        raise


class _Terminated(Exception):
    """SIGTERM or SIGHUP (a CI job cancelled, a terminal closed): unwinds like an interrupt, so every
    ``finally`` runs (scratch copies of a chart removed, a render child killed)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _on_termination() -> None:
    def stop(signum: int, _frame: object) -> None:
        raise _Terminated(signum)

    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, stop)


def main(argv: Sequence[str] | None = None) -> int:
    if argv is None:  # gap-report's own process only: a caller's signal handlers are its own
        _on_termination()
    try:
        return run(argv)
    except _Terminated as exc:
        _say(f"gap-report: stopped by signal {signal.Signals(exc.signum).name}")
        return 128 + exc.signum
    except InputError as exc:
        _say(f"gap-report: error: {exc.worded(_option)}")
        return EXIT_INPUT
    except UsageError as exc:
        _say(f"gap-report: error: {_one_line(exc.worded(_option))} (see gap-report --help)")
        return EXIT_INPUT
    except KeyboardInterrupt:
        _say("gap-report: interrupted")
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:  # a bug of ours: still one line, the traceback on request
        if os.environ.get("KOKU_GAP_DEBUG"):
            raise
        kind = type(exc).__name__
        detail = _one_line(str(exc))
        _say(f"gap-report: internal error: {kind}: {detail} (set KOKU_GAP_DEBUG=1 for a traceback)")
        return EXIT_INPUT


def _say(line: str) -> None:
    """One line on stderr, which a CI runner reads for workflow commands as it reads stdout: shown
    as ``terminal_text``, so a file name or message quoted in it sends no escape and forges no command."""
    from koku_gap.report._escape import terminal_text  # not before arguments are parsed (--help)

    print(terminal_text(line), file=sys.stderr)


def _option(setting: Setting) -> str:
    """What an error names, as the option that sets it (``--param NAME``); in the library's terms
    should a library error name a setting this table lacks."""
    option = OPTION_OF_SETTING.get(setting.name)
    if option is None:
        return str(setting)
    return f"{option} {setting.key}" if setting.key is not None else option


def _one_line(text: str) -> str:
    """A message as one printable line (argv and exceptions may hold newlines or escapes)."""
    from koku_gap.model.errors import printable

    return printable(" ".join(text.split()))[:1000]


if __name__ == "__main__":
    sys.exit(main())
