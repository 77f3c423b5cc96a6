"""Reading a large tree with two processes: each parses and reads half of the files (``reading``).

Parsing is most of a cold analysis (``ast.parse`` of koku's 661 files alone costs more than a whole run
without ``--app-source``), and syntax trees cannot be handed between processes for less than parsing
costs again (pickling koku's trees takes longer than parsing them). So each process parses its own half
and the two hand each other only names and findings, at the barriers ``reading`` sets. The child is
forked (it starts with everything imported and the files read) and ends with ``os._exit``: it frees
nothing, and runs none of its parent's exit handlers.

Whatever goes wrong in the child (an exception, a signal, a module that parsed in its owner and not
here) makes the parent read the whole tree itself, the same answer as ever, a little later: the split
changes how long a read takes, never what it finds.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import threading
from collections.abc import Sequence
from typing import IO, Any, TypeVar

from koku_gap.model.evidence import AppSource
from koku_gap.sources.appsource.files import SourceFile
from koku_gap.sources.appsource.index import ModuleInfo
from koku_gap.sources.appsource.reading import read_files
from koku_gap.sources.appsource.resolve import ParseFailed

T = TypeVar("T")
SPLIT_BYTES = 1024 * 1024  # below this a tree parses in a tenth of a second: a fork is not worth it


class Broken(Exception):
    """The other process is gone or said it failed: the parent reads the tree alone."""


def worth_splitting(files: Sequence[SourceFile], workers: int | None) -> bool:
    """``workers`` 2: split; 1: do not; None: split a tree of at least ``SPLIT_BYTES`` where ``fork``
    exists, this process may use two cores, and it runs no other thread (a thread holding a lock at
    the fork would leave the child stuck on it)."""
    if workers is not None:
        return workers == 2 and hasattr(os, "fork")
    if not hasattr(os, "fork") or threading.active_count() > 1:
        return False
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return cores >= 2 and sum(len(f.data) for f in files) >= SPLIT_BYTES


def halves(files: Sequence[SourceFile]) -> tuple[list[int], list[int]]:
    """The parent's files and the child's, of about the same bytes each, each in file order: the
    largest first, each to the lighter side."""
    sides: tuple[list[int], list[int]] = ([], [])
    weight = [0, 0]
    for index in sorted(range(len(files)), key=lambda i: -len(files[i].data)):
        side = 0 if weight[0] <= weight[1] else 1
        sides[side].append(index)
        weight[side] += len(files[index].data)
    return sorted(sides[0]), sorted(sides[1])


class Pair:
    """One end of the two processes' pipes. At a barrier the child writes first and the parent reads
    first, so neither waits on a full pipe the other is not reading."""

    def __init__(self, child: bool, incoming: IO[bytes], outgoing: IO[bytes]) -> None:
        self.child = child
        self._in = incoming
        self._out = outgoing

    def exchange(self, mine: T) -> list[T]:
        if self.child:
            self._send(mine)
            return [self._receive(), mine]
        theirs: T = self._receive()
        self._send(mine)
        return [mine, theirs]

    def gather(self, mine: T) -> list[T] | None:
        if self.child:
            self._send(mine)
            return None
        return [mine, self._receive()]

    def fail(self) -> None:
        """Tell the other process this one cannot go on (it then reads alone, or stops)."""
        with contextlib.suppress(OSError):
            self._send(Broken())

    def _send(self, value: object) -> None:
        """One pickle, written whole to the unbuffered pipe: nothing is left in a buffer for closing the
        pipe to flush into a reader that has gone."""
        data = memoryview(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
        while data:
            data = data[self._out.write(data) :]

    def _receive(self) -> Any:
        try:
            value = pickle.load(self._in)
        except (EOFError, OSError, pickle.UnpicklingError) as exc:
            raise Broken(str(exc)) from None
        if isinstance(value, Broken):
            raise value
        return value


def read_in_two(files: Sequence[SourceFile], key: str) -> AppSource | None:
    """The AppSource read by this process and a forked child, each owning half of ``files``; None when
    the split failed (the caller then reads alone)."""
    mine, theirs = halves(files)
    to_child_r, to_child_w = os.pipe()
    to_parent_r, to_parent_w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        os.close(to_child_w)
        os.close(to_parent_r)
        _child(files, key, theirs, os.fdopen(to_child_r, "rb"), os.fdopen(to_parent_w, "wb", buffering=0))
    os.close(to_child_r)
    os.close(to_parent_w)
    parsed: dict[int, ModuleInfo] = {}
    with os.fdopen(to_parent_r, "rb") as incoming, os.fdopen(to_child_w, "wb", buffering=0) as outgoing:
        pair = Pair(False, incoming, outgoing)
        try:
            return read_files(files, key, mine, pair, parsed)
        except (Broken, ParseFailed, RecursionError, OSError):
            pair.fail()
            return None
        finally:
            for module in parsed.values():
                module.release()
            _reap(pid)


def _child(
    files: Sequence[SourceFile], key: str, own: list[int], incoming: IO[bytes], outgoing: IO[bytes]
) -> None:
    status = 1
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides; a Ctrl-C is its to handle
        pair = Pair(True, incoming, outgoing)
        try:
            read_files(files, key, own, pair, {})
            status = 0
        except Broken:
            pass
        except BaseException:  # anything: the parent reads alone
            pair.fail()
    finally:
        os._exit(status)


def _reap(pid: int) -> None:
    """Wait for the child, which has sent everything or been told to stop; kill it if it has not
    ended by the time the parent is done (it holds no file of ours: nothing is left half-written)."""
    with contextlib.suppress(ChildProcessError):
        done, _ = os.waitpid(pid, os.WNOHANG)
        if done == 0:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
