"""A template Helm could not render: which one, where, and the InputError that says so."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from koku_gap.model.errors import SETTING, InputError, Setting
from koku_gap.sources.helm.chart_files import is_partial, template_file

# Where Helm's error messages name the template that failed; the earliest mention is the one rendered
# (inner ones are helpers it included).
_FAILED_AT = (
    re.compile(r"(?:execution|parse) error (?:at|in) \((?P<t>[^():\s]+)(?::(?P<l>\d+))?(?::(?P<c>\d+))?\)"),
    re.compile(r"YAML parse error on (?P<t>[^:\s]+)"),
    re.compile(r'executing "(?P<t>[^"]+/templates/[^"]+)"'),
    re.compile(r"(?:^|template: )(?P<t>[^\s:\"]+/templates/[^\s:\"]+):(?P<l>\d+)(?::(?P<c>\d+))?", re.M),
)

# What gets past a template that fails offline: a value (either way of giving one), or leaving it out.
VALUE_SETTINGS = (Setting("set_values"), Setting("values"), Setting("skip_failing_templates"))


class TemplateFailed(Exception):
    """Helm could not render a template (``template`` None: the message names none we can tell)."""

    def __init__(self, message: str, template: str | None, line: int | None, column: int | None) -> None:
        super().__init__(message)
        self.message = " ".join(message.split())
        self.template = template
        self.line = line
        self.column = column

    @classmethod
    def from_helm(cls, message: str) -> TemplateFailed:
        earliest: tuple[int, str, int | None, int | None] | None = None
        for pattern in _FAILED_AT:
            match = pattern.search(message)
            if match and (earliest is None or match.start() < earliest[0]):
                groups = match.groupdict()
                line, column = groups.get("l"), groups.get("c")
                earliest = (
                    match.start(),
                    match.group("t"),
                    int(line) if line else None,
                    int(column) if column else None,
                )
        if earliest is None:
            return cls(message, None, None, None)
        _, template, line, column = earliest
        if line is None:  # the location may be given elsewhere in the message
            where = re.search(re.escape(template) + r":(\d+)(?::(\d+))?", message)
            if where:
                line = int(where.group(1))
                column = int(where.group(2)) if where.group(2) else None
        return cls(message, template, line, column)

    def input_error(self, chart: Path, skipping: bool) -> InputError:
        """The failure as one InputError at the template's line, with what would get past it."""
        if self.template is None:
            return InputError(str(chart), None, f"Helm could not render the chart: {self.message}")
        source = template_file(chart, self.template)
        if is_partial(self.template):
            advice = "it is a helper (its name starts with '_'), so it cannot be left out"
        elif skipping:
            advice = "it failed again after the templates before it were left out"
        else:
            advice = (
                "offline, lookup finds nothing and there is no cluster: give the value it needs with "
                f"{SETTING} or {SETTING}, or pass {SETTING} to analyse the chart without it"
            )
        return InputError(
            str(source) if source else str(chart),
            self.line if source else None,
            f"template {self.template} failed to render: {self.message} ({advice})",
            self.column if source else None,
            settings=() if skipping or is_partial(self.template) else VALUE_SETTINGS,
        )


_LOCATION = re.compile(r"^(?:template: )?[^\s]*?(?:execution|parse) error (?:at|in) \([^()]*\): ")
SHOWN_ALSO = 6  # other failing templates named in the one error


def cause(failure: TemplateFailed) -> str:
    """What a failure says without where: templates failing on the same missing value say the same."""
    return _LOCATION.sub("", failure.message)


def all_failures(chart: Path, failures: list[TemplateFailed], complete: bool) -> InputError:
    """The first failure as its InputError, naming the other templates that fail too (found by leaving
    each out in turn), grouped by cause, so one run tells every value the chart needs; ``complete``
    False when the search stopped before the chart rendered."""
    first = failures[0]
    error = first.input_error(chart, False)
    if len(failures) == 1:
        return error
    same = [f.template for f in failures[1:] if cause(f) == cause(first)]
    other: dict[str, list[str]] = {}
    for f in failures[1:]:
        if cause(f) != cause(first):
            other.setdefault(cause(f), []).append(str(f.template))
    parts: list[str] = []
    if same:
        parts.append(f"the same in {_some(same)}")
    for message, templates in other.items():
        parts.append(f"{_some(templates)}: {message}")
    more = "" if complete else "; and perhaps more (the search stopped)"
    note = f"; {len(failures) - 1} more template(s) fail: " + "; ".join(parts) + more
    return error.amended(note)  # its settings still named where the caller words them


def _some(templates: Sequence[str | None]) -> str:
    names = [t for t in templates if t]
    shown = ", ".join(names[:SHOWN_ALSO])
    return shown + (f" and {len(names) - SHOWN_ALSO} more" if len(names) > SHOWN_ALSO else "")
