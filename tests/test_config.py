"""Options from .koku-gap.yaml and KOKU_GAP_* variables (config.py): CLI > env > file."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from koku_gap.cli import build_parser, main
from koku_gap.config import config_arguments

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "fixtures" / "example" / "clowdapp.yaml")
RENDERED = str(ROOT / "fixtures" / "example" / "rendered.yaml")


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A checkout with its config file and inputs, the working directory."""
    monkeypatch.chdir(tmp_path)
    shutil.copy(APP, tmp_path / "clowdapp.yaml")
    shutil.copy(RENDERED, tmp_path / "rendered.yaml")
    (tmp_path / ".koku-gap.yaml").write_text(
        "clowdapp: [clowdapp.yaml]\nmanifests: [rendered.yaml]\nfail-on: none\nformat: json\n"
    )
    return tmp_path


@pytest.mark.usefixtures("repo")
def test_the_file_in_the_working_directory_gives_the_options(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 0
    assert json.loads(capsys.readouterr().out)["inputs"][0]["file"] == "clowdapp.yaml"


@pytest.mark.usefixtures("repo")
def test_the_environment_overrides_the_file_and_the_command_line_both(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("KOKU_GAP_FAIL_ON", "P0")
    assert main([]) == 1  # the example has a P0
    capsys.readouterr()
    assert main(["--fail-on", "none"]) == 0


@pytest.mark.usefixtures("repo")
def test_a_repeatable_option_on_the_command_line_replaces_the_files_list() -> None:
    parser = build_parser()
    added = config_arguments(parser, ["--clowdapp", "mine.yaml"], None, environ={})
    assert "--clowdapp" not in added and added[:2] == ["--manifests", "rendered.yaml"]


@pytest.mark.usefixtures("repo")
def test_one_of_a_group_on_the_command_line_sets_the_group_aside() -> None:
    added = config_arguments(build_parser(), ["--chart", "chart/"], None, environ={})
    assert "--manifests" not in added  # the file's --manifests would conflict with --chart


@pytest.mark.usefixtures("repo")
def test_an_abbreviated_option_counts_as_given() -> None:
    added = config_arguments(build_parser(), ["--fail", "P2"], None, environ={})
    assert "--fail-on" not in added


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("clowdap: [x]\n", "bad.yaml:1: unknown option 'clowdap'; did you mean clowdapp?"),
        ("format: [json, sarif]\n", "bad.yaml:1: format takes one value"),
        ("strict: maybe\n", "bad.yaml:1: strict takes true or false"),
        ("- clowdapp\n", "bad.yaml:1: a config file is one mapping of option names to values"),
    ],
)
def test_a_bad_file_is_one_line_naming_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, says: str
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(text)
    assert main(["--config", str(bad)]) == 2
    assert capsys.readouterr().err == f"gap-report: error: {tmp_path / says}\n"


def test_a_named_config_file_that_is_missing_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--config", str(tmp_path / "none.yaml")]) == 2
    assert "none.yaml" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("line", "says"),
    [
        (
            "output: report.md",
            "output: where gap-report writes is said on the command line, not in a config file",
        ),
        ("write-baseline: b.json", "write-baseline: where gap-report writes is said on the command line"),
        ("values: [/etc/passwd]", "values: '/etc/passwd' leaves the working directory"),
        ("app-source: [shop=../elsewhere]", "app-source: '../elsewhere' leaves the working directory"),
    ],
)
def test_a_config_file_neither_chooses_where_to_write_nor_reads_outside(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], line: str, says: str
) -> None:
    """The config file is the pull request's: the runner's files are not its to write or read."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".koku-gap.yaml").write_text(line + "\n")
    assert main(["--clowdapp", APP, "--manifests", RENDERED]) == 2
    assert capsys.readouterr().err.startswith(f"gap-report: error: .koku-gap.yaml:1: {says}")


def test_a_bundled_policy_name_is_no_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".koku-gap.yaml").write_text("policy: koku\n")
    assert config_arguments(build_parser(), [], None, environ={}) == ["--policy", "koku"]
