"""Locations a user can open (issue 16): a line of a chart's render -> its template file and line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from koku_gap.cli import main
from koku_gap.model.report import Target
from koku_gap.report.sarif import _target_location
from koku_gap.sources.helm.template_lines import TemplateLine, TemplateLines
from tests.sources.helm.charts import write_chart

TEMPLATE = """\
{{- range .Values.workers }}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ $.Release.Name }}-{{ .name }}
spec:
  template:
    spec:
      initContainers:
        {{- include "c.init" $ | nindent 8 }}
      containers:
        - name: {{ .name }}
          securityContext:
            runAsNonRoot: true
          env:
            - name: QUEUE
              value: {{ .name | quote }}
{{- end }}
"""
HELPER = '{{- define "c.init" }}\n- name: init\n  securityContext:\n    runAsNonRoot: true\n{{- end }}\n'


def _render(name: str) -> str:
    return f"""\
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: rel-{name}
spec:
  template:
    spec:
      initContainers:
        - name: init
          securityContext:
            runAsNonRoot: true
      containers:
        - name: {name}
          securityContext:
            runAsNonRoot: true
          env:
            - name: QUEUE
              value: "{name}"
"""


def _chart(tmp_path: Path) -> tuple[Path, str]:
    chart = write_chart(tmp_path, "c", {"templates/workers.yaml": TEMPLATE, "templates/_helpers.tpl": HELPER})
    text = "".join(
        doc.replace("---\n", "---\n# Source: c/templates/workers.yaml\n", 1) for doc in map(_render, "ab")
    )
    return chart, text


def _line(text: str, wanted: str, occurrence: int = 0) -> int:
    return [n for n, line in enumerate(text.splitlines(), 1) if line == wanted][occurrence]


def test_each_rendered_line_is_placed_at_its_template_line(tmp_path: Path) -> None:
    chart, text = _chart(tmp_path)
    lines = TemplateLines(text, chart, "charts/c")
    file = "charts/c/templates/workers.yaml"
    assert lines.at(_line(text, "apiVersion: apps/v1")) == TemplateLine(file, 3)
    assert lines.at(_line(text, "            - name: QUEUE", 1)) == TemplateLine(file, 17)  # each range doc
    # the container's securityContext, not the init container's (a helper's, indented anew)
    assert lines.at(_line(text, "          securityContext:", 1)) == TemplateLine(file, 14)
    # a templated line takes the line it is written under; the helper's lines their include's place
    assert lines.at(_line(text, "  name: rel-b")) == TemplateLine(file, 5)
    assert lines.at(_line(text, "        - name: init")) == TemplateLine(file, 10)


def test_no_location_outside_a_document_or_for_a_template_not_on_disk(tmp_path: Path) -> None:
    chart, text = _chart(tmp_path)
    assert TemplateLines(text, chart, "c").at(1) is None  # the first ``---``
    assert TemplateLines(text, tmp_path / "c.tgz", "c.tgz").at(5) is None
    other = text.replace("c/templates/workers.yaml", "c/templates/gone.yaml")
    assert TemplateLines(other, chart, "c").at(5) is None


DUPLICATE = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}-api
spec:
  selector:
    matchLabels: {app: api}
  template:
    metadata:
      labels: {app: api}
    spec:
      containers:
        - name: api
          image: quay.io/example/shop:1
          command: ["gunicorn", "shop.wsgi"]
          securityContext: {runAsNonRoot: true}
          securityContext: {runAsUser: 1001}
"""


def test_with_chart_rows_and_warnings_name_the_template_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("helm_python")
    chart = write_chart(tmp_path, "shop", {"templates/api/deployment.yaml": DUPLICATE})
    app = Path(__file__).resolve().parents[3] / "fixtures" / "charts" / "clowdapp.yaml"
    main(["--clowdapp", str(app), "--chart", str(chart), "--format", "json", "--fail-on", "none"])
    report = json.loads(capsys.readouterr().out)
    template = f"{chart}/templates/api/deployment.yaml"
    [target] = [t for r in report["rows"] for t in r["targets"] if t["name"] == "shop-api"]
    assert (target["file"], target["template_file"], target["template_line"]) == (str(chart), template, 1)
    assert target["line"] > 1  # the render's line stays, second
    [warning] = [w for w in report["warnings"] if w["code"] == "duplicate-key"]
    assert (warning["template_file"], warning["template_line"]) == (template, 17)
    assert warning["template"] == "shop/templates/api/deployment.yaml"
    main(["--clowdapp", str(app), "--chart", str(chart), "--format", "markdown", "--fail-on", "none"])
    markdown = capsys.readouterr().out
    assert "(`templates/api/deployment.yaml:1`, render `:" in markdown
    assert f"- `{template}:17` (rendered `{chart}:" in markdown
    # SARIF's related location opens the template (code scanning shows the chart's own file)
    located = _target_location(1, Target.model_validate(target))
    assert located["physicalLocation"]["artifactLocation"]["uri"] == f"file://{template}"
    assert located["physicalLocation"]["region"] == {"startLine": 1}
    assert f"(render {chart}:{target['line']})" in located["message"]["text"]
