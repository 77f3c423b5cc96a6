"""The amplification cases of issue 17, end to end: each hostile input through ``gap-report`` is one line
naming its file, exit 2, within a stated time (and, for a render, the child's peak memory under its
limit). The mechanisms have their own tests beside their modules; these are the promises as a pull
request's author meets them (docs/security.md, "Rendering a stranger's chart" and "Budgets")."""

from __future__ import annotations

import io
import resource
import tarfile
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from koku_gap.cli import main
from tests.helpers.engine import clowdapp, deployment, manifests, workload, write
from tests.sources.helm.charts import hostile_chart

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "fixtures" / "charts" / "clowdapp.yaml"
RENDERED = ROOT / "fixtures" / "example" / "rendered.yaml"
EXAMPLE_APP = ROOT / "fixtures" / "example" / "clowdapp.yaml"


def _nested_range(root: Path) -> list[str]:
    template = "a: {{ range $i := until 100000 }}{{ range $j := until 100000 }}xxxxxxxxxx{{ end }}{{ end }}\n"
    return ["--clowdapp", str(APP), "--chart", str(hostile_chart(root, template))]


def _self_rendering_tpl(root: Path) -> list[str]:
    chart = hostile_chart(root, "a: {{ tpl .Values.x . }}\n", 'x: "{{ tpl .Values.x . }}"\n')
    return ["--clowdapp", str(APP), "--chart", str(chart)]


def _bzip2_archive(root: Path) -> list[str]:
    archive = root / "bomb.tgz"
    with tarfile.open(archive, "w:bz2") as tar:
        data = b"apiVersion: v2\nname: bomb\nversion: 0.1.0\n"
        info = tarfile.TarInfo("bomb/Chart.yaml")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    return ["--clowdapp", str(APP), "--chart", str(archive)]


def _parameter_amplification(root: Path) -> list[str]:
    """A 4 KB parameter used 17,000 times: 70 MB from a file of 0.6 MB."""
    refs = "".join(f"        - {{name: V{i}, value: '${{BIG}}'}}\n" for i in range(17_000))
    text = (
        "apiVersion: template.openshift.io/v1\nkind: Template\nmetadata: {name: amp}\n"
        f"parameters:\n- {{name: BIG, value: {'x' * 4096}}}\n"
        "objects:\n- apiVersion: cloud.redhat.com/v1alpha1\n  kind: ClowdApp\n  metadata: {name: amp}\n"
        "  spec:\n    envName: env\n    deployments:\n    - name: api\n      podSpec:\n"
        "        image: quay.io/x/api:1\n        env:\n" + refs
    )
    return ["--clowdapp", str(write(root, "amplify.yaml", text)), "--manifests", str(RENDERED)]


def _long_policy(root: Path) -> list[str]:
    entries = "".join(f"  c{i}: {{priority: P3, reason: r}}\n" for i in range(2_001))
    policy = write(root, "policy.yaml", f"extends: default\ncomponents:\n{entries}")
    return ["--clowdapp", str(EXAMPLE_APP), "--manifests", str(RENDERED), "--policy", str(policy)]


def _endless_baseline(_root: Path) -> list[str]:
    return ["--clowdapp", str(EXAMPLE_APP), "--manifests", str(RENDERED), "--baseline", "/dev/zero"]


def _extends_outside(root: Path) -> list[str]:
    (root / "repo").mkdir()
    policy = write(root / "repo", "policy.yaml", "extends: /etc/passwd\n")
    return ["--clowdapp", str(EXAMPLE_APP), "--manifests", str(RENDERED), "--policy", str(policy)]


CASES: dict[str, tuple[Callable[[Path], list[str]], str, float]] = {
    # name: (the inputs, what the one line says, seconds allowed; measured 0.2-1 s on a shared 2-core box)
    "nested-range": (_nested_range, "rendering stopped: it needed more than", 30),
    "self-rendering-tpl": (_self_rendering_tpl, "rendering stopped: it needed more than", 30),
    "bzip2-archive": (_bzip2_archive, "not a gzip-compressed tar archive", 10),
    "parameter-amplification": (_parameter_amplification, "template parameters expand to more than", 30),
    "long-policy": (_long_policy, "policy components: more than 2000 entries", 10),
    "endless-baseline": (_endless_baseline, "cannot read the baseline: over", 10),
    "extends-outside": (_extends_outside, "'extends' names a bundled policy", 10),
}


RENDERED_BY_HELM = frozenset({"nested-range", "self-rendering-tpl"})  # the others are refused before Helm


@pytest.mark.parametrize("case", list(CASES))
def test_a_hostile_input_is_one_line_exit_2_within_its_bound(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], case: str
) -> None:
    build, says, seconds = CASES[case]
    if case in RENDERED_BY_HELM:
        pytest.importorskip("helm_python")
    argv = build(tmp_path)
    started = time.monotonic()
    code = main(argv)
    took = time.monotonic() - started
    out, err = capsys.readouterr()
    assert code == 2, err
    assert err.count("\n") == 1 and err.startswith("gap-report: error: ") and says in err, err
    assert out == ""
    assert took < seconds, f"{case}: {took:.1f} s"
    assert resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024 < 2 << 30  # render child < 2 GiB


def test_a_thousand_links_to_one_rendered_file_are_read_once(tmp_path: Path) -> None:
    rendered = tmp_path / "rendered"
    rendered.mkdir()
    (rendered / "a.yaml").write_text(manifests(workload("rel-api", http=True)))
    for i in range(1000):
        (rendered / f"l{i}.yaml").symlink_to(rendered / "a.yaml")
    app = write(tmp_path, "app.yaml", clowdapp(deployments=[deployment("api", web="public")]))
    started = time.monotonic()
    assert main(["--clowdapp", str(app), "--manifests", str(rendered), "--fail-on", "none"]) == 0
    assert time.monotonic() - started < 10
