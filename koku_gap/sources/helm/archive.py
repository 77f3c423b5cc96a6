"""Chart archives (``.tgz``, as ``helm package`` writes them): their Chart.yaml, and unpacking them safely.

An archive comes from a pull request, so it is bounded before anything is decompressed beyond a member's
header: gzip only (what ``helm package`` writes; bzip2 and xz can expand a few bytes into gigabytes), at
most Helm's own limits (``MaxDecompressedChartSize``, ``MaxDecompressedFileSize``) and ``MAX_MEMBERS``
members, each checked from its header before its data is read, and a plain file or directory.
"""

from __future__ import annotations

import tarfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from koku_gap.model.errors import InputError
from koku_gap.yaml.loader import DEFAULT_MAX_BYTES, decode_bytes

MAX_CHART_BYTES = 100 << 20  # Helm's MaxDecompressedChartSize
MAX_FILE_BYTES = 5 << 20  # Helm's MaxDecompressedFileSize
MAX_MEMBERS = 10_000


def _members(tar: tarfile.TarFile, label: str) -> Iterator[tarfile.TarInfo]:
    """The archive's members, each checked from its header before its data is read."""
    total = 0
    for count, member in enumerate(tar, 1):
        name = member.name
        if name.startswith("/") or ".." in Path(name).parts or not (member.isfile() or member.isdir()):
            raise InputError(label, None, f"refusing archive member {name!r}: not a plain file in the chart")
        if member.size > MAX_FILE_BYTES:
            raise InputError(
                label, None, f"archive member {name!r} is {member.size} bytes, over Helm's {MAX_FILE_BYTES}"
            )
        total += member.size
        if total > MAX_CHART_BYTES:
            raise InputError(label, None, f"the archive unpacks to more than Helm's {MAX_CHART_BYTES} bytes")
        if count > MAX_MEMBERS:
            raise InputError(label, None, f"the archive holds more than {MAX_MEMBERS} members")
        yield member


def _open(archive: Path) -> tarfile.TarFile:
    """The archive as a gzip stream: another compression is refused before it is decompressed."""
    with archive.open("rb") as probe:
        magic = probe.read(2)
    if magic != b"\x1f\x8b":
        raise tarfile.ReadError("not a gzip-compressed tar archive (helm package writes .tgz)")
    return tarfile.open(archive, "r:gz")  # not "r|gz": its stream reader mishandles Helm's gzip extra field


def archive_chart_yaml(archive: Path) -> str:
    """The top-level Chart.yaml of a chart archive (``<name>/Chart.yaml``)."""
    label = str(archive)
    try:
        with _open(archive) as tar:
            for member in _members(tar, label):
                parts = member.name.strip("/").split("/")
                if member.isfile() and len(parts) == 2 and parts[1] == "Chart.yaml":
                    handle: IO[bytes] | None = tar.extractfile(member)
                    if handle is None:
                        break
                    return decode_bytes(handle.read(DEFAULT_MAX_BYTES + 1), f"{label}:{member.name}")
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise InputError(label, None, f"not a chart directory or .tgz archive: {exc}") from None
    raise InputError(label, None, "not a Helm chart: the archive has no <name>/Chart.yaml")


def unpack(archive: Path, destination: Path) -> Path:
    """Extract a chart archive safely; returns its top directory (the chart)."""
    label = str(archive)
    try:
        with _open(archive) as tar:
            for _ in _members(tar, label):  # every header checked before anything is written
                pass
        destination.mkdir(parents=True, exist_ok=True)
        with _open(archive) as tar:
            for member in _members(tar, label):
                if hasattr(tarfile, "data_filter"):
                    tar.extract(member, destination, filter="data")
                else:  # pragma: no cover - Python before 3.11.4; members were checked above
                    tar.extract(member, destination)
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise InputError(label, None, f"cannot unpack the chart archive: {exc}") from None
    tops = [p for p in destination.iterdir() if p.is_dir() and (p / "Chart.yaml").is_file()]
    if len(tops) != 1:
        raise InputError(label, None, "a chart archive holds one top directory with a Chart.yaml")
    return tops[0]
