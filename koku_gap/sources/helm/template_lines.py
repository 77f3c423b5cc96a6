"""Where a line of a chart's render is written in the chart: the template file and line a user can open,
rather than a line of a render they never see (``chart:1835``).

Helm keeps no map from its output back to its templates, so a document's lines are aligned with the
lines of the template file its ``# Source:`` names: most rendered lines are their template's line
with the template syntax gone (``kind: Deployment``, ``- name: DATABASE_HOST``, ``securityContext:``),
and the longest common subsequence of the two, lines compared as written (indentation too: an
included helper's lines are indented anew), puts each in its place, also when the same text occurs
many times. A line the template does not hold as such (``name: {{ .Release.Name }}-api`` rendered,
a helper's output) takes the nearest line before it that was placed: the line it is written under.
A template the chart directory does not hold as a file (a packaged subchart, a ``.tgz``) gives none.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path

from koku_gap.sources.helm.chart_files import template_file
from koku_gap.yaml.loader import source_comments


@dataclass(frozen=True)
class TemplateLine:
    """A template file as the user can open it (the chart path joined with the template's), and a line."""

    file: str
    line: int


@dataclass
class TemplateLines:
    """Render lines -> template lines for one rendered chart (``text``, rendered from ``chart``)."""

    text: str
    chart: Path
    label: str  # the chart path as given, which the template files are named under
    _starts: list[int] = field(init=False)
    _templates: list[str] = field(init=False)
    _render: list[str] = field(init=False)
    _files: dict[str, tuple[str, list[str]] | None] = field(init=False, default_factory=dict)
    _aligned: dict[int, tuple[str, dict[int, int]] | None] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        comments = list(source_comments(self.text))
        self._starts = [at for at, _ in comments]
        self._templates = [path for _, path in comments]
        self._render = self.text.splitlines()

    def _template(self, template: str) -> tuple[str, list[str]] | None:
        if template not in self._files:
            path = template_file(self.chart, template) if self.chart.is_dir() else None
            shown = str(Path(self.label) / path.relative_to(self.chart)) if path is not None else ""
            try:
                lines = path.read_text(encoding="utf-8").splitlines() if path is not None else None
            except (OSError, UnicodeDecodeError):
                lines = None
            self._files[template] = (shown, [line.rstrip() for line in lines]) if lines is not None else None
        return self._files[template]

    def at(self, line: int) -> TemplateLine | None:
        """The template file and line of render line ``line`` (1-based), or None (see the module doc)."""
        doc = bisect_right(self._starts, line) - 1
        if doc < 0 or not 0 < line <= len(self._render):
            return None
        if doc not in self._aligned:
            self._aligned[doc] = self._align(doc)
        found = self._aligned[doc]
        if found is None:
            return None
        shown, lines = found
        at = lines.get(line)
        if at is None:  # the nearest line before it that was found: a line it is written under
            before = [n for n in lines if n < line]
            at = lines[max(before)] if before else None
        return TemplateLine(shown, at) if at is not None else None

    def _align(self, doc: int) -> tuple[str, dict[int, int]] | None:
        """Document ``doc``'s render lines -> its template's lines, where the two read alike: the
        longest common subsequence of the lines as written (indented alike; an included helper's lines
        are indented anew), so each template line is the one rendered in its place."""
        held = self._template(self._templates[doc])
        if held is None:
            return None
        shown, lines = held
        first = self._starts[doc] + 1  # the line after the ``# Source:`` comment
        end = self._starts[doc + 1] - 1 if doc + 1 < len(self._starts) else len(self._render) + 1
        rendered = [r.rstrip() for r in self._render[first - 1 : end - 1]]
        matcher = SequenceMatcher(None, rendered, lines, autojunk=False)
        mapped: dict[int, int] = {}
        for block in matcher.get_matching_blocks():
            for k in range(block.size):
                if rendered[block.a + k].strip():
                    mapped[first + block.a + k] = block.b + k + 1
        return shown, mapped
