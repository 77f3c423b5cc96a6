"""Alike warnings are grouped by the Report (file, code, shape), not by each reporter."""

from __future__ import annotations

from pathlib import Path

from koku_gap.model.location import Notice
from koku_gap.model.report import Report
from koku_gap.report.markdown import render_markdown
from koku_gap.sources.clowdapp import load_clowdapp


def report_with(warnings: list[Notice]) -> Report:
    base = Report.model_validate_json((Path(__file__).parents[1] / "golden" / "example.json").read_text())
    return base.model_copy(update={"warnings": warnings})


def test_numbers_alone_do_not_split_a_group() -> None:
    dup = [
        Notice(
            code="duplicate-key", file="c.yaml", line=n, message=f"duplicate key 'x' (first at line {n - 1})"
        )
        for n in (10, 20, 30, 40)
    ]
    other = Notice(
        code="duplicate-key", file="c.yaml", line=50, message="duplicate key 'y' (first at line 49)"
    )
    groups = report_with([*dup, other]).warning_groups()
    assert [(g.summary, g.lines) for g in groups] == [
        ("duplicate key 'x'", [10, 20, 30, 40]),
        ("duplicate key 'y'", [50]),
    ]


def test_the_group_text_joins_what_names_differ_in() -> None:
    alike = [
        Notice(
            code="unknown-key",
            file="a.yaml",
            line=n,
            message=f"bad key in job '{n}'",
            group="bad key in a job",
        )
        for n in (1, 2, 3, 4)
    ]
    [group] = report_with(alike).warning_groups()
    assert group.summary == "bad key in a job" and len(group.warnings) == 4
    markdown = render_markdown(report_with(alike))
    assert "- `a.yaml` (unknown-key) × 4: bad key in a job — lines 1, 2, 3, 4" in markdown
    few = render_markdown(report_with(alike[:2]))
    assert "- `a.yaml:1` (unknown-key): bad key in job '1'" in few  # few: each with its own message


def test_different_files_and_codes_never_share_a_group() -> None:
    w = [
        Notice(code="a", file="x.yaml", line=1, message="m"),
        Notice(code="b", file="x.yaml", line=2, message="m"),
        Notice(code="a", file="y.yaml", line=3, message="m"),
    ]
    assert len(report_with(w).warning_groups()) == 3


def test_unknown_keys_of_many_jobs_share_one_group(tmp_path: Path) -> None:
    jobs = "".join(
        f"  - name: job-{n}\n    podSpec:\n      image: quay.io/x/app:1\n      securityContext: {{}}\n"
        for n in range(3)
    )
    app = tmp_path / "app.yaml"
    app.write_text(
        "apiVersion: cloud.redhat.com/v1alpha1\nkind: ClowdApp\nmetadata: {name: app}\n"
        f"spec:\n  jobs:\n{jobs}"
    )
    warnings = [w for w in load_clowdapp(app).warnings if w.code == "unknown-key"]
    assert len(warnings) == 3
    assert {w.group for w in warnings} == {
        "ClowdApp app: unknown key 'securityContext' in the podSpec of a job, ignored (not a ClowdApp field)"
    }
    assert "job 'job-1'" in warnings[1].message
