"""Running ``git``: an argument list (never a shell string), a timeout, and bounded output.

The repository is a stranger's data as much as a chart is: its history can be long and its objects
large, so every call has a deadline and a most it may print; going past either is an InputError
naming the repository, never a hang or a memory blow-up.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import IO

from koku_gap.model.errors import InputError

TIMEOUT = 120.0  # seconds for one git command: a walk of thousands of commits takes a second
MAX_OUTPUT = 64 * 1024 * 1024  # bytes one command may print (a log of 100,000 commits is ~15 MiB)
MAX_ERROR = 4096  # bytes of stderr kept for the message
# No prompt for credentials, no optional locks (we only read), no pager, the C locale's messages.
_ENV = {"GIT_TERMINAL_PROMPT": "0", "GIT_OPTIONAL_LOCKS": "0", "GIT_PAGER": "cat", "LC_ALL": "C"}


class GitFailed(Exception):
    """git ran and exited non-zero: its stderr's first line, for the caller to word."""

    def __init__(self, args: Sequence[str], returncode: int, stderr: str) -> None:
        first = next((line.strip() for line in stderr.splitlines() if line.strip()), "")
        super().__init__(first or f"git {' '.join(args[:2])} exited {returncode}")
        self.returncode = returncode
        self.first_line = first


def git(
    repo: str | Path,
    *args: str,
    stdin: str | None = None,
    timeout: float = TIMEOUT,
    max_output: int = MAX_OUTPUT,
) -> str:
    """``git -C repo ARGS`` and what it printed, as text (UTF-8, undecodable bytes escaped)."""
    return git_bytes(repo, *args, stdin=stdin, timeout=timeout, max_output=max_output).decode(
        "utf-8", "backslashreplace"
    )


def git_bytes(
    repo: str | Path,
    *args: str,
    stdin: str | None = None,
    timeout: float = TIMEOUT,
    max_output: int = MAX_OUTPUT,
) -> bytes:
    """``git -C repo ARGS`` and what it printed, as bytes (file contents). Raises GitFailed on a non-zero
    exit and InputError naming ``repo`` when git is missing, too slow, or prints too much."""
    command = ["git", "-C", str(repo), *args]
    env = {**os.environ, **_ENV}
    try:
        with tempfile.TemporaryFile() as errors:
            proc = subprocess.Popen(
                command,
                stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=errors,
                env=env,
            )
            return _finish(proc, command, repo, stdin, errors, timeout, max_output)
    except FileNotFoundError:
        raise InputError(str(repo), None, "git is not installed (no git on PATH)") from None


def _finish(
    proc: subprocess.Popen[bytes],
    command: list[str],
    repo: str | Path,
    stdin: str | None,
    errors: IO[bytes],
    timeout: float,
    max_output: int,
) -> bytes:
    """Feed, read within ``max_output`` and wait for ``proc`` within ``timeout`` (a timer kills it)."""
    expired = threading.Event()

    def kill() -> None:
        expired.set()
        proc.kill()

    timer = threading.Timer(timeout, kill)
    timer.start()
    try:
        if stdin is not None and proc.stdin is not None:
            feeder = threading.Thread(target=_feed, args=(proc.stdin, stdin.encode("utf-8")), daemon=True)
            feeder.start()
        data = b""
        if proc.stdout is not None:
            data = proc.stdout.read(max_output + 1)
            if len(data) > max_output:
                proc.kill()
                proc.wait()
                raise InputError(
                    str(repo), None, f"git {command[3]} printed more than {max_output} bytes: refused"
                )
            proc.stdout.close()
        proc.wait()
    finally:
        timer.cancel()
    if expired.is_set():
        raise InputError(str(repo), None, f"git {command[3]} took more than {timeout:g} s: stopped")
    if proc.returncode != 0:
        errors.seek(0)
        raise GitFailed(command[3:], proc.returncode, errors.read(MAX_ERROR).decode("utf-8", "replace"))
    return data


def _feed(pipe: IO[bytes], data: bytes) -> None:
    """Write ``data`` to git's stdin and close it (a thread, so a git that prints as it reads never
    blocks on a full pipe while we are still writing)."""
    try:
        pipe.write(data)
        pipe.close()
    except (BrokenPipeError, OSError):
        pass
