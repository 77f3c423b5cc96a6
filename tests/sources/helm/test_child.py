"""The python engine renders in a child process under limits (``child.py``): a hostile template costs a
bounded render and one line naming the chart, never the analysing process.

Each chart here is a few bytes a pull request could carry: a nested ``range`` (gigabytes of output), a
``repeat`` of two billion, a ``tpl`` that renders itself, a loop that only spins.
"""

from __future__ import annotations

import resource
import sys
import time
from pathlib import Path

import pytest

from koku_gap.model.errors import InputError
from koku_gap.sources.helm.engine_python import PythonEngine
from koku_gap.sources.helm.job import read_job
from koku_gap.sources.helm.spec import ChartSpec
from tests.sources.helm.charts import SHOP, hostile_chart

LIMIT = 1 << 30  # 1 GiB: far above what the fixture charts need, far below what the hostile ones ask


def _refused(chart: Path, seconds: float = 20) -> tuple[str, float]:
    """The one-line error of a hostile render, and how long it took; the child's peak memory (its
    resident set, the largest of any child so far) stays under the limit it was given."""
    job = read_job(ChartSpec(chart), "hostile", 20 << 20)
    started = time.monotonic()
    with pytest.raises(InputError) as caught:
        PythonEngine(seconds=seconds, memory=LIMIT).render(chart, job)
    assert resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024 < LIMIT  # Linux: kilobytes
    assert caught.value.file == str(chart)
    assert "\n" not in caught.value.message
    return caught.value.message, time.monotonic() - started


@pytest.mark.parametrize(
    ("template", "values"),
    [
        ("a: {{ range $i := until 100000 }}{{ range $j := until 100000 }}xxxxxxxxxx{{ end }}{{ end }}\n", ""),
        ('a: {{ repeat 2000000000 "x" }}\n', ""),
        ("a: {{ tpl .Values.x . }}\n", 'x: "{{ tpl .Values.x . }}"\n'),
    ],
    ids=["nested-range", "repeat", "self-rendering-tpl"],
)
def test_a_template_that_wants_more_memory_than_allowed_is_one_line(
    tmp_path: Path, template: str, values: str
) -> None:
    message, took = _refused(hostile_chart(tmp_path, template, values))
    assert message.startswith("rendering stopped: it needed more than 1024 MiB")
    assert took < 10  # measured: 0.2-0.9 s


def test_a_template_that_spins_is_stopped_at_the_time_limit(tmp_path: Path) -> None:
    spin = (
        "{{ $n := until 50000 }}a: {{ range $i := $n }}{{ range $j := $n }}{{ end }}{{ end }}1\n"  # one list
    )
    chart = hostile_chart(tmp_path, spin)
    message, took = _refused(chart, seconds=1.5)
    assert message == "rendering stopped after 1.5 s: a template loops or the chart is too large"
    assert took < 10


def test_the_child_imports_neither_the_yaml_loader_nor_pydantic() -> None:
    """It starts in tens of milliseconds, and what it reads is the chart, nothing of ours but strvals."""
    import subprocess

    probe = (
        "import sys, koku_gap.sources.helm.child; "
        "print(sorted(m for m in sys.modules if m.startswith(('koku_gap', 'pydantic', 'ruamel'))))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.strip() == str(
        [
            "koku_gap",
            "koku_gap.sources",
            "koku_gap.sources.helm",
            "koku_gap.sources.helm.child",
            "koku_gap.sources.helm.strvals",
        ]
    )


def test_a_fixture_chart_renders_the_same_under_the_limits() -> None:
    job = read_job(ChartSpec(SHOP, set_values=["clusterDomain=apps.example.com"]), "shop", 20 << 20)
    rendered = PythonEngine(seconds=20, memory=LIMIT).render(SHOP, job)
    assert "# Source: shop/templates/" in rendered.text


def test_a_koku_gap_package_in_the_working_directory_is_not_the_child(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """gap-report runs in a pull request's checkout: a ``koku_gap/`` there must not be what renders
    (``python -m`` would put the working directory first on sys.path; the child runs with ``-P``)."""
    fake = tmp_path / "koku_gap" / "sources" / "helm"
    fake.mkdir(parents=True)
    for init in (tmp_path / "koku_gap", tmp_path / "koku_gap" / "sources", fake):
        (init / "__init__.py").write_text("")
    (fake / "child.py").write_text('print("not the renderer")\n')
    monkeypatch.chdir(tmp_path)
    job = read_job(ChartSpec(SHOP, set_values=["clusterDomain=apps.example.com"]), "shop", 20 << 20)
    assert "# Source: shop/templates/" in PythonEngine(seconds=20, memory=LIMIT).render(SHOP, job).text
