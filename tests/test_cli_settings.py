"""The library never names a command-line flag: an error names the *setting* that controls it, which
``str()`` words as Python (``max_bytes=...``) and the CLI as its option (``--max-bytes``), from the
table in cli.py (issue 12)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import koku_gap
from koku_gap.cli import OPTION_OF_SETTING, _option, build_history_parser, build_parser, main
from koku_gap.model.errors import SETTING, InputError, Setting
from koku_gap.yaml.limits import check_workloads
from koku_gap.yaml.loader import read_text
from tests.helpers.engine import clowdapp, deployment, manifests, workload, write

PACKAGE = Path(__file__).resolve().parents[1] / "koku_gap"
# Where gap-report's options may still be named, and why:
ALLOWED = {
    # the reports' own words to the person who ran gap-report: rewording them changes every output
    "report/": "report text",
    "model/rules.py": "report text",  # a rule's help, printed in the Markdown and SARIF reports
    # Celery's own options (``celery --app proj --config cfg worker``), read from a pod's command line
    "engine/senders.py": "another program's flags",
    "sources/roles.py": "another program's flags",
    "config.py": "the config file names options as the command line does",
}


def gap_report_options() -> set[str]:
    """The options of gap-report and of its history subcommand."""
    parsers = (build_parser(), build_history_parser())
    return {
        o
        for parser in parsers
        for action in parser._actions
        for o in action.option_strings
        if o.startswith("--")
    }


def docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def flags_named(source: str, options: set[str]) -> list[str]:
    """gap-report's options in the string literals of ``source`` (docstrings aside): ``--name``, not
    ``--name=`` (an argument built for another program, such as ``helm template --namespace=ns``)."""
    pattern = re.compile(r"(?<![\w-])(--[a-z][a-z-]*)(?![\w=-])")
    tree = ast.parse(source)
    skip = docstrings(tree)
    return [
        f"{node.lineno}: {flag}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip
        for flag in pattern.findall(node.value)
        if flag in options
    ]


def library_files() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if p.relative_to(PACKAGE).as_posix() != "cli.py")


def _allowed(path: Path) -> str | None:
    where = path.relative_to(PACKAGE).as_posix()
    return next((why for prefix, why in ALLOWED.items() if where.startswith(prefix)), None)


@pytest.mark.parametrize("path", library_files(), ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_the_library_names_no_command_line_flag(path: Path) -> None:
    found = flags_named(path.read_text(encoding="utf-8"), gap_report_options())
    why = _allowed(path)
    if why is None:
        assert found == [], f"{path}: name the setting (model.errors.Setting), not the flag"
    elif why == "pending":
        assert found, f"{path} names no flag any more: drop it from ALLOWED"


def test_the_flag_check_catches_a_flag_in_a_message() -> None:
    options = gap_report_options()
    assert flags_named('raise InputError(f, None, "raise it with --max-bytes")', options) == [
        "1: --max-bytes"
    ]
    assert flags_named('x = f"--param {name}: no such parameter"', options) == ["1: --param"]
    assert flags_named('def f():\n    """Set by ``--max-bytes``."""', options) == []  # a docstring
    assert flags_named('cmd = [f"--namespace={ns}", "--queues"]', options) == []  # argv of other programs


def test_every_setting_the_library_names_has_an_option() -> None:
    named = set()
    for path in library_files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Setting":
                first = node.args[0]
                assert isinstance(first, ast.Constant), f"{path}:{node.lineno}: name the setting literally"
                named.add(first.value)
    assert named
    assert named <= set(OPTION_OF_SETTING)
    assert set(OPTION_OF_SETTING.values()) <= gap_report_options()


def test_str_words_the_setting_as_python_and_the_cli_as_its_option() -> None:
    error = InputError("f.yaml", 3, f"too big (raise it with {SETTING})", setting=Setting("max_bytes"))
    assert str(error) == "f.yaml:3: too big (raise it with max_bytes=...)"
    assert error.worded(_option) == "f.yaml:3: too big (raise it with --max-bytes)"
    keyed = InputError("f.yaml", None, f"{SETTING}: unknown", setting=Setting("params", "A\nB"))
    assert str(keyed) == "f.yaml: params['A\\nB']: unknown"
    assert keyed.worded(_option) == "f.yaml: --param A B: unknown"  # still one line, as before
    called = Setting("dump_baseline", function=True)
    assert (str(called), _option(called)) == ("dump_baseline()", "--write-baseline")
    plain = InputError("f.yaml", None, "no setting here", setting=None)
    assert plain.worded(_option) == str(plain) == "f.yaml: no setting here"


def test_limits_name_the_keyword(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_text("a: 1\n" * 10, encoding="utf-8")
    with pytest.raises(InputError, match=r"raise it with max_bytes=\.\.\.\)$"):
        read_text(big, max_bytes=10)
    with pytest.raises(InputError, match=r"raise the limit with max_workloads=\.\.\.\)$"):
        check_workloads(3, "f.yaml", 1, limit=2)


def test_an_unknown_parameter_names_params_in_the_api_and_param_on_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    app = write(tmp_path, "app.yaml", clowdapp(deployments=[deployment("api")]))
    other = write(tmp_path, "other.yaml", clowdapp("other", deployments=[deployment("worker")]))
    chart = write(tmp_path, "chart.yaml", manifests(workload("api")))
    with pytest.raises(InputError, match=r"params\['NOPE'\]: no template declares this parameter"):
        koku_gap.analyze([app, other], [chart], params={"NOPE": "1"})
    argv = ["--clowdapp", str(app), "--clowdapp", str(other), "--manifests", str(chart)]
    assert main([*argv, "--param", "NOPE=1"]) == 2
    err = capsys.readouterr().err
    assert err.endswith(": --param NOPE: no template declares this parameter\n"), err


def test_a_release_name_is_checked_by_the_cli_before_any_chart_is_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    app = write(tmp_path, "app.yaml", clowdapp(deployments=[deployment("api")]))
    argv = ["--clowdapp", str(app), "--chart", str(tmp_path / "no-such-chart"), "--release", "Shop_1"]
    assert main(argv) == 2
    assert capsys.readouterr().err == (
        "gap-report: error: --release 'Shop_1': a release name is lower-case letters, digits, '-' and "
        "'.', starts and ends with a letter or digit, at most 53 characters (see gap-report --help)\n"
    )


def test_an_amended_error_still_names_its_setting() -> None:
    error = InputError("c", 9, f"too many (raise it with {SETTING})", 2, setting=Setting("max_workloads"))
    amended = error.amended(" (in the output of template t.yaml)")
    assert (amended.file, amended.line, amended.column, amended.setting) == ("c", 9, 2, error.setting)
    assert (
        amended.worded(_option)
        == "c:9:2: too many (raise it with --max-workloads) (in the output of template t.yaml)"
    )
    assert (
        str(amended) == "c:9:2: too many (raise it with max_workloads=...) (in the output of template t.yaml)"
    )
