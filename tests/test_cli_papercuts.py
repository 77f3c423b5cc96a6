"""Command-line papercuts a review found: each message names the option and says what it accepts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from koku_gap.cli import BUNDLED_POLICIES, build_parser, main
from koku_gap.engine.policy import BUNDLED

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "fixtures/example/clowdapp.yaml")
CHART = str(ROOT / "fixtures/example/rendered.yaml")
BASE = ["--clowdapp", APP, "--manifests", CHART, "--fail-on", "none"]


def usage_error(capsys: pytest.CaptureFixture[str], argv: list[str]) -> str:
    """The one stderr line of a usage error (exit 2, nothing on stdout)."""
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert out == ""
    (line,) = err.splitlines()
    assert line.startswith("gap-report: error: ") and line.endswith("(see gap-report --help)")
    return line


def test_an_unknown_policy_names_the_bundled_ones(capsys: pytest.CaptureFixture[str]) -> None:
    line = usage_error(capsys, [*BASE, "--policy", "nosuch"])
    assert "--policy nosuch: no such policy file; bundled policies: default, koku" in line


def test_the_cli_lists_the_policies_the_loader_accepts() -> None:
    assert tuple(sorted(BUNDLED)) == BUNDLED_POLICIES
    assert "(default, koku)" in " ".join(build_parser().format_help().split())


@pytest.mark.parametrize("policy", ["koku", "default"])
def test_bundled_policies_still_load(policy: str) -> None:
    assert main([*BASE, "--policy", policy, "--format", "json"]) == 0


@pytest.mark.parametrize("option", ["--clowdapp", "--policy", "--baseline"])
def test_stdin_is_read_only_by_manifests(capsys: pytest.CaptureFixture[str], option: str) -> None:
    argv = ["--clowdapp", "-", "--manifests", CHART] if option == "--clowdapp" else [*BASE, option, "-"]
    line = usage_error(capsys, argv)
    assert f"{option} -: stdin is accepted only by --manifests" in line


def test_values_from_stdin_is_refused_too(capsys: pytest.CaptureFixture[str]) -> None:
    line = usage_error(capsys, ["--clowdapp", APP, "--chart", "fixtures/charts/shop", "--values", "-"])
    assert "--values -: stdin is accepted only by --manifests" in line


@pytest.mark.parametrize("value", ["notadate", "20261126", "2026-W48-4", "2026-02-30", "26-11-26", ""])
def test_date_must_be_a_real_yyyy_mm_dd(capsys: pytest.CaptureFixture[str], value: str) -> None:
    line = usage_error(capsys, [*BASE, "--format", "markdown", "--date", value])
    assert f"argument --date: expected a date YYYY-MM-DD, got {value!r}" in line


def test_a_valid_date_is_printed_as_given(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*BASE, "--format", "markdown", "--date", "2026-11-26"]) == 0
    assert "**Date**: 2026-11-26  " in capsys.readouterr().out


def test_several_paths_after_one_flag_say_to_repeat_it(capsys: pytest.CaptureFixture[str]) -> None:
    line = usage_error(capsys, ["--clowdapp", APP, "--manifests", CHART, CHART])
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
