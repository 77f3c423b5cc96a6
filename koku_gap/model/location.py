"""Where something is written, and what is worth telling about an input: the two shapes every stage
shares, from the YAML loader to the report."""

from __future__ import annotations

import re

from pydantic import Field

from koku_gap.model.base import Frozen


class SourceRef(Frozen):
    """Where something is written: file and 1-based line; ``template`` is Helm's ``# Source:`` path.

    Read from a chart's render (``--chart``), ``file`` is the chart and ``line`` a line of a render the
    user never sees; ``template_file`` and ``template_line`` are then where the object is written in
    the chart (the template's path under the chart as given, and its line), when found: what a
    reader opens (``opens``). Both are absent from the JSON when unknown."""

    file: str
    line: int
    template: str | None = None
    template_file: str | None = Field(default=None, exclude_if=lambda v: v is None)
    template_line: int | None = Field(default=None, exclude_if=lambda v: v is None)

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"

    @property
    def opens(self) -> str:
        """``template_file:template_line`` where known, else ``file:line``: a location to open."""
        if self.template_file is not None and self.template_line is not None:
            return f"{self.template_file}:{self.template_line}"
        return str(self)

    @property
    def rendered(self) -> str | None:
        """``file:line``, the render's line, when ``opens`` is the template's (None otherwise)."""
        return str(self) if self.template_file is not None and self.template_line is not None else None


class Notice(Frozen):
    """Something legal but worth a reader's eye (a duplicate key, an unresolved parameter, a policy entry
    that never applies), at a file and line; the report lists them under ``warnings``.

    ``file`` is empty while the YAML loader, which does not name files, holds it; ``group`` is what alike
    notices share without this instance's names (None: the message); ``template`` the chart template
    it is about, when it is about one."""

    code: str
    message: str
    file: str = ""
    line: int | None = None
    group: str | None = None
    # The chart template the notice is about (a template left out of the render); absent from the
    # JSON when none, so other notices are written as before.
    template: str | None = Field(default=None, exclude_if=lambda v: v is None)
    # Where a notice about a chart's render is written in the chart (SourceRef.template_file/_line).
    template_file: str | None = Field(default=None, exclude_if=lambda v: v is None)
    template_line: int | None = Field(default=None, exclude_if=lambda v: v is None)

    @property
    def opens(self) -> str:
        """Where to look: the template's file and line where known, else ``file:line`` (or ``file``)."""
        if self.template_file is not None and self.template_line is not None:
            return f"{self.template_file}:{self.template_line}"
        return f"{self.file}:{self.line}" if self.line else self.file

    @property
    def shape(self) -> str:
        """What alike notices share: ``group``, or the message without its numbers and per-instance
        "(first at line N)" details (a chart may repeat one duplicate label 60 times)."""
        if self.group is not None:
            return self.group
        return NUMBERS.sub("N", INSTANCE_DETAIL.sub("", self.message))


NUMBERS = re.compile(r"\b(?:line )?\d+\b")
INSTANCE_DETAIL = re.compile(r"\s*\([^)]*\bline \d+\)")  # "(first at line 3)": one instance's detail
