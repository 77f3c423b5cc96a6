"""How much one analysis reads, so that a small hostile file cannot buy minutes of work.

Bytes and YAML nodes are limited where files are read (``yamlio``). These count what the readers
build from the nodes: every workload costs the engine and the reports about half a millisecond (role
detection, matching, snippets, a suggested Helm template), every other object a few microseconds. A
180 KB file of 10,000 one-line deployments took five seconds; 30,000 (560 KB) took 17 seconds and
570 MB. Real inputs are far below: koku's template has 32 workloads and 19 other objects, the largest
rendered chart in the corpus 41 workloads and 51 other objects.
"""

from __future__ import annotations

from koku_gap.errors import InputError

MAX_WORKLOADS = 1_000  # per ClowdApp file, and over all the files of --manifests
MAX_RESOURCES = 10_000  # other objects, counted the same way: ConfigMaps, Services, Kafka topics, ...


def check_workloads(count: int, file: str, line: int | None) -> None:
    """Refuse the ``count``-th workload when it is one too many."""
    if count > MAX_WORKLOADS:
        raise InputError(
            file,
            line,
            f"more than {MAX_WORKLOADS} workloads: too many to analyse (real templates and charts have "
            "under 100)",
        )


def check_resources(count: int, file: str, line: int | None) -> None:
    """Refuse the ``count``-th non-workload object when it is one too many."""
    if count > MAX_RESOURCES:
        raise InputError(
            file,
            line,
            f"more than {MAX_RESOURCES} objects besides workloads: too many to analyse (real templates "
            "and charts have under 1000)",
        )
