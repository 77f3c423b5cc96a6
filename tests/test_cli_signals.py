"""A gap-report that is stopped (SIGTERM: a cancelled CI job; SIGHUP: a closed terminal) leaves nothing
behind: the render child is killed, the scratch directories removed, and one line says why."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "fixtures" / "charts" / "clowdapp.yaml"


def _spinning_chart(root: Path) -> Path:
    chart = root / "spin"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: spin\nversion: 0.1.0\n")
    (chart / "templates" / "cm.yaml").write_text(
        "{{ $n := until 100000 }}a: {{ range $i := $n }}{{ range $j := $n }}{{ end }}{{ end }}1\n"
    )
    return chart


def _children_running(marker: str) -> list[str]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            except OSError:
                continue
            if marker in command and "koku_gap.sources.helm.child" in command:
                found.append(entry.name)
    return found


@pytest.mark.skipif(not Path("/proc/self/cmdline").exists(), reason="reads /proc")
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_a_stopped_run_kills_its_render_and_leaves_no_scratch(tmp_path: Path, signum: int) -> None:
    pytest.importorskip("helm_python")
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    chart = _spinning_chart(tmp_path)
    env = {**os.environ, "TMPDIR": str(scratch)}
    process = subprocess.Popen(
        [sys.executable, "-m", "koku_gap.cli", "--clowdapp", str(APP), "--chart", str(chart)],
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and not list(scratch.iterdir()):
        time.sleep(0.05)  # the render has started once its scratch directory exists
    time.sleep(0.5)
    process.send_signal(signum)
    _, err = process.communicate(timeout=30)
    assert process.returncode == 128 + signum
    assert err.strip().endswith(f"gap-report: stopped by signal {signal.Signals(signum).name}")
    assert list(scratch.iterdir()) == []
    time.sleep(0.2)
    assert _children_running(str(chart)) == []
