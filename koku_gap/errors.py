"""The exceptions the CLI turns into one line on stderr and exit code 2.

Errors are values with a file and (where known) a line and column, so a user can jump to the cause.
"""

from __future__ import annotations


class InputError(Exception):
    """Bad input: a file we cannot read, parse or understand. Always names the file."""

    def __init__(self, file: str, line: int | None, message: str, column: int | None = None) -> None:
        self.file = file
        self.line = line
        self.column = column
        self.message = " ".join(message.split())  # one line, always
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return f"{where}: {self.message}"


class UsageError(Exception):
    """A command line that cannot work (unknown option value, missing input)."""
