"""The exceptions the CLI turns into one line on stderr and exit code 2.

Errors are values with a file and (where known) a line and column, so a user can jump to the cause.
Whatever the input holds (newlines or escape sequences in a file name, a megabyte-long key), the
error prints as one bounded line of printable text. ``docs/errors.md`` lists every message.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from pydantic import ValidationError

MAX_MESSAGE = 2000  # characters of message (a chart's own advice is kept whole); the file name is never cut


def printable(text: str) -> str:
    """``text`` with control characters, lone surrogates and other unprintables escaped (``\\n``,
    ``\\x1b``, ``\\udcff``), so it cannot break a line or drive a terminal."""
    if text.isprintable():
        return text
    return "".join(
        c if c.isprintable() else c.encode("unicode_escape", "backslashreplace").decode("ascii") for c in text
    )


SETTING = "{setting}"  # where an InputError's message names the setting that controls it


class Setting(NamedTuple):
    """What a user changes to get past an error: an API keyword (``max_bytes``), an entry of one
    (``params`` NAME), or a function to call (``dump_baseline``). The library names it as Python
    (``max_bytes=...``, ``params['NAME']``, ``dump_baseline()``); the CLI as its option, from its own
    table, so the library never names a command-line flag."""

    name: str
    key: str | None = None
    function: bool = False

    def __str__(self) -> str:
        if self.function:
            return f"{self.name}()"
        return f"{self.name}[{self.key!r}]" if self.key is not None else f"{self.name}=..."


class InputError(Exception):
    """Bad input: a file we cannot read, parse or understand. Always names the file.

    A ``setting`` is named where the message holds ``SETTING``: in library terms by ``str()``, in a
    caller's own by ``worded()``; several ``settings`` fill the marks in their order.
    """

    def __init__(
        self,
        file: str,
        line: int | None,
        message: str,
        column: int | None = None,
        *,
        setting: Setting | None = None,
        settings: tuple[Setting, ...] = (),
    ) -> None:
        self.file = file
        self.line = line
        self.column = column
        self.settings = (setting, *settings) if setting is not None else settings
        self.setting = self.settings[0] if self.settings else None
        self._template = message
        self.message = _filled(message, self.settings, str)
        super().__init__(str(self))

    def __reduce__(self) -> tuple[object, ...]:
        """Pickled whole (a process pool sends errors back to its caller): file, line, settings."""
        return (_input_error, (self.file, self.line, self._template, self.column, self.settings))

    def _message(self, name: Callable[[Setting], str]) -> str:
        return _filled(self._template, self.settings, name)

    def amended(self, more: str) -> InputError:
        """The same error with ``more`` after its message (where it happened), still naming its settings."""
        return InputError(self.file, self.line, self._template + more, self.column, settings=self.settings)

    def worded(self, name: Callable[[Setting], str]) -> str:
        """``file:line: message`` with the setting, if any, named by ``name`` (the CLI: its option)."""
        return f"{self._where()}: {self._message(name)}"

    def _where(self) -> str:
        where = printable(self.file)
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return where

    def __str__(self) -> str:
        return f"{self._where()}: {self.message}"


def _named(template: str, settings: tuple[Setting, ...], name: Callable[[Setting], str]) -> str:
    """``template`` with each ``SETTING`` mark, in order, naming the next of ``settings``."""
    message = template
    for setting in settings:
        head, found, tail = message.partition(SETTING)
        if not found:
            break
        message = head + name(setting) + tail
    return message


def _filled(template: str, settings: tuple[Setting, ...], name: Callable[[Setting], str]) -> str:
    """``_named``, as one bounded line of printable text."""
    message = printable(" ".join(_named(template, settings, name).split()))  # one line, always
    if len(message) > MAX_MESSAGE:
        message = message[: MAX_MESSAGE - 3] + "..."
    return message


class UsageError(Exception):
    """Options that cannot work together or a value no input could satisfy (an unknown renderer, a
    ``--set`` Helm refuses): named as settings, like InputError's, so the CLI words them as options."""

    def __init__(self, message: str, *, settings: tuple[Setting, ...] = ()) -> None:
        self.settings = settings
        self._template = message
        super().__init__(_named(message, settings, str))

    def worded(self, name: Callable[[Setting], str]) -> str:
        """The message with its settings named by ``name`` (the CLI: its options)."""
        return _named(self._template, self.settings, name)

    def __reduce__(self) -> tuple[object, ...]:
        """Pickled whole, settings included (a process pool sends errors back to its caller)."""
        return (_usage_error, (self._template, self.settings))


def _input_error(
    file: str, line: int | None, template: str, column: int | None, settings: tuple[Setting, ...]
) -> InputError:
    return InputError(file, line, template, column, settings=settings)


def _usage_error(template: str, settings: tuple[Setting, ...]) -> UsageError:
    return UsageError(template, settings=settings)


def validation_error(exc: ValidationError, file: str, line: int | None, what: str) -> InputError:
    """A pydantic error on a value read from ``file`` as an InputError at the line it was written on.

    ``what`` names the object (``ClowdApp shop/api``); the first failing field is shown with its path.
    """
    errors = exc.errors(include_url=False, include_input=False)
    # a union's members show up in the location (`replicas.int`, `replicas.str`): one field, one error
    paths = list(dict.fromkeys(_field_path(error["loc"]) for error in errors))
    first = errors[0]["msg"] if errors else str(exc)
    more = f" (and {len(paths) - 1} more)" if len(paths) > 1 else ""
    where = f" field {paths[0]}:" if paths and paths[0] else ""
    return InputError(file, line, f"{what}:{where} {first}{more}")


_TYPE_TAGS = frozenset({"int", "str", "float", "bool", "none", "bytes", "is-instance", "literal"})


def _field_path(loc: tuple[int | str, ...]) -> str:
    return ".".join(
        str(part) for part in loc if not (isinstance(part, str) and (part in _TYPE_TAGS or "[" in part))
    )


@contextmanager
def located(file: str, line: int | None, what: str) -> Iterator[None]:
    """Turn a pydantic ``ValidationError`` raised inside into an InputError at ``file:line``.

    The readers coerce what they read into the model's types, so this is a safety net: should a value
    of an unexpected type still reach a model, the user gets the YAML line, not a traceback.
    """
    from pydantic import ValidationError

    try:
        yield
    except ValidationError as exc:
        raise validation_error(exc, file, line, what) from None
