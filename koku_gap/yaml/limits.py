"""How much one analysis reads, so that a small hostile file cannot buy minutes of work.

Bytes and YAML nodes are limited where files are read (``yaml/loader.py``). These count what the readers
build from the nodes: every workload costs the engine and the reports about half a millisecond (role
detection, matching, snippets, a suggested Helm template), every other object a few microseconds. A
180 KB file of 10,000 one-line deployments took five seconds; 30,000 (560 KB) took 17 seconds and
570 MB. Real inputs are far below: koku's template has 32 workloads and 19 other objects, the largest
rendered chart in the corpus 41 workloads and 51 other objects. The workload limit can be raised
(``--max-workloads``, ``max_workloads=``) for inputs that really are larger: the engine's cost grows
linearly with the inputs (docs/performance.md), so raising it costs time in proportion, no more.
"""

from __future__ import annotations

from koku_gap.model.errors import SETTING, InputError, Setting

MAX_WORKLOADS = 1_000  # per ClowdApp file, and over all the files of --manifests (--max-workloads)
MAX_RESOURCES = 10_000  # other objects, counted the same way: ConfigMaps, Services, Kafka topics, ...
# What template parameters may add to a ClowdApp file: a 1 MB value used 10,000 times is 10 GB. koku's
# template gains about 20 KB (369 parameters, mostly short); this is thousands of times that.
MAX_SUBSTITUTED_BYTES = 64 << 20


def check_workloads(count: int, file: str, line: int | None, limit: int = MAX_WORKLOADS) -> None:
    """Refuse the ``count``-th workload when it is one too many (``limit``: ``--max-workloads``)."""
    if count > limit:
        raise InputError(
            file,
            line,
            f"more than {limit} workloads: too many to analyse (real templates and charts have "
            f"under 100; raise the limit with {SETTING})",
            setting=Setting("max_workloads"),
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
