"""Hostile and malformed input (issue 7): one line on stderr naming the file, exit 2, nothing written.

Every case runs the real CLI (``koku_gap.cli.main``) with ``--output`` into an empty directory, so
each also checks that nothing, not even a temporary file, is left behind. Small cases are files in
``tests/hostile/``; large or environment-dependent ones are generated here. ``docs/errors.md`` must
explain every message these cases produce. The heavy cases also run in a process of their own, whose
peak memory is bounded (a resource, measured by the kernel). How long a case takes is the machine's
as much as the code's, so no test here times anything: ``bench/hostile.py`` (``make bench-hostile``)
runs these same cases against a time limit.
"""

from __future__ import annotations

import io
import json
import os
import random
import re
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from koku_gap.cli import main
from koku_gap.model.errors import printable
from koku_gap.yaml.loader import DEFAULT_MAX_BYTES
from tests.helpers.files import LineFinder

ROOT = Path(__file__).resolve().parents[1]
HOSTILE = Path(__file__).resolve().parent / "hostile"
MINI_APP = str(ROOT / "fixtures" / "engine" / "mini-clowdapp.yaml")
MINI_CHART = str(ROOT / "fixtures" / "engine" / "mini-rendered.yaml")
ERRORS_DOC = (ROOT / "docs" / "errors.md").read_text(encoding="utf-8")

Maker = Callable[[Path], str]


@dataclass(frozen=True)
class Case:
    id: str
    side: str  # "clowdapp" or "manifests": which option gets the hostile input
    make: Maker  # tmp_path -> the path to pass
    message: str  # text the error line must hold, and docs/errors.md must explain
    where: str | None = None  # ":line" or ":line:column" right after the file name; None: no line
    args: tuple[str, ...] = ()
    doc: str | None = None  # the words docs/errors.md explains it with, when not ``message`` itself


def committed(name: str) -> Maker:
    return lambda _tmp: str(HOSTILE / name)


def generated(name: str, data: bytes | str) -> Maker:
    def make(tmp: Path) -> str:
        path = tmp / name
        path.write_bytes(data.encode() if isinstance(data, str) else data)
        return str(path)

    return make


def missing(tmp: Path) -> str:
    return str(tmp / "no-such-clowdapp.yaml")


def a_directory(tmp: Path) -> str:
    (tmp / "deploy").mkdir()
    (tmp / "deploy" / "clowdapp.yaml").write_text("kind: ClowdApp\n")
    return str(tmp / "deploy")


def directory_without_yaml(tmp: Path) -> str:
    (tmp / "rendered").mkdir()
    (tmp / "rendered" / "NOTES.txt").write_text("Thank you for installing shop.\n")
    return str(tmp / "rendered")


def directory_of_empty_files(tmp: Path) -> str:
    (tmp / "rendered").mkdir()
    (tmp / "rendered" / "a.yaml").write_text("")
    (tmp / "rendered" / "b.yaml").write_text("---\n# Source: shop/templates/b.yaml\n")
    return str(tmp / "rendered")


def chart_directory(tmp: Path) -> str:
    chart = tmp / "shop"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: shop\nversion: 0.1.0\n")
    (chart / "templates" / "deployment.yaml").write_bytes(
        (HOSTILE / "manifests-unrendered.yaml").read_bytes()
    )
    return str(chart)


def over_the_default_size(tmp: Path) -> str:
    path = tmp / "huge.yaml"
    with path.open("wb") as handle:  # sparse: no 20 MiB written to disk
        handle.truncate(DEFAULT_MAX_BYTES + 1)
    return str(path)


def evil_name(tmp: Path) -> str:
    path = tmp / "evil\nname\x1b[2J.yaml"
    path.write_text("- a list\n")
    return str(path)


def random_bytes(size: int) -> bytes:
    return random.Random(7).randbytes(size)


CASES = [
    # files that cannot be read
    Case("missing-path", "clowdapp", missing, "no such file"),
    Case("directory-as-template", "clowdapp", a_directory, "is a directory, expected a YAML file"),
    Case(
        "directory-without-yaml",
        "manifests",
        directory_without_yaml,
        "directory holds no .yaml or .yml files",
    ),
    Case("directory-of-empty-files", "manifests", directory_of_empty_files, "no Kubernetes objects"),
    Case("chart-directory", "manifests", chart_directory, "this is a Helm chart, not rendered manifests"),
    Case("over-default-size", "clowdapp", over_the_default_size, "over the 20971520-byte limit"),
    Case(
        "over-max-bytes",
        "clowdapp",
        committed("template-without-clowdapp.yaml"),
        "bytes, over the 100-byte limit (raise it with --max-bytes)",
        args=("--max-bytes", "100"),
    ),
    Case(
        "evil-file-name", "clowdapp", evil_name, "expected a mapping (Template or ClowdApp), got a list", ":1"
    ),
    # not text
    Case("empty-template", "clowdapp", committed("empty.yaml"), "no ClowdApp found: the file is empty"),
    Case("empty-manifests", "manifests", committed("empty.yaml"), "no Kubernetes objects"),
    Case("comments-only", "clowdapp", committed("comments-only.yaml"), "the file holds only comments"),
    Case("comments-only-manifests", "manifests", committed("comments-only.yaml"), "no Kubernetes objects"),
    Case("not-utf8", "clowdapp", committed("not-utf8.yaml"), "not UTF-8 text (byte 0xe9)", ":3:12"),
    Case("nul-byte", "clowdapp", committed("nul-byte.yaml"), "NUL byte", ":3:11"),
    Case(
        "control-character",
        "clowdapp",
        committed("control-character.yaml"),
        "control character U+001B",
        ":3:9",
    ),
    Case("random-binary", "clowdapp", committed("random-binary.yaml"), "not UTF-8 text", ":1:2"),
    Case("random-binary-manifests", "manifests", committed("random-binary.yaml"), "not UTF-8 text", ":1:2"),
    Case(
        "large-random-binary",
        "manifests",
        generated("blob.yaml", random_bytes(5_000_000)),
        "not UTF-8",
        ":1:2",
    ),
    # not YAML
    Case("syntax-error", "clowdapp", committed("syntax-error.yaml"), "YAML syntax error", ":6:7"),
    Case("bad-indentation", "clowdapp", committed("bad-indentation.yaml"), "YAML syntax error", ":4:2"),
    Case(
        "tab-indentation",
        "clowdapp",
        committed("tab-indentation.yaml"),
        "tab characters cannot indent",
        ":3:1",
    ),
    Case("complex-key", "clowdapp", committed("complex-key.yaml"), "a mapping key must be a scalar", ":3:5"),
    Case(
        "merge-of-scalar",
        "clowdapp",
        committed("merge-of-scalar.yaml"),
        "merge key '<<' needs a mapping",
        ":4:7",
    ),
    # YAML that must never be constructed or expanded
    Case(
        "python-tag",
        "clowdapp",
        committed("python-tag.yaml"),
        "unsupported YAML tag !!python/object/apply:os.system: refused, never constructed",
        ":3:9",
        doc="unsupported YAML tag",
    ),
    Case(
        "unknown-tag",
        "clowdapp",
        committed("unknown-tag.yaml"),
        "unsupported YAML tag !Sub",
        ":3:9",
        doc="!Sub",
    ),
    Case(
        "unknown-collection-tag",
        "clowdapp",
        committed("unknown-collection-tag.yaml"),
        "unsupported YAML tag !!python/object:shop.Meta",
        ":2:11",
        doc="unsupported YAML tag",
    ),
    Case("alias-bomb", "clowdapp", committed("alias-bomb.yaml"), "an alias bomb?", ":8:34"),
    Case("alias-bomb-manifests", "manifests", committed("alias-bomb.yaml"), "an alias bomb?", ":8:34"),
    Case(
        "recursive-alias",
        "clowdapp",
        committed("recursive-alias.yaml"),
        "recursive alias *meta",
        ":4:11",
        doc="recursive alias",
    ),
    Case(
        "undefined-alias",
        "clowdapp",
        committed("undefined-alias.yaml"),
        "undefined alias *shop",
        ":3:9",
        doc="undefined alias",
    ),
    Case(
        "deep-flow-nesting",  # the C composer crashes the interpreter near 28,000 levels
        "clowdapp",
        generated("deep.yaml", "a: " + "[" * 200_000 + "]" * 200_000 + "\n"),
        "nesting deeper than 100 levels",
        ":1:104",
    ),
    Case(
        "deep-block-nesting",
        "manifests",
        generated("deep-block.yaml", "".join("  " * i + f"k{i}:\n" for i in range(2_000))),
        "nesting deeper than 100 levels",
        ":101:201",
    ),
    Case(
        "too-many-nodes",
        "clowdapp",
        generated("dense.yaml", "[" + "a," * 600_000 + "a]\n"),
        "more than 500000 YAML nodes",
        ":1:999992",
    ),
    Case(
        "too-many-documents",
        "manifests",
        generated("docs.yaml", "---\nkind: ConfigMap\n" * 200_000),
        "more than 500000 YAML nodes",
        ":142858:1",
    ),
    # YAML that is not a ClowdApp template
    Case("top-level-list", "clowdapp", committed("top-level-list.yaml"), "got a list", ":1"),
    Case("top-level-scalar", "clowdapp", committed("top-level-scalar.yaml"), "got a scalar", ":1"),
    Case("no-kind", "clowdapp", committed("no-kind.yaml"), "document has no 'kind'", ":1"),
    Case(
        "template-without-clowdapp",
        "clowdapp",
        committed("template-without-clowdapp.yaml"),
        "no ClowdApp found (objects: ConfigMap)",
        ":5",
        doc="no ClowdApp found (objects: ",
    ),
    Case(
        "objects-not-a-list",
        "clowdapp",
        committed("objects-not-a-list.yaml"),
        "'objects' must be a list",
        ":3",
    ),
    Case(
        "parameters-not-a-list", "clowdapp", committed("parameters-not-a-list.yaml"), "must be a list", ":3"
    ),
    Case(
        "parameter-without-name", "clowdapp", committed("parameter-without-name.yaml"), "needs a 'name'", ":4"
    ),
    Case(
        "spec-not-a-mapping",
        "clowdapp",
        committed("spec-not-a-mapping.yaml"),
        "'spec' must be a mapping",
        ":4",
    ),
    Case(
        "deployments-not-a-list",
        "clowdapp",
        committed("deployments-not-a-list.yaml"),
        "ClowdApp shop: 'deployments' must be a list",
        ":6",
        doc="'deployments' must be a list",
    ),
    Case(
        "deployment-without-name",
        "clowdapp",
        committed("deployment-without-name.yaml"),
        "has no 'name'",
        ":6",
    ),
    Case(
        "podspec-not-a-mapping",
        "clowdapp",
        committed("podspec-not-a-mapping.yaml"),
        "'podSpec' must be",
        ":7",
    ),
    Case(
        "too-many-workloads",
        "clowdapp",
        generated(
            "many.yaml",
            "kind: ClowdApp\nmetadata: {name: shop}\nspec:\n  deployments:\n"
            + "".join(f"  - {{name: d{i}}}\n" for i in range(30_000)),
        ),
        "more than 1000 workloads",
        ":1005",
    ),
    Case(
        "too-many-objects",
        "clowdapp",
        generated(
            "topics.yaml",
            "kind: ClowdApp\nmetadata: {name: shop}\nspec:\n  deployments: [{name: api}]\n  kafkaTopics:\n"
            + "".join(f"  - {{topicName: t{i}}}\n" for i in range(20_000)),
        ),
        "more than 10000 objects besides workloads",
        ":10006",
    ),
    # manifests that are not rendered manifests
    Case(
        "unrendered-helm-template",
        "manifests",
        committed("manifests-unrendered.yaml"),
        "render it first (helm template) or pass the chart with --chart",
        ":4",
    ),
    Case(
        "unrendered-quoted",
        "manifests",
        committed("manifests-unrendered-quoted.yaml"),
        "unrendered Helm",
        ":4",
    ),
    Case("non-mapping-document", "manifests", committed("manifests-not-a-mapping.yaml"), "got a list", ":9"),
    Case("manifest-without-kind", "manifests", committed("manifests-no-kind.yaml"), "has no 'kind'", ":3"),
    Case(
        "workload-without-containers",
        "manifests",
        committed("manifests-no-containers.yaml"),
        "no containers",
        ":10",
    ),
    Case(
        "container-not-a-mapping",
        "manifests",
        committed("manifests-container-not-a-mapping.yaml"),
        "container #1 is not a mapping",
        ":6",
    ),
]


def argv_for(case: Case, path: str, output: Path) -> list[str]:
    app, chart = (path, MINI_CHART) if case.side == "clowdapp" else (MINI_APP, path)
    return [
        "--clowdapp",
        app,
        "--manifests",
        chart,
        "--format",
        "markdown",
        "--output",
        str(output),
        *case.args,
    ]


def assert_one_error_line(capsys: pytest.CaptureFixture[str], path: str, case: Case) -> str:
    out, err = capsys.readouterr()
    assert out == ""
    assert "Traceback" not in err
    assert err.endswith("\n") and err.count("\n") == 1, err
    line = err.rstrip("\n")
    shown = printable(path)
    assert line.startswith(f"gap-report: error: {shown}"), line
    rest = line[len(f"gap-report: error: {shown}") :]
    if case.where is None:
        assert rest.startswith(": "), line
    else:
        assert rest.startswith(f"{case.where}: "), line
    assert case.message in line, line
    assert line.isprintable()
    return line


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_hostile_input(case: Case, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = case.make(tmp_path)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    code = main(argv_for(case, path, out_dir / "report.md"))
    assert code == 2
    assert_one_error_line(capsys, path, case)
    assert list(out_dir.iterdir()) == []  # no report, no temporary file


def documented_form(message: str) -> str:
    """A message as docs/errors.md writes it: numbers, bytes and characters as placeholders."""
    message = re.sub(r"U\+[0-9A-F]{4}", "U+XXXX", message)
    message = re.sub(r"0x[0-9a-f]{2}", "0xNN", message)
    message = re.sub(r"#\d+", "#N", message)
    return re.sub(r"\d{3,}", "N", message)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_every_message_is_documented(case: Case) -> None:
    words = case.doc or documented_form(case.message)
    assert words in ERRORS_DOC, f"docs/errors.md does not explain {words!r}"


def test_unreadable_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "secret.yaml"
    path.write_text("kind: ClowdApp\n")
    path.chmod(0)
    try:
        try:
            path.read_bytes()
        except PermissionError:
            pass
        else:
            pytest.skip("this user reads files whatever their mode (root)")
        case = Case("unreadable", "clowdapp", lambda _: str(path), "permission denied")
        assert main(argv_for(case, str(path), tmp_path / "report.md")) == 2
        assert_one_error_line(capsys, str(path), case)
        assert not (tmp_path / "report.md").exists()
    finally:
        path.chmod(0o600)


def test_unreadable_file_is_refused_without_privileges(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where the tests run as root, chmod 000 does not stop a read: check the error path itself."""
    from koku_gap.model.errors import InputError
    from koku_gap.yaml.loader import read_text

    def denied(self: Path, *_args: object, **_kwargs: object) -> object:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "open", denied)
    with pytest.raises(InputError, match="permission denied") as info:
        read_text(tmp_path / "secret.yaml")
    assert str(info.value) == f"{tmp_path / 'secret.yaml'}: permission denied"


ENDLESS_DEVICE = Case(
    "dev-zero", "clowdapp", lambda _: "/dev/zero", "more than 1000 bytes, over the 1000-byte limit"
)
ENDLESS_DEVICE_ARGV = ["--clowdapp", "/dev/zero", "--manifests", MINI_CHART, "--max-bytes", "1000"]


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_endless_device_is_read_no_further_than_the_limit(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(ENDLESS_DEVICE_ARGV) == 2  # it returns at all: the read stopped at the limit
    assert_one_error_line(capsys, "/dev/zero", ENDLESS_DEVICE)


@pytest.mark.parametrize(
    ("data", "message", "where"),
    [
        (random_bytes(4096), "not UTF-8 text", ":1:2"),
        ((HOSTILE / "manifests-unrendered.yaml").read_bytes(), "unrendered Helm template", ":4"),
        (b"", "no Kubernetes objects", None),
    ],
    ids=["binary", "unrendered", "empty"],
)
def test_hostile_stdin(
    data: bytes,
    message: str,
    where: str | None,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    assert main(["--clowdapp", MINI_APP, "--manifests", "-"]) == 2
    case = Case("stdin", "manifests", lambda _: "-", message, where)
    assert_one_error_line(capsys, "<stdin>", case)


@pytest.mark.parametrize("value", ["0", "-5", "lots"])
def test_max_bytes_must_be_a_positive_number(value: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--clowdapp", MINI_APP, "--manifests", MINI_CHART, "--max-bytes", value]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and "--max-bytes" in err


def test_usage_error_with_a_newline_stays_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--clowdapp", MINI_APP, "--manifests", MINI_CHART, "--format", "x\ny"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and "x\\ny" in err


# --- accepted, with or without warnings --------------------------------------------------------------


def test_bom_is_accepted(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    app = tmp_path / "bom-clowdapp.yaml"
    app.write_bytes(b"\xef\xbb\xbf" + Path(MINI_APP).read_bytes())
    chart = tmp_path / "bom-rendered.yaml"
    chart.write_bytes(b"\xef\xbb\xbf" + Path(MINI_CHART).read_bytes())
    assert (
        main(["--clowdapp", str(app), "--manifests", str(chart), "--format", "json", "--fail-on", "none"])
        == 0
    )
    out, err = capsys.readouterr()
    assert err == ""
    assert '"clowder-sync"' in out


def test_python_tags_are_never_constructed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    marker = tmp_path / "constructed"
    app = tmp_path / "app.yaml"
    app.write_text(
        "kind: ClowdApp\nmetadata:\n  name: !!python/object/apply:pathlib.Path.touch\n"
        f"    [!!python/object/apply:pathlib.Path ['{marker}']]\n"
    )
    assert main(["--clowdapp", str(app), "--manifests", MINI_CHART]) == 2
    assert "unsupported YAML tag" in capsys.readouterr().err
    assert not marker.exists()


def test_legitimate_anchors_still_load(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    app = tmp_path / "anchors.yaml"
    app.write_text(
        "kind: ClowdApp\nmetadata: {name: shop}\nspec:\n  deployments:\n"
        "  - name: api\n    podSpec: &pod\n      image: quay.io/shop/api:1\n"
        "      env: &env [{name: A, value: '1'}, {name: B, value: '2'}]\n"
        + "".join(f"  - name: worker-{i}\n    podSpec:\n      <<: *pod\n      env: *env\n" for i in range(50))
    )
    assert (
        main(["--clowdapp", str(app), "--manifests", MINI_CHART, "--format", "json", "--fail-on", "none"])
        == 0
    )
    assert '"worker-49"' in capsys.readouterr().out


WARNINGS = HOSTILE / "warnings.yaml"  # duplicate keys, a parameter without a value, an unknown one


def test_warnings_do_not_fail_the_run(capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(
            ["--clowdapp", str(WARNINGS), "--manifests", MINI_CHART, "--format", "json", "--fail-on", "none"]
        )
        == 0
    )
    out, err = capsys.readouterr()
    assert err == ""
    codes = [w["code"] for w in json.loads(out)["warnings"]]
    assert codes == ["duplicate-key", "duplicate-key", "required-parameter", "unknown-parameter"]


def test_duplicate_keys_name_both_lines_and_the_last_wins(find_line: LineFinder) -> None:
    from koku_gap import load_clowdapp

    graph = load_clowdapp(WARNINGS)
    first = next(w for w in graph.warnings if w.code == "duplicate-key")
    earlier, later = find_line(WARNINGS, "resources:"), find_line(WARNINGS, "resources:", 2)
    assert first.line == later
    assert f"first at line {earlier}, again at line {later}" in first.message
    api = graph.component("api")
    assert api.main.resources == {"limits": {"memory": "2Gi"}}  # the second `resources:` wins
    assert api.main.env_map()["LOG_LEVEL"] == "debug"


def test_strict_turns_warnings_into_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], find_line: LineFinder
) -> None:
    output = tmp_path / "report.md"
    argv = ["--clowdapp", str(WARNINGS), "--manifests", MINI_CHART, "--strict", "--output", str(output)]
    assert main(argv) == 2
    where = f":{find_line(WARNINGS, 'resources:', 2)}"
    case = Case("strict", "clowdapp", lambda _: str(WARNINGS), "(--strict: 4 warnings;", where)
    line = assert_one_error_line(capsys, str(WARNINGS), case)
    assert "[duplicate-key]" in line
    assert list(tmp_path.iterdir()) == []
    # without warnings, --strict changes nothing
    assert main(["--clowdapp", MINI_APP, "--manifests", MINI_CHART, "--strict", "--fail-on", "none"]) == 0


# --- in a process of its own: the interpreter survives, memory stays bounded ----------------------------

HEAVY: dict[str, Maker] = {
    "deep-flow-nesting": lambda tmp: generated("deep.yaml", "a: " + "[" * 1_000_000 + "]" * 1_000_000)(tmp),
    "alias-bomb": committed("alias-bomb.yaml"),
    "too-many-nodes": generated("dense.yaml", "[" + "a," * 2_000_000 + "a]\n"),
    "dev-zero": lambda _tmp: "/dev/zero",
}
MEMORY_LIMIT_MB = 400  # a normal run peaks near 50 MB
# The CLI in a child process that prints its own peak memory (MB) on stdout when it is done.
PEAK_SCRIPT = (
    "import resource, sys\n"
    "from koku_gap.cli import main\n"
    "code = main(sys.argv[1:])\n"
    # VmHWM is this process image's own peak; ru_maxrss would include the forking pytest's size
    "status = open('/proc/self/status').read() if sys.platform == 'linux' else ''\n"
    "hwm = [int(l.split()[1]) for l in status.splitlines() if l.startswith('VmHWM:')]\n"
    "peak = (hwm[0] if hwm else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss) // 1024\n"
    "sys.stdout.write(f'{peak}\\n')\n"
    "sys.exit(code)\n"
)
HANG_GUARD = 60  # seconds: only so a hung child cannot hang the suite; not a time limit (bench/hostile.py)


def run_heavy(path: str) -> subprocess.CompletedProcess[str]:
    """``PEAK_SCRIPT`` on a heavy input, this checkout's koku_gap first on the path."""
    return subprocess.run(
        [sys.executable, "-c", PEAK_SCRIPT, "--clowdapp", path, "--manifests", MINI_CHART],
        capture_output=True,
        text=True,
        timeout=HANG_GUARD,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        check=False,
    )


@pytest.mark.parametrize("name", list(HEAVY))
def test_heavy_input_in_a_subprocess(name: str, tmp_path: Path) -> None:
    if name == "dev-zero" and not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero")
    path = HEAVY[name](tmp_path)
    done = run_heavy(path)
    assert done.returncode == 2, (done.returncode, done.stderr)  # not -11: no segmentation fault
    assert done.stderr.count("\n") == 1 and done.stderr.startswith(f"gap-report: error: {path}")
    peak_mb = int(done.stdout.strip())  # ru_maxrss is in KiB on Linux, in bytes on macOS
    if sys.platform == "linux":
        assert peak_mb < MEMORY_LIMIT_MB, f"{name}: {peak_mb} MB"


# --- a value of the wrong type that still reached the models ------------------------------------------


def test_validation_errors_name_the_yaml_line() -> None:
    from pydantic import BaseModel

    from koku_gap.model.errors import InputError, located

    class Model(BaseModel):
        count: int

    with pytest.raises(InputError) as info, located("app.yaml", 7, "ClowdApp shop"):
        Model(count="many")
    assert str(info.value).startswith(
        "app.yaml:7: ClowdApp shop: field count: Input should be a valid integer"
    )


def test_validation_error_while_reading_a_deployment(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], find_line: LineFinder
) -> None:
    """Should a reader let a bad value through, the user still gets the deployment's line."""
    from koku_gap.sources import podspec  # the module clowdapp reads pod specs with

    monkeypatch.setattr(podspec, "count", lambda _value: {"not": "a count"})
    assert main(["--clowdapp", MINI_APP, "--manifests", MINI_CHART]) == 2
    line = find_line(Path(MINI_APP), "- name: api")
    case = Case(
        "validation",
        "clowdapp",
        lambda _: MINI_APP,
        "ClowdApp shop: field replicas: Input should be a valid integer",
        f":{line}",
    )
    assert_one_error_line(capsys, MINI_APP, case)


@pytest.mark.parametrize(
    ("name", "message", "where"),
    [
        ("alias-bomb.yaml", "an alias bomb?", ":8:34"),
        ("random-binary.yaml", "not UTF-8 text", ":1:2"),
        ("python-tag.yaml", "unsupported YAML tag", ":3:9"),
        ("empty.yaml", "a policy is one YAML mapping", None),
    ],
)
def test_hostile_policy_file(
    name: str, message: str, where: str | None, capsys: pytest.CaptureFixture[str]
) -> None:
    path = str(HOSTILE / name)
    assert main(["--clowdapp", MINI_APP, "--manifests", MINI_CHART, "--policy", path]) == 2
    assert_one_error_line(capsys, path, Case("policy", "clowdapp", lambda _: path, message, where))
