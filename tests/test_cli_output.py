"""``--output`` writes where a shell's ``>`` would, and never replaces what is not a regular file.

Before, every ``--output`` was a temporary file renamed over the path: over a FIFO, a device or a symbolic
link alike. As root, ``--output /dev/null`` put a regular file where the device was, for every later
process of the machine. These tests use a FIFO and links in ``tmp_path``, never a real device.
"""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest

from koku_gap.cli import main, write_atomically
from koku_gap.model.errors import InputError

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ["--clowdapp", str(ROOT / "fixtures/example/clowdapp.yaml")]
EXAMPLE += ["--manifests", str(ROOT / "fixtures/example/rendered.yaml"), "--fail-on", "none"]


def test_a_fifo_is_written_in_place(tmp_path: Path) -> None:
    fifo = tmp_path / "report.fifo"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    assert main([*EXAMPLE, "--format", "json", "--output", str(fifo)]) == 0
    reader.join(timeout=30)
    assert stat.S_ISFIFO(fifo.stat().st_mode)  # still the FIFO, not a file renamed over it
    assert received and received[0].startswith(b"{")


def test_a_link_to_a_file_keeps_the_link_and_replaces_its_target(tmp_path: Path) -> None:
    target = tmp_path / "real.json"
    target.write_text("old")
    link = tmp_path / "report.json"
    link.symlink_to(target)
    assert main([*EXAMPLE, "--format", "json", "--output", str(link)]) == 0
    assert link.is_symlink() and link.resolve() == target.resolve()
    assert target.read_text().startswith("{")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["real.json", "report.json"]  # no temporary left


def test_a_regular_file_is_replaced_whole(tmp_path: Path) -> None:
    out = tmp_path / "report.md"
    out.write_text("x" * 100_000)
    assert main([*EXAMPLE, "--format", "markdown", "--output", str(out)]) == 0
    assert out.read_text().startswith("# ClowdApp vs Helm chart gap report")
    assert stat.S_ISREG(out.stat().st_mode)


def test_dash_is_standard_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main([*EXAMPLE, "--format", "json", "--output", "-"]) == 0
    assert capsys.readouterr().out.startswith("{")
    assert list(tmp_path.iterdir()) == []  # no file named "-"


def test_a_directory_is_one_line_naming_it(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot write the report"):
        write_atomically(tmp_path, "text")
    assert list(tmp_path.iterdir()) == []


def test_a_missing_directory_is_one_line_naming_the_path(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="the directory does not exist") as caught:
        write_atomically(tmp_path / "no" / "report.json", "text")
    assert caught.value.file == str(tmp_path / "no" / "report.json")


def test_no_baseline_is_written_when_the_report_cannot_be(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    baseline = tmp_path / "baseline.json"
    argv = [*EXAMPLE, "--output", str(tmp_path / "missing" / "report.md"), "--write-baseline", str(baseline)]
    assert main(argv) == 2
    assert "the directory does not exist" in capsys.readouterr().err
    assert not baseline.exists()
    assert main([*EXAMPLE, "--output", str(tmp_path / "report.md"), "--write-baseline", str(baseline)]) == 0
    assert baseline.exists()


def test_a_directory_that_refuses_new_files_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """As root no directory refuses a file, so the refusal is the operating system's answer, simulated."""
    import tempfile

    def refuse(*_: object, **__: object) -> tuple[int, str]:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    assert main([*EXAMPLE, "--output", str(tmp_path / "r.md")]) == 2
    err = capsys.readouterr().err
    assert err == f"gap-report: error: {tmp_path / 'r.md'}: cannot write the report: Permission denied\n"


def test_a_full_device_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*EXAMPLE, "--output", "/dev/full"]) == 2
    assert (
        capsys.readouterr().err
        == "gap-report: error: /dev/full: cannot write the report: No space left on device\n"
    )
