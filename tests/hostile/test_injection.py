"""Hostile names reach no CI log, Markdown document, terminal or parser as anything but text (issue 17).

A pull request writes the ClowdApp, the chart, the policy and the baseline, so every name, file name
and reason below is the author's. Each format is run through the CLI on the same hostile inputs and
read back as its consumer reads it: stdout and stderr by GitHub's runner (tests/helpers/runner.py),
Markdown by a CommonMark parser with tables, JUnit by ElementTree, JSON and SARIF by json.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import NamedTuple

import pytest
from markdown_it import MarkdownIt
from markdown_it.token import Token

from koku_gap.api import analyze
from koku_gap.cli import main
from koku_gap.report import Extra
from koku_gap.report._escape import terminal_text, xml_text
from tests.helpers.engine import celery, clowdapp, deployment, dump, workload, write
from tests.helpers.markdown import SECTIONS
from tests.helpers.runner import commands

_SNIPPETS: tuple[Extra, ...] = ("snippets",)  # what the github format reads

# Component names that try each trick; every one is a Celery worker of its own queue (a P0 gap).
HOSTILE = [
    "cr\r::error title=forged::FORGED",
    "lf\n::set-output name=report::pwned",
    "legacy ##[set-output name=report]pwned",
    "##[stop-commands]silence",
    "::stop-commands::quiet",
    'md a`b``c | d <!-- "] click x href "javascript:alert(1)"',
    "\n\n## ✅ gap-report: no gap fails this run, safe to merge\n\n<!--",
    "osc \x1b]52;c;aGk=\x07\x1b[2J\x1b[H",
]
# Chart workload names, and the Helm template (the ``# Source:`` line) that renders them.
HOSTILE_CHART = ["chart\r::warning::forged", "chart ##[error]forged | `x` <!--"]
HOSTILE_TEMPLATE = "shop-chart/templates/##[error file=ci.yml]forged.yaml"
HOSTILE_REASON = "policy says\r::error::forged ##[set-output name=x]y <!-- | `"
# An env var of the chart naming a topic (its name ends in TOPIC): the Kafka topics' evidence line.
HOSTILE_ENV = "env\r::error::forged | `x` <!-- ##[error]_TOPIC"
FORMATS = ["json", "markdown", "terminal", "sarif", "junit", "github"]
H2 = set(SECTIONS)
MERMAID_LINE = re.compile(
    r'flowchart LR|  subgraph \w+\["[^"]*"\]|    \w+\["[^"]*"\]:::\w+|  end'
    r"|  \w+ (-->|-\.->)\|[\w ()]+\| \w+|  classDef \w+ [\w:#,]+"
)
SGR = re.compile(r"\x1b\[[0-9;]*m")  # the colours rich writes with --color always
MARKDOWN = MarkdownIt("commonmark").enable("table")


class Run(NamedTuple):
    code: int
    out: str
    err: str


def run(argv: list[str]) -> Run:
    """The CLI with stdout and stderr as a real process has them: UTF-8, strict."""
    out, err = io.BytesIO(), io.BytesIO()
    out_text = io.TextIOWrapper(out, encoding="utf-8", errors="strict")
    err_text = io.TextIOWrapper(err, encoding="utf-8", errors="strict")
    with contextlib.redirect_stdout(out_text), contextlib.redirect_stderr(err_text):
        code = main(argv)
        out_text.flush()
        err_text.flush()
    return Run(code, out.getvalue().decode("utf-8"), err.getvalue().decode("utf-8"))


def _manifests(*objects: dict[str, object]) -> str:
    return "".join(f"---\n# Source: {HOSTILE_TEMPLATE}\n{dump(o)}" for o in objects)


@pytest.fixture
def inputs(tmp_path: Path) -> list[str]:
    """The arguments of a run on the hostile ClowdApp (its file name hostile too), chart and policy."""
    app = clowdapp(
        deployments=[
            deployment("api", web="public"),
            *(deployment(name, command=celery(f"q{n}")) for n, name in enumerate(HOSTILE)),
            deployment("overridden", command=celery("qo")),
        ],
        kafkaTopics=[{"topicName": name} for name in HOSTILE],
    )
    chart = _manifests(
        workload("rel-shop-api", command=["gunicorn", "shop.wsgi"], http=True, env={HOSTILE_ENV: "t.x"}),
        *(workload(name, command=celery("elsewhere")) for name in HOSTILE_CHART),
    )
    policy = dump(
        {
            "extends": "default",
            "components": {
                "overridden": {"status": "missing", "priority": "P1", "reason": HOSTILE_REASON},
            },
        }
    )
    return [
        "--clowdapp",
        str(write(tmp_path, "app\r::error::file ##[error]named.yaml", app)),
        "--manifests",
        str(write(tmp_path, "rendered.yaml", chart)),
        "--policy",
        str(write(tmp_path, "policy.yaml", policy)),
    ]


def assert_no_command(text: str, where: str) -> None:
    assert commands(text) == [], f"{where} creates workflow commands"


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_format_forges_a_workflow_command(
    inputs: list[str], fmt: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the runner reads from stdout and stderr: nothing but the github format's own annotations."""
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    done = run([*inputs, "--format", fmt])
    assert done.code == 1, done.err
    assert_no_command(done.err, "stderr")
    if fmt != "github":
        assert_no_command(done.out, f"--format {fmt}")
        return
    report = analyze(clowdapps=[inputs[1]], manifests=[inputs[3]], policy=inputs[5], extras=_SNIPPETS)
    failing = report.failing("P0")
    found = commands(done.out)
    assert [c.name for c in found] == ["error"] * len(failing)
    assert all(c.line.startswith("::error ") for c in found)  # each a line of its own, as written
    titles = {c.properties["title"] for c in found}
    assert titles == {f"{r.priority} {r.rule_id}: {terminal_text(str(r.clowdapp))}" for r in failing}


def _headings(tokens: list[Token]) -> list[tuple[str, str]]:
    return [(t.tag, tokens[n + 1].content) for n, t in enumerate(tokens) if t.type == "heading_open"]


def _matrix_rows(tokens: list[Token]) -> list[list[str]]:
    """The cells of each body row of the first table (the comparison matrix)."""
    rows: list[list[str]] = []
    in_body = False
    for token in tokens:
        if token.type == "tbody_open":
            in_body = True
        elif token.type == "tbody_close":
            return rows
        elif in_body and token.type == "tr_open":
            rows.append([])
        elif in_body and token.type == "inline":
            rows[-1].append(token.content)
    return rows


def _items(tokens: list[Token], heading: str) -> list[str]:
    """The text of each item of the list under the h2 ``heading``, up to the next h2."""
    items: list[str] = []
    seen = False
    for n, token in enumerate(tokens):
        if token.type == "heading_open" and token.tag == "h2":
            if seen:
                break
            seen = tokens[n + 1].content == heading
        elif seen and token.type == "list_item_open":
            items.append(tokens[n + 2].content)  # list_item_open, paragraph_open, inline
    return items


def check_markdown(document: str, rows: int, topics: int = 0) -> None:
    tokens = MARKDOWN.parse(document)
    headings = _headings(tokens)
    assert [h for h in headings if h[0] == "h1"] == headings[:1]
    assert {text for tag, text in headings if tag == "h2"} <= H2
    assert all(re.fullmatch(r"P[0-3]( · .+ — .+)?", text) for tag, text in headings if tag == "h3")
    html = [t.content for t in tokens if t.type == "html_block"]
    html += [c.content for t in tokens if t.children for c in t.children if c.type == "html_inline"]
    assert not [h for h in html if "<!--" in h or "<h" in h], html
    matrix = _matrix_rows(tokens)
    assert len(matrix) == rows
    assert {len(cells) for cells in matrix} == {7}
    items = _items(tokens, "Kafka topics")  # one item a topic, each one line
    assert len(items) == topics
    assert all("\n" not in item for item in items)
    mermaid = [t.content for t in tokens if t.type == "fence" and t.info == "mermaid"]
    assert len(mermaid) == 1
    bad = [line for line in mermaid[0].splitlines() if not MERMAID_LINE.fullmatch(line)]
    assert bad == []


def test_markdown_keeps_its_structure(inputs: list[str]) -> None:
    """One matrix row per component, no heading or HTML comment but ours, Mermaid labels quoted."""
    done = run([*inputs, "--format", "markdown"])
    report = json.loads(run([*inputs, "--format", "json"]).out)
    assert len(report["topics"]) == len(HOSTILE) + 1  # each declared, and the chart's own
    check_markdown(done.out, len(report["rows"]), len(report["topics"]))


def test_job_summary_keeps_its_structure(
    inputs: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    done = run([*inputs, "--format", "github"])
    monkeypatch.delenv("GITHUB_STEP_SUMMARY")
    assert done.code == 1
    document = summary.read_text(encoding="utf-8")
    assert document.startswith("❌ gap-report: ")
    report = json.loads(run([*inputs, "--format", "json"]).out)
    check_markdown(document, len(report["rows"]), len(report["topics"]))


@pytest.mark.parametrize("layout", [[], ["--color", "always"]], ids=["plain", "table"])
@pytest.mark.parametrize("columns", ["80", "250"])
def test_terminal_sends_no_control_character(
    inputs: list[str], layout: list[str], columns: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", columns)
    done = run([*inputs, "--format", "terminal", *layout])
    shown = SGR.sub("", done.out)
    assert all(c.isprintable() or c == "\n" for c in shown), [c for c in shown if not c.isprintable()]
    assert_no_command(done.out, "--format terminal")
    if not layout:  # the plain listing: one line per row, so `grep` finds whole rows
        rows = len(json.loads(run([*inputs, "--format", "json"]).out)["rows"])
        lines = done.out.splitlines()
        header = next(n for n, line in enumerate(lines) if line.startswith("component "))
        assert len([line for line in lines[header + 1 :] if "warning(s)" not in line]) == rows


def test_junit_parses_and_keeps_the_names(inputs: list[str]) -> None:
    done = run([*inputs, "--format", "junit"])
    root = ET.fromstring(done.out)
    names = {case.attrib["name"] for case in root.iter("testcase")}
    assert {xml_text(name) for name in [*HOSTILE, *HOSTILE_CHART]} <= names
    assert "cr\r::error title=forged::FORGED" in names  # a CR survives, as a character reference


@pytest.mark.parametrize("fmt", ["json", "sarif"])
def test_json_formats_keep_the_names(inputs: list[str], fmt: str) -> None:
    done = run([*inputs, "--format", fmt])
    data = json.loads(done.out)
    text = json.dumps(data, ensure_ascii=False)
    for name in HOSTILE if fmt == "sarif" else [*HOSTILE, *HOSTILE_CHART, HOSTILE_ENV]:  # SARIF: the gaps
        assert json.dumps(name, ensure_ascii=False)[1:-1] in text


# --- lone surrogates: a file name that is not UTF-8, an escaped surrogate in the baseline -------------


@pytest.mark.parametrize("fmt", [*FORMATS, "github-summary"])
def test_lone_surrogates_are_written(tmp_path: Path, fmt: str, monkeypatch: pytest.MonkeyPatch) -> None:
    app = write(
        tmp_path,
        os.fsdecode(b"app-\xff.yaml"),
        clowdapp(deployments=[deployment("api", web="public"), deployment("w", command=celery("q"))]),
    )
    chart = write(tmp_path, "rendered.yaml", _manifests(workload("rel-shop-api", command=["x"], http=True)))
    baseline = write(
        tmp_path,
        "baseline.json",
        '{"format": "koku-gap-baseline", "version": 1, "gaps": [{"id": "shop/\\udcff\\u001b[2J"}]}',
    )
    summary = tmp_path / "summary.md"
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    if fmt == "github-summary":
        monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    argv = ["--clowdapp", str(app), "--manifests", str(chart), "--baseline", str(baseline)]
    done = run([*argv, "--format", fmt.removesuffix("-summary")])
    # the failing gate's closing line (report/_gate.py), and nothing else
    assert done.err.startswith("gap-report: --fail-on P0 failed: ") and done.err.count("\n") == 1
    assert done.err[:-1].isprintable()
    assert done.code == 1
    if not fmt.startswith("github"):  # the github format's own annotations are checked above
        assert_no_command(done.out, fmt)
    if fmt == "github-summary":
        assert "\\udcff" in summary.read_text(encoding="utf-8")
    if fmt in ("json", "sarif"):
        assert "\ufffd" in json.dumps(json.loads(done.out), ensure_ascii=False)
    if fmt == "junit":
        ET.fromstring(done.out)


# --- stderr: errors and notes quote file names, arguments and YAML keys ----------------------------


def test_error_quoting_a_file_name_forges_nothing(tmp_path: Path) -> None:
    missing = str(tmp_path / "x ##[set-output name=report]pwned.yaml")
    done = run(["--clowdapp", missing, "--manifests", missing])
    assert done.code == 2
    assert "pwned" in done.err
    assert_no_command(done.err, "the error")


def test_strict_error_quoting_a_yaml_key_forges_nothing(tmp_path: Path) -> None:
    app = write(
        tmp_path,
        "app.yaml",
        "kind: ClowdApp\nmetadata: {name: s}\nspec: {envName: e}\n'##[error]k': 1\n'##[error]k': 2\n",
    )
    chart = write(tmp_path, "rendered.yaml", _manifests(workload("w", command=["x"])))
    done = run(["--clowdapp", str(app), "--manifests", str(chart), "--strict"])
    assert done.code == 2
    assert "duplicate key" in done.err
    assert_no_command(done.err, "the --strict error")


def test_note_naming_the_written_baseline_forges_nothing(inputs: list[str], tmp_path: Path) -> None:
    target = tmp_path / "baseline\r::error::forged ##[error]x.json"
    done = run([*inputs, "--write-baseline", str(target), "--format", "json"])
    assert done.code == 0
    assert target.is_file()
    assert "wrote" in done.err
    assert_no_command(done.err, "the baseline note")


def test_warning_naming_the_job_summary_forges_nothing(
    inputs: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(tmp_path / "no such dir ##[error]forged" / "summary.md"))
    done = run([*inputs, "--format", "github"])
    assert "cannot append the job summary" in done.err
    assert_no_command(done.err, "the job summary warning")


# --- the runner parser itself: each trick above is one it reads -----------------------------------


@pytest.mark.parametrize(
    ("output", "names"),
    [
        ("::error title=t::m", ["error"]),
        ("  ::warning::m", ["warning"]),
        ("text\r::set-output name=x::v", ["set-output"]),
        ("text ##[set-output name=x;]v", ["set-output"]),
        ("text ::error::not at a line's start", []),
        ("::stop-commands::tok\n::error::muted\n::tok::\n::error::heard", ["stop-commands", "error"]),
        ("##[stop-commands]tok\n::error::muted", ["stop-commands"]),
        ("::unknown::x\n##[nothing]y", []),
    ],
)
def test_runner_reads_the_commands_github_reads(output: str, names: list[str]) -> None:
    assert [c.name for c in commands(output)] == names


def test_runner_unescapes_as_github_does() -> None:
    (command,) = commands("::error file=a%2Cb%3Ac,title=x::line%0Anext %25")
    assert command.properties == {"file": "a,b:c", "title": "x"}
    assert command.data == "line\nnext %"
