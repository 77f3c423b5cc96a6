"""Golden reports of the bundled example, compared byte for byte.

After a deliberate change to a report, run ``make golden`` and review the diff of tests/golden/.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from koku_gap.api import analyze
from koku_gap.cli import main
from koku_gap.model.report import Report
from koku_gap.report import render
from koku_gap.report.terminal import render_terminal

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden"
CLOWDAPP = "fixtures/example/clowdapp.yaml"
MANIFESTS = "fixtures/example/rendered.yaml"


def _check(name: str, text: str, update: bool) -> None:
    path = GOLDEN / name
    if update:
        path.write_text(text, encoding="utf-8")
        return
    assert path.exists(), f"{path} is missing: run `make golden`"
    expected = path.read_text(encoding="utf-8")
    assert text == expected, (
        f"{name} differs from the golden file: run `make golden` if the change is deliberate"
    )


@pytest.fixture
def report(monkeypatch: pytest.MonkeyPatch) -> Report:
    monkeypatch.chdir(ROOT)  # paths in reports are as given on the command line: keep them relative
    return analyze(clowdapps=[CLOWDAPP], manifests=[MANIFESTS])


def test_json_golden(report: Report, update_golden: bool) -> None:
    _check("example.json", render(report, "json"), update_golden)


def test_markdown_golden(report: Report, update_golden: bool) -> None:
    _check("example.md", render(report, "markdown"), update_golden)


def test_terminal_golden(report: Report, update_golden: bool) -> None:
    _check("example.txt", render_terminal(report), update_golden)  # piped: the plain listing


def test_terminal_table_golden(report: Report, update_golden: bool) -> None:
    _check("example-table.txt", render_terminal(report, table=True, color="never", width=140), update_golden)


def test_cli_markdown_equals_the_api(
    report: Report, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    code = main(
        ["--clowdapp", CLOWDAPP, "--manifests", MANIFESTS, "--format", "markdown", "--fail-on", "none"]
    )
    assert code == 0
    assert capsys.readouterr().out == render(report, "markdown")


def test_golden_markdown_is_the_documented_example() -> None:
    doc = ROOT / "docs" / "examples" / "ledger.md"
    assert doc.read_text(encoding="utf-8") == (GOLDEN / "example.md").read_text(encoding="utf-8"), (
        "docs/examples/ledger.md is a copy of tests/golden/example.md: copy it again after `make golden`"
    )


def test_readme_excerpt_is_real_output() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    golden = (GOLDEN / "example.md").read_text(encoding="utf-8").splitlines()
    excerpt = [line for line in readme.split("```")[1].splitlines() if line.startswith("| ")]
    assert len(excerpt) >= 4
    assert all(line in golden for line in excerpt), "README's report excerpt no longer matches `make report`"
