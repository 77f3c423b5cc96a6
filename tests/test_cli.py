"""``gap-report``: exit codes, one-line errors, output files, formats and the JSON contract (issue 3)."""

from __future__ import annotations

import io
import json
import os
import re
import stat
import sys
from datetime import date
from pathlib import Path

import pytest
import scale  # bench/scale.py

from koku_gap import analyze
from koku_gap.cli import build_parser, main
from koku_gap.report import RenderOptions, format_names, render, reporter
from tests.helpers.engine import clowdapp, deployment, line_of, manage, manifests, workload, write
from tests.helpers.files import ENGINE_FIXTURES as FIXTURES
from tests.helpers.files import ROOT
from tests.helpers.gate import gated, ungated

MINI_APP = str(FIXTURES / "mini-clowdapp.yaml")  # highest gap: P1 (clowder-sync)
MINI_CHART = str(FIXTURES / "mini-rendered.yaml")
BASE = ["--clowdapp", MINI_APP, "--manifests", MINI_CHART]
EXAMPLE_APP = FIXTURES.parent / "example" / "clowdapp.yaml"
EXAMPLE_CHART = FIXTURES.parent / "example" / "rendered.yaml"
APP, CHART = Path(MINI_APP), Path(MINI_CHART)
EXAMPLE_BASE = ["--clowdapp", str(EXAMPLE_APP), "--manifests", str(EXAMPLE_CHART), "--fail-on", "none"]


def one_error_line(capsys: pytest.CaptureFixture[str]) -> str:
    out, err = capsys.readouterr()
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("gap-report: error: ")
    assert "Traceback" not in err
    return lines[0]


@pytest.fixture
def p0_inputs(tmp_path: Path) -> list[str]:
    """A ClowdApp whose Kafka consumer the chart lacks: a P0 gap."""
    app = write(
        tmp_path, "p0-app.yaml", clowdapp(deployments=[deployment("listener", command=manage("listener"))])
    )
    chart = write(
        tmp_path, "p0-chart.yaml", manifests(workload("rel-api", command=["gunicorn", "shop.wsgi"]))
    )
    return ["--clowdapp", str(app), "--manifests", str(chart)]


@pytest.mark.parametrize(
    ("fail_on", "code"),
    [(None, 0), ("P0", 0), ("P1", 1), ("P2", 1), ("P3", 1), ("none", 0)],
)
def test_exit_code_follows_fail_on(
    capsys: pytest.CaptureFixture[str], fail_on: str | None, code: int
) -> None:
    argv = [*BASE, "--format", "json"] + (["--fail-on", fail_on] if fail_on else [])
    assert main(argv) == code
    out, err = capsys.readouterr()
    assert json.loads(out)["summary"]["highest_priority"] == "P1"
    assert ungated(err) == "" and gated(err) == (code == 1)


def test_p0_gap_fails_by_default(capsys: pytest.CaptureFixture[str], p0_inputs: list[str]) -> None:
    assert main([*p0_inputs, "--format", "json"]) == 1
    assert json.loads(capsys.readouterr().out)["summary"]["highest_priority"] == "P0"
    assert main([*p0_inputs, "--format", "json", "--fail-on", "none"]) == 0


@pytest.mark.parametrize("fmt", ["terminal", "markdown", "json"])
def test_every_format_runs(capsys: pytest.CaptureFixture[str], fmt: str) -> None:
    assert main([*BASE, "--format", fmt, "--fail-on", "none"]) == 0
    out, err = capsys.readouterr()
    assert "clowder-sync" in out
    assert "rel-shop-api" in out
    assert err == ""


def test_default_format_is_terminal(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*BASE, "--fail-on", "none"]) == 0
    out = capsys.readouterr().out
    assert "clowder-sync" in out
    with pytest.raises(json.JSONDecodeError):
        json.loads(out)


def test_markdown_date(capsys: pytest.CaptureFixture[str]) -> None:
    main([*BASE, "--format", "markdown", "--date", "2026-02-12", "--fail-on", "none"])
    out = capsys.readouterr().out
    assert "2026-02-12" in "\n".join(out.splitlines()[:5])
    main([*BASE, "--format", "markdown", "--fail-on", "none"])
    assert "2026-02-12" not in capsys.readouterr().out  # no date unless asked: output is reproducible


@pytest.mark.parametrize("what", ["clowdapp", "manifests", "policy"])
def test_missing_file(capsys: pytest.CaptureFixture[str], tmp_path: Path, what: str) -> None:
    nope = str(tmp_path / "nope.yaml")
    argv = {
        "clowdapp": ["--clowdapp", nope, "--manifests", MINI_CHART],
        "manifests": ["--clowdapp", MINI_APP, "--manifests", nope],
        "policy": [*BASE, "--policy", nope],
    }[what]
    assert main(argv) == 2
    assert "nope.yaml" in one_error_line(capsys)


@pytest.mark.parametrize("what", ["clowdapp", "manifests", "policy"])
def test_malformed_yaml(capsys: pytest.CaptureFixture[str], tmp_path: Path, what: str) -> None:
    bad = str(write(tmp_path, "bad.yaml", "kind: Template\nobjects: [1,\n  - x: {\n"))
    argv = {
        "clowdapp": ["--clowdapp", bad, "--manifests", MINI_CHART],
        "manifests": ["--clowdapp", MINI_APP, "--manifests", bad],
        "policy": [*BASE, "--policy", bad],
    }[what]
    assert main(argv) == 2
    line = one_error_line(capsys)
    assert "bad.yaml:" in line  # file and line


def test_unknown_param(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*BASE, "--param", "NO_SUCH_PARAM=1"]) == 2
    assert "NO_SUCH_PARAM" in one_error_line(capsys)


def test_known_param_is_applied(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*BASE, "--param", "API_REPLICAS=5", "--format", "json", "--fail-on", "none"]) == 0
    rows = json.loads(capsys.readouterr().out)["rows"]
    [api] = [r for r in rows if r["clowdapp"] == "api"]
    assert [d["clowdapp"] for d in api["drift"] if d["kind"] == "replicas"] == [5]


def test_param_declared_by_one_of_several_templates(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    other = write(
        tmp_path,
        "other.yaml",
        clowdapp("other", deployments=[deployment("api", web="public")], parameters={"OTHER_ONLY": "x"}),
    )
    argv = ["--clowdapp", MINI_APP, "--clowdapp", str(other), "--manifests", MINI_CHART, "--fail-on", "none"]
    assert main([*argv, "--param", "OTHER_ONLY=y", "--format", "json"]) == 0
    capsys.readouterr()
    assert main([*argv, "--param", "NOBODY=y"]) == 2
    assert "NOBODY" in one_error_line(capsys)


@pytest.mark.parametrize("pair", ["NOEQUALS", "=value"])
def test_bad_param_syntax(capsys: pytest.CaptureFixture[str], pair: str) -> None:
    assert main([*BASE, "--param", pair]) == 2
    assert "NAME=VALUE" in one_error_line(capsys)


@pytest.mark.parametrize(
    "argv",
    [
        ["--clowdapp", MINI_APP],
        ["--manifests", MINI_CHART],
        [],
        [*BASE, "--format", "xml"],
        [*BASE, "--fail-on", "P9"],
        [*BASE, "--no-such-option"],
    ],
    ids=["no-manifests", "no-clowdapp", "nothing", "unknown-format", "unknown-threshold", "unknown-option"],
)
def test_usage_errors(capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    assert main(argv) == 2
    one_error_line(capsys)


def test_help_and_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["--help"])
    assert caught.value.code == 0
    assert "--fail-on" in capsys.readouterr().out
    with pytest.raises(SystemExit) as caught:
        main(["--version"])
    assert caught.value.code == 0
    assert "gap-report" in capsys.readouterr().out


def test_output_writes_the_file_and_nothing_on_stdout(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    outdir = tmp_path / "out"
    outdir.mkdir()
    target = outdir / "report.json"
    target.write_text("old contents")
    assert main([*BASE, "--format", "json", "--output", str(target)]) == 0
    out, err = capsys.readouterr()
    assert out == "" and err == ""
    assert json.loads(target.read_text())["schema_version"] == 1
    assert sorted(p.name for p in outdir.iterdir()) == ["report.json"]  # no temporary file left behind
    # a failing threshold still writes the report
    assert main([*BASE, "--format", "markdown", "--output", str(outdir / "r.md"), "--fail-on", "P1"]) == 1
    assert capsys.readouterr().out == ""
    assert "clowder-sync" in (outdir / "r.md").read_text()
    assert sorted(p.name for p in outdir.iterdir()) == ["r.md", "report.json"]


def test_output_into_a_missing_directory(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main([*BASE, "--output", str(tmp_path / "no" / "dir" / "r.json")]) == 2
    one_error_line(capsys)
    assert not (tmp_path / "no").exists()


def test_output_onto_a_directory_leaves_no_temporary_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "sub").mkdir()
    assert main([*BASE, "--output", str(tmp_path / "sub")]) == 2
    one_error_line(capsys)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sub"]
    assert list((tmp_path / "sub").iterdir()) == []


@pytest.mark.parametrize("value", ["10", "abc"])
def test_max_bytes(capsys: pytest.CaptureFixture[str], value: str) -> None:
    assert main([*BASE, "--max-bytes", value]) == 2
    one_error_line(capsys)


def test_output_file_mode_follows_the_umask(tmp_path: Path) -> None:
    """Regression (fixed in 366b06f): mkstemp's 0600 mode was kept for the report."""
    old = os.umask(0o022)
    try:
        target = tmp_path / "report.md"
        main([*BASE, "--format", "markdown", "--output", str(target), "--fail-on", "none"])
    finally:
        os.umask(old)
    assert stat.S_IMODE(target.stat().st_mode) == 0o644


def test_manifests_from_a_directory_and_from_stdin(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    chart_dir = tmp_path / "chart"
    chart_dir.mkdir()
    (chart_dir / "all.yaml").write_text(Path(MINI_CHART).read_text())
    assert (
        main(["--clowdapp", MINI_APP, "--manifests", str(chart_dir), "--format", "json", "--fail-on", "none"])
        == 0
    )
    from_dir = json.loads(capsys.readouterr().out)
    data = Path(MINI_CHART).read_bytes()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    assert main(["--clowdapp", MINI_APP, "--manifests", "-", "--format", "json", "--fail-on", "none"]) == 0
    from_stdin = json.loads(capsys.readouterr().out)
    assert [r["id"] for r in from_dir["rows"]] == [r["id"] for r in from_stdin["rows"]]


# --- the JSON contract ---------------------------------------------------------------------------------

ROW_KEYS = {"id", "app", "clowdapp", "chart", "role", "status", "priority", "waived"} | {
    "source",
    "targets",
    "reasons",
    "drift",
}


def test_json_contract(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*BASE, "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["schema_version"] == 1
    assert {"schema_version", "inputs", "rows", "queues", "warnings", "summary"} <= set(data)
    assert [(i["side"], i["file"]) for i in data["inputs"]] == [
        ("clowdapp", MINI_APP),
        ("manifests", MINI_CHART),
    ]
    assert set(data["queues"]) >= {"uncovered", "extra"}
    assert data["queues"]["uncovered"] == [] and data["queues"]["extra"] == []
    assert isinstance(data["warnings"], list)
    assert data["summary"]["gaps"] == 1
    ids = [r["id"] for r in data["rows"]]
    assert len(ids) == len(set(ids))
    for r in data["rows"]:
        assert set(r) >= ROW_KEYS, r
        assert isinstance(r["id"], str) and r["id"] == f"{r['app']}/{r['clowdapp'] or r['chart'][0]}"
        assert r["clowdapp"] is None or isinstance(r["clowdapp"], str)
        assert isinstance(r["chart"], list) and all(isinstance(c, str) for c in r["chart"])
        assert r["priority"] in (None, "P0", "P1", "P2", "P3")
        assert r["waived"] is False
        assert r["reasons"] and all(isinstance(x, str) for x in r["reasons"])
        assert isinstance(r["drift"], list)
        if r["source"] is None:
            assert r["clowdapp"] is None
        else:
            assert r["source"]["file"] == MINI_APP and isinstance(r["source"]["line"], int)
        for t in r["targets"]:
            assert {"name", "file", "line"} <= set(t)
            assert t["file"] == MINI_CHART and isinstance(t["line"], int)
    by_name = {r["clowdapp"]: r for r in data["rows"]}
    sync = by_name["clowder-sync"]
    assert (sync["id"], sync["status"], sync["priority"], sync["chart"]) == (
        "shop/clowder-sync", "missing", "P1", []
    )  # fmt: skip
    api = by_name["api"]
    assert api["chart"] == ["rel-shop-api"]
    assert api["source"]["line"] == line_of(MINI_APP, "- name: api")
    assert api["targets"][0]["name"] == "rel-shop-api"
    assert api["targets"][0]["line"] == line_of(
        MINI_CHART, "apiVersion: apps/v1"
    )  # the document's first line
    assert not [d for d in api["drift"] if d["kind"] == "resources"]  # 500m == "0.5", 1Gi == "1073741824"
    migrate = by_name["db-migrate"]
    assert (migrate["status"], migrate["chart"]) == ("match", ["rel-shop-migrate"])
    [db] = [r for r in data["rows"] if r["clowdapp"] is None]
    assert (db["chart"], db["status"], db["source"]) == (["rel-shop-database"], "infra", None)


def test_json_rows_follow_input_order_and_are_stable(capsys: pytest.CaptureFixture[str]) -> None:
    main([*BASE, "--format", "json"])
    first = capsys.readouterr().out
    main([*BASE, "--format", "json"])
    assert capsys.readouterr().out == first
    rows = json.loads(first)["rows"]
    assert [r["clowdapp"] for r in rows] == ["api", "clowder-sync", "worker-default", "db-migrate", None]


# --- the Python API ------------------------------------------------------------------------------------


def test_koku_gap_analyze_is_the_function() -> None:
    import koku_gap
    import koku_gap.api  # what the CLI imports; must not shadow the public function

    assert callable(koku_gap.analyze)
    report = koku_gap.analyze(clowdapps=[MINI_APP], manifests=[MINI_CHART])
    assert report.summary.gaps == 1


@pytest.mark.parametrize("fmt", format_names())
def test_leaving_out_extras_a_format_never_reads_changes_nothing(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    """The CLI computes only the extras (snippets, suggested templates) its format prints: its output
    is byte for byte what the fully enriched report renders to, for the example and a P0 fixture."""
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    for app, chart in ((EXAMPLE_APP, EXAMPLE_CHART), (APP, CHART)):
        main(["--clowdapp", str(app), "--manifests", str(chart), "--format", fmt, "--today", "2026-01-01"])
        printed = capsys.readouterr().out
        full = analyze([app], [chart], today=date(2026, 1, 1))
        assert printed == render(full, fmt, RenderOptions())
        if fmt in ("terminal", "junit"):  # and they really were left out
            lean = analyze([app], [chart], today=date(2026, 1, 1), extras=reporter(fmt).EXTRAS)
            assert all(r.snippet is None and r.remediation is None for r in lean.rows)


# --- papercuts ----------------------------------------------------------------------------------------------
# Command-line papercuts a review found: each message names the option and says what it accepts.


def usage_error(capsys: pytest.CaptureFixture[str], argv: list[str]) -> str:
    """The one stderr line of a usage error (exit 2, nothing on stdout)."""
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert out == ""
    (line,) = err.splitlines()
    assert line.startswith("gap-report: error: ") and line.endswith("(see gap-report --help)")
    return line


def test_an_unknown_policy_names_the_bundled_ones(capsys: pytest.CaptureFixture[str]) -> None:
    line = usage_error(capsys, [*EXAMPLE_BASE, "--policy", "nosuch"])
    assert "--policy nosuch: no such policy file; bundled policies: default, koku" in line


def test_the_cli_lists_the_bundled_policies() -> None:
    assert "(default, koku)" in " ".join(build_parser().format_help().split())


@pytest.mark.parametrize("policy", ["koku", "default"])
def test_bundled_policies_still_load(policy: str) -> None:
    assert main([*EXAMPLE_BASE, "--policy", policy, "--format", "json"]) == 0


@pytest.mark.parametrize("option", ["--clowdapp", "--policy", "--baseline"])
def test_stdin_is_read_only_by_manifests(capsys: pytest.CaptureFixture[str], option: str) -> None:
    argv = (
        ["--clowdapp", "-", "--manifests", str(EXAMPLE_CHART)]
        if option == "--clowdapp"
        else [*EXAMPLE_BASE, option, "-"]
    )
    line = usage_error(capsys, argv)
    assert f"{option} -: stdin is accepted only by --manifests" in line


def test_values_from_stdin_is_refused_too(capsys: pytest.CaptureFixture[str]) -> None:
    line = usage_error(
        capsys, ["--clowdapp", str(EXAMPLE_APP), "--chart", "fixtures/charts/shop", "--values", "-"]
    )
    assert "--values -: stdin is accepted only by --manifests" in line


@pytest.mark.parametrize("value", ["notadate", "20261126", "2026-W48-4", "26-11-26", ""])
def test_date_must_be_a_real_yyyy_mm_dd(capsys: pytest.CaptureFixture[str], value: str) -> None:
    line = usage_error(capsys, [*EXAMPLE_BASE, "--format", "markdown", "--date", value])
    assert f"argument --date: expected a date YYYY-MM-DD, got {value!r}" in line


def test_a_valid_date_is_printed_as_given(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*EXAMPLE_BASE, "--format", "markdown", "--date", "2026-11-26"]) == 0
    assert "**Date**: 2026-11-26  " in capsys.readouterr().out


def test_several_paths_after_one_flag_say_to_repeat_it(capsys: pytest.CaptureFixture[str]) -> None:
    line = usage_error(
        capsys, ["--clowdapp", str(EXAMPLE_APP), "--manifests", str(EXAMPLE_CHART), str(EXAMPLE_CHART)]
    )
    assert "unrecognized arguments:" in line
    assert "repeat it for more (--manifests A --manifests B)" in line


def test_help_says_what_repeats_and_what_other_formats_ignore() -> None:
    text = " ".join(build_parser().format_help().split())
    assert "repeat the option for more paths" in text
    assert "--manifests a.yaml --manifests more/" in text
    assert "--format terminal only (the other formats ignore it)" in text
    assert "--date YYYY-MM-DD" in text


def test_readme_usage_repeats_options_instead_of_listing_values() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    usage = readme.split("## Use", 1)[1].split("```")[1]
    assert "--manifests PATH [--manifests PATH]..." in usage
    assert not re.search(r"--[a-z-]+ [A-Z/=|]+ \.\.\.", usage), "`--opt X ...` reads as several values"


@pytest.mark.parametrize(
    "stem",
    [
        "each option takes one value: repeat it for more",
        "no such policy file; bundled policies: default, koku",
        "stdin is accepted only by --manifests",
        "expected a date YYYY-MM-DD",
    ],
)
def test_every_new_message_is_documented(stem: str) -> None:
    assert stem in (ROOT / "docs/errors.md").read_text(encoding="utf-8")


# --- limits -------------------------------------------------------------------------------------------------


def test_max_workloads_on_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    made = scale.generate(tmp_path / "in", apps=2)
    out = tmp_path / "report.json"
    assert main([*made.args(), "--max-workloads", "40", "--output", str(out)]) == 2
    error = capsys.readouterr().err
    assert error.startswith("gap-report: error: ") and "more than 40 workloads" in error
    assert "--max-workloads" in error and not out.exists()
    assert main([*made.args(), "--max-workloads", "64", "--fail-on", "none", "--output", str(out)]) == 0
    assert out.exists()
    for bad in ("0", "many"):
        assert main([*made.args(), "--max-workloads", bad]) == 2
        assert "(see gap-report --help)" in capsys.readouterr().err


def test_swapped_inputs_are_named_as_such(capsys: pytest.CaptureFixture[str]) -> None:
    rendered = str(ROOT / "fixtures" / "example" / "rendered.yaml")
    clowdapp = str(ROOT / "fixtures" / "example" / "clowdapp.yaml")
    assert main(["--clowdapp", rendered, "--manifests", clowdapp]) == 2
    assert capsys.readouterr().err.endswith("it looks like a rendered chart: pass it with --manifests\n")


def test_a_well_written_date_that_is_no_day_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    example = ROOT / "fixtures" / "example"
    argv = ["--clowdapp", str(example / "clowdapp.yaml"), "--manifests", str(example / "rendered.yaml")]
    assert main([*argv, "--date", "2026-02-30"]) == 2
    assert "'2026-02-30' is not a date (no such day in the calendar)" in capsys.readouterr().err


def test_the_docs_the_messages_name_ship_with_the_package() -> None:
    """A pip install has no repository beside it: the wheel carries docs/ as koku_gap/docs (pyproject's
    force-include, checked by building one: 18 files), and --help says where they are."""
    import tomllib

    from koku_gap.cli import build_parser, docs_dir

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"] == {"docs": "koku_gap/docs"}
    assert (docs_dir() / "errors.md").is_file() and (docs_dir() / "helm.md").is_file()
    assert f"are in {docs_dir()}" in " ".join(build_parser().format_help().split())
