"""A template Helm could not render: which one, where, and the InputError that says so."""

from __future__ import annotations

import re
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
