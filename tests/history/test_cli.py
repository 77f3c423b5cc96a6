"""gap-report history: the subcommand's options, output and errors (gap-report itself is unchanged)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from koku_gap.cli import build_history_parser, main
from tests.history.test_run import Walked


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def base(walked: Walked) -> list[str]:
    repo, _, clowdapp, _ = walked
    return [
        "history",
        "--repo",
        str(repo.root),
        "--chart-path",
        "kiosk",
        "--chart-path",
        "old",
        "--clowdapp",
        str(clowdapp),
        "--today",
        "2026-12-01",
        "--jobs",
        "1",
    ]


def test_json_to_stdout_is_the_librarys_history(walked: Walked, capsys: pytest.CaptureFixture[str]) -> None:
    _, _, _, found = walked
    code, out, err = run([*base(walked), "--format", "json"], capsys)
    assert (code, err) == (0, "")
    printed, library = json.loads(out), json.loads(found.model_dump_json())
    errors = [
        (p.pop("error"), q.pop("error")) for p, q in zip(printed["commits"], library["commits"], strict=True)
    ]
    assert printed == library  # but for the errors, which name options, not keywords:
    assert "--set or --values" in errors[6][0] and "set_values=... or values=..." in errors[6][1]


def test_errors_name_the_options(walked: Walked, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run([*base(walked), "--format", "markdown"], capsys)
    assert code == 0
    assert "give the value it needs with --set or --values, or pass --skip-failing-templates" in out


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--rev-range", "nosuch..HEAD"], "--rev-range: 'nosuch' does not resolve to a commit"),
        (["--rev-range", "HEAD..HEAD"], "--rev-range HEAD..HEAD holds no commits"),
        (["--since", "2030-01-01"], "no first-parent commit on or after 2030-01-01 (--since)"),
    ],
)
def test_bad_input_is_one_line_exit_2_and_nothing_written(
    walked: Walked, tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: list[str], message: str
) -> None:
    output = tmp_path / "history.md"
    code, out, err = run([*base(walked), *extra, "--output", str(output)], capsys)
    assert (code, out, len(err.splitlines())) == (2, "", 1), err
    assert err.startswith("gap-report: error: ") and message in err
    assert list(tmp_path.iterdir()) == []


def test_a_path_absent_at_every_commit(walked: Walked, capsys: pytest.CaptureFixture[str]) -> None:
    repo, _, clowdapp, _ = walked
    argv = ["history", "--repo", str(repo.root), "--chart-path", "nowhere", "--clowdapp", str(clowdapp)]
    code, _, err = run(argv, capsys)
    assert code == 2 and "--chart-path: no commit of the walk (8) has a directory nowhere" in err


def test_not_a_repository(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(
        ["history", "--repo", str(tmp_path), "--chart-path", "c", "--clowdapp", "x.yaml"], capsys
    )
    assert code == 2 and f"{tmp_path}: not a git repository" in err


def test_output_is_written_whole(walked: Walked, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    output = tmp_path / "h.csv"
    code, out, _ = run([*base(walked), "--format", "csv", "--output", str(output)], capsys)
    assert code == 0 and out == ""
    assert len(output.read_text(encoding="utf-8").splitlines()) == 9  # the header and 8 commits


def test_a_missing_plotting_extra_fails_before_the_walk(
    walked: Walked, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    output, picture = tmp_path / "h.md", tmp_path / "h.svg"
    code, _, err = run([*base(walked), "--output", str(output), "--plot", str(picture)], capsys)
    assert code == 2 and "--plot needs matplotlib" in err and "koku-gap[plot]" in err
    assert not output.exists() and not picture.exists()


def test_the_plot_is_written_with_the_history(
    walked: Walked, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("matplotlib")
    picture = tmp_path / "h.svg"
    code, out, _ = run([*base(walked), "--plot", str(picture)], capsys)
    assert code == 0 and out.startswith("# Gap history") and picture.read_bytes().startswith(b"<?xml")


def test_help_says_where_values_are_read_from() -> None:
    text = " ".join(build_history_parser().format_help().split())
    assert "read from the work tree as given (not from the commits)" in text
    assert "--rev-range A..B" in text and "--since YYYY-MM-DD" in text and "{csv,json,markdown}" in text


def test_rev_range_and_since_exclude_each_other(walked: Walked, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run([*base(walked), "--rev-range", "HEAD~1..", "--since", "2026-01-01"], capsys)
    assert code == 2 and "not allowed with argument" in err
