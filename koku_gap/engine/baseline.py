"""Baseline files: the gaps a team already knows, so CI fails only on the ones a change introduces.

``gap-report --write-baseline FILE`` records every open gap (waived rows are not gaps); ``--baseline FILE``
marks the gaps it records as known (``Row.baselined``) and reports recorded gaps that are gone as fixed.
Which gap counts as known is decided by ``Report.with_baseline``; this module only reads and writes files.
The format is documented in docs/ci.md:

    {"format": "koku-gap-baseline", "version": 1,
     "gaps": [{"id": "shop/clowder-listener", "priority": "P0",
               "rule": "missing-kafka-consumer"}]}

An id names the component (``Row.id``), not its status, so a gap that turns from missing to partial
stays known; ids written with the status first (``missing:shop/...``, as earlier versions wrote them) still
read. Entries are sorted by id and carry no dates or line numbers, so rewriting a baseline for the same
gaps gives the same bytes and a reviewer's diff shows only what changed.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from koku_gap.model.errors import SETTING, InputError, Setting
from koku_gap.model.report import Report
from koku_gap.model.vocabulary import Priority

FORMAT = "koku-gap-baseline"
VERSION = 1
MAX_BYTES = 5 * 1024 * 1024


class BaselineEntry(BaseModel):
    """One recorded gap. Only ``id`` is required; unknown keys (notes a team adds) are kept out of the way."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    id: str
    priority: Priority | None = None  # the priority when recorded; None accepts any
    rule: str | None = None  # for people reading the file

    @field_validator("id")
    @classmethod
    def _id_shape(cls, value: str) -> str:
        if "/" not in value:
            raise ValueError(f"{value!r} is not a row id (app/name)")
        return value


class Baseline(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    format: Literal["koku-gap-baseline"]
    version: Literal[1]
    gaps: list[BaselineEntry] = Field(default_factory=list)
    file: str = ""  # where it was read from (not written)


def read_baseline(path: str | Path) -> Baseline:
    """Read and validate a baseline file; any problem is an InputError naming the file (exit 2)."""
    name = str(path)
    try:
        p = Path(path)
        if p.is_dir():
            raise InputError(name, None, "cannot read the baseline: is a directory")
        with p.open("rb") as handle:  # read bounded: a FIFO or a device reports no size to check
            data = handle.read(MAX_BYTES + 1)
        if len(data) > MAX_BYTES:
            raise InputError(name, None, f"cannot read the baseline: over {MAX_BYTES} bytes")
        text = data.decode("utf-8-sig")
    except FileNotFoundError:
        raise InputError(
            name,
            None,
            f"cannot read the baseline: no such file (write one with {SETTING})",
            setting=Setting("dump_baseline", function=True),
        ) from None
    except UnicodeDecodeError:
        raise InputError(name, None, "cannot read the baseline: not UTF-8 text") from None
    except OSError as exc:
        raise InputError(name, None, f"cannot read the baseline: {exc.strerror or exc}") from None
    return parse_baseline(text, name)


def parse_baseline(text: str, name: str = "<baseline>") -> Baseline:
    """A baseline from its text; ``name`` is the file named in errors and in the report."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(name, exc.lineno, f"baseline is not JSON: {exc.msg}", column=exc.colno) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise InputError(name, None, f'not a koku-gap baseline (expected "format": "{FORMAT}")')
    if data.get("version") != VERSION:
        raise InputError(
            name, None, f"baseline version {data.get('version')!r} is not supported (this gap-report reads 1)"
        )
    try:
        baseline = Baseline.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(part) for part in error["loc"])
        message = str(error["msg"]).removeprefix("Value error, ")
        raise InputError(name, _line_of_entry(text, error["loc"]), f"baseline {where}: {message}") from None
    return baseline.model_copy(update={"file": name})


def _line_of_entry(text: str, loc: tuple[int | str, ...]) -> int | None:
    """The line of ``gaps[n]`` in a baseline written one entry per line (as we write them), if found."""
    if len(loc) < 2 or loc[0] != "gaps" or not isinstance(loc[1], int):
        return None
    seen = -1
    for number, line in enumerate(text.splitlines(), 1):
        if line.lstrip().startswith("{"):
            seen += 1
            if seen == loc[1] + 1:  # the first "{" opens the document itself
                return number
    return None


def apply_baseline(report: Report, baseline: Baseline) -> Report:
    """The report with the baseline's gaps marked known and ``report.baseline`` filled."""
    return report.with_baseline(baseline.file, [(e.id, e.priority) for e in baseline.gaps])


def baseline_of(report: Report, file: str = "") -> Baseline:
    """The baseline recording every open gap of ``report`` (all priorities; waived rows are not gaps)."""
    entries = {BaselineEntry(id=r.id, priority=r.priority, rule=r.rule) for r in report.rows if r.is_gap}
    ordered = sorted(entries, key=lambda e: (e.id, e.priority or "", e.rule or ""))
    return Baseline(format=FORMAT, version=VERSION, gaps=ordered, file=file)


def dump_baseline(baseline: Baseline | Report) -> str:
    """The file's text: one entry per line, sorted, so a rewrite for the same gaps is the same bytes."""
    if isinstance(baseline, Report):
        baseline = baseline_of(baseline)
    lines = [
        "    " + json.dumps({"id": e.id, "priority": e.priority, "rule": e.rule}, ensure_ascii=False)
        for e in baseline.gaps
    ]
    gaps = "[\n" + ",\n".join(lines) + "\n  ]" if lines else "[]"
    return f'{{\n  "format": "{FORMAT}",\n  "version": {VERSION},\n  "gaps": {gaps}\n}}\n'
