"""The formats are a registry by convention: a module in koku_gap/report/ is a format, named after the
module, declaring its ``EXTRAS`` and one ``render(report, options)``; the CLI asks the registry."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import get_args

import pytest

import koku_gap.report
from koku_gap.cli import build_parser, main
from koku_gap.report import Extra, RenderOptions, format_names, render, reporter

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "fixtures" / "example"
ARGS = ["--clowdapp", str(EXAMPLE / "clowdapp.yaml"), "--manifests", str(EXAMPLE / "rendered.yaml")]


def test_the_formats_are_the_modules_of_the_package() -> None:
    modules = {p.stem for p in (ROOT / "koku_gap" / "report").glob("*.py") if not p.stem.startswith("_")}
    assert set(format_names()) == modules == {"github", "json", "junit", "markdown", "sarif", "terminal"}


@pytest.mark.parametrize("name", format_names())
def test_each_format_declares_its_extras_and_one_render(name: str) -> None:
    module = reporter(name)
    assert set(module.EXTRAS) <= set(get_args(Extra))
    assert len(set(module.EXTRAS)) == len(module.EXTRAS)
    assert callable(module.render)


def test_an_unknown_format_names_the_formats() -> None:
    with pytest.raises(ValueError, match=r"no report format 'yaml'; the formats are github, json, "):
        reporter("yaml")


def test_the_cli_offers_every_format() -> None:
    [action] = [a for a in build_parser()._actions if "--format" in a.option_strings]
    assert tuple(action.choices or ()) == format_names()


def test_a_new_format_is_one_module(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Dropped into the package's path, a module is listed, offered by ``--format`` and rendered with
    the extras it asks for, and only those."""
    (tmp_path / "counts.py").write_text(
        '"""A test format: how many rows, and how many have a snippet."""\n'
        "EXTRAS = ('snippets',)\n\n\n"
        "def render(report, options):\n"
        "    snippets = sum(1 for r in report.rows if r.snippet)\n"
        "    templates = sum(1 for r in report.rows if r.remediation)\n"
        "    counts = f'{len(report.rows)} rows, {snippets} snippets, {templates} templates'\n"
        "    return f'{counts}, {options.fail_on}\\n'\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(koku_gap.report, "__path__", [*koku_gap.report.__path__, str(tmp_path)])
    monkeypatch.delitem(sys.modules, "koku_gap.report.counts", raising=False)
    try:
        assert "counts" in format_names()
        assert main([*ARGS, "--format", "counts", "--fail-on", "none"]) == 0
        rows, snippets, templates, fail_on = capsys.readouterr().out.split(", ")
        assert int(rows.split()[0]) > 0 and int(snippets.split()[0]) > 0
        assert (templates, fail_on) == ("0 templates", "none\n")  # remediation: not asked for
    finally:
        sys.modules.pop("koku_gap.report.counts", None)


def test_render_takes_the_options_a_format_reads() -> None:
    import koku_gap

    report = koku_gap.analyze(EXAMPLE / "clowdapp.yaml", EXAMPLE / "rendered.yaml")
    assert "**Date**: 2026-12-01" in render(report, "markdown", RenderOptions(date="2026-12-01"))
    assert "**Date**" not in render(report, "markdown")
    strict, lenient = (render(report, "junit", RenderOptions(fail_on=f)) for f in ("P3", "none"))
    assert strict.count("<failure") > lenient.count("<failure") == 0
    table = render(report, "terminal", RenderOptions(color="always", to_file=True, width=140))
    assert "\x1b[" in table  # always: the coloured table, even into a file
    assert "\x1b[" not in render(report, "terminal", RenderOptions(to_file=True))


def test_help_imports_no_heavy_library() -> None:
    """``gap-report --help`` lists the formats from the directory, importing none of them."""
    code = (
        "import sys\n"
        "from koku_gap.cli import main\n"
        "try:\n"
        "    main(['--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = [m for m in sys.modules if m.split('.')[0] in ('pydantic', 'rich', 'ruamel', 'deepdiff')]\n"
        "formats = [m for m in sys.modules if m.startswith('koku_gap.report.')]\n"
        "print(heavy, formats, file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT, timeout=60
    )
    assert done.stderr.strip() == "[] []"
    assert "{github,json,junit,markdown,sarif,terminal}" in done.stdout
