"""The history as CSV: one line per commit, the columns of ``History.to_records()``.

Subjects and errors are a stranger's text (whoever wrote the commit): each cell is one printable line
(``terminal_text``: no control character, no workflow command), and a cell a spreadsheet would read
as a formula (``=``, ``+``, ``-``, ``@`` first) starts with ``'`` (OWASP's CSV-injection advice).
"""

from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import TYPE_CHECKING

from koku_gap.report._escape import terminal_text

if TYPE_CHECKING:
    from koku_gap.history.model import History

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def render(history: History) -> str:
    records = history.to_records()
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    columns = list(records[0]) if records else []
    writer.writerow(columns)
    for record in records:
        writer.writerow([cell(record[column]) for column in columns])
    return out.getvalue()


def cell(value: object) -> str:
    """One value as a CSV cell: numbers as written, None empty, dates ISO, text made safe."""
    if value is None:
        return ""
    if isinstance(value, bool | int):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    text = terminal_text(str(value))
    return f"'{text}" if text.startswith(FORMULA_START) else text
