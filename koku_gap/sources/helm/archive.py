"""Chart archives (``.tgz``, as ``helm package`` writes them): their Chart.yaml, and unpacking them safely."""

from __future__ import annotations

import tarfile
from pathlib import Path

from koku_gap.model.errors import InputError
from koku_gap.yaml.loader import DEFAULT_MAX_BYTES, decode_bytes


def archive_chart_yaml(archive: Path) -> str:
    """The top-level Chart.yaml of a chart archive (``<name>/Chart.yaml``)."""
    label = str(archive)
    try:
        with tarfile.open(archive, "r:*") as tar:
            for member in tar:
                parts = member.name.strip("/").split("/")
                if member.isfile() and len(parts) == 2 and parts[1] == "Chart.yaml":
                    handle = tar.extractfile(member)
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
        with tarfile.open(archive, "r:*") as tar:
            members = tar.getmembers()
            for member in members:
                name = member.name
                if (
                    name.startswith("/")
                    or ".." in Path(name).parts
                    or not (member.isfile() or member.isdir())
                ):
                    raise InputError(
                        label, None, f"refusing archive member {name!r}: not a plain file in the chart"
                    )
            destination.mkdir(parents=True, exist_ok=True)
            if hasattr(tarfile, "data_filter"):
                tar.extractall(destination, members=members, filter="data")
            else:  # pragma: no cover - Python before 3.11.4; members were checked above
                tar.extractall(destination, members=members)
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise InputError(label, None, f"cannot unpack the chart archive: {exc}") from None
    tops = [p for p in destination.iterdir() if p.is_dir() and (p / "Chart.yaml").is_file()]
    if len(tops) != 1:
        raise InputError(label, None, "a chart archive holds one top directory with a Chart.yaml")
    return tops[0]
