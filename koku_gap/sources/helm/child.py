"""A render in a process of its own, under limits: ``python -m koku_gap.sources.helm.child``.

A chart comes from a pull request. Helm's template engine runs in Go inside helm-python-sdk, where a
135-byte nested ``range`` takes gigabytes and a self-recursive ``tpl`` or ``repeat`` ends the whole
process with a Go fatal error: in the analysing process that is exit 134 with no message. Here the
render runs in a child with a memory limit (``RLIMIT_AS``), a CPU-time limit and a bound on what it may
write, and says what happened in one JSON answer; its parent (``engine_python``) adds a wall-clock
limit, reads Go's log (file descriptor 2, a file of its own here) and turns a dead child into one line.

The request (JSON on stdin): ``chart``, ``values_texts`` (values files' text, in order), ``sets``
(``[expression, keep strings]``, in order), ``options`` (Helm's render options), ``max_output``,
``memory``, ``cpu_seconds``. The answer (JSON on stdout): ``{"files": {...}}`` or
``{"error": KIND, "message": ..., ...}``. Only the standard library, helm-python-sdk and ``strvals``
(pure Python) are imported: the child starts in tens of milliseconds.
"""

from __future__ import annotations

import json
import resource
import sys
from typing import Any

from koku_gap.sources.helm import strvals

OUTPUT_FILE_LIMIT = 16 << 20  # what the child may write to files (Go's log goes to one)


def _limit(memory: int, cpu_seconds: int) -> None:
    """The child's own ceilings: address space, CPU time and file size (each only lowered)."""
    for kind, value in (
        (resource.RLIMIT_AS, memory),
        (resource.RLIMIT_CPU, cpu_seconds),
        (resource.RLIMIT_FSIZE, OUTPUT_FILE_LIMIT),
    ):
        soft, hard = resource.getrlimit(kind)
        wanted = value if hard == resource.RLIM_INFINITY else min(value, hard)
        if soft == resource.RLIM_INFINITY or soft > wanted:
            resource.setrlimit(kind, (wanted, hard))


class ValuesFileError(Exception):
    """A values file Helm's YAML reader refuses: its position in the request, and Helm's words."""

    def __init__(self, index: int, message: str) -> None:
        super().__init__(message)
        self.index = index


class SetError(Exception):
    """A ``--set`` expression that does not apply over the values: its position, and why."""

    def __init__(self, index: int, message: str) -> None:
        super().__init__(message)
        self.index = index


def merged_values(helm: Any, texts: list[str], sets: list[tuple[str, bool]]) -> dict[str, Any]:
    """``helm template``'s values: the files merged in order with Helm's own YAML reader, then every
    ``--set`` / ``--set-string`` expression in order (each already parsed once by the parent)."""
    merged: dict[str, Any] = {}
    for index, text in enumerate(texts):
        try:
            current = helm.values_from_yaml(text)
        except helm.HelmError as exc:
            raise ValuesFileError(index, " ".join(str(exc).split())) from None
        merged = strvals.merge_maps(merged, current)
    for index, (expression, strings) in enumerate(sets):
        try:
            strvals.parse_into(expression, merged, strings=strings)
        except strvals.StrvalsError as exc:
            raise SetError(index, str(exc)) from None
    return merged


def _render(helm: Any, request: dict[str, Any]) -> dict[str, object]:
    try:
        values = merged_values(helm, request["values_texts"], [(e, bool(k)) for e, k in request["sets"]])
    except ValuesFileError as exc:
        return {"error": "values-file", "index": exc.index, "message": str(exc)}
    except SetError as exc:
        return {"error": "set", "index": exc.index, "message": str(exc)}
    try:
        chart = helm.Chart.load(request["chart"])
    except helm.HelmError as exc:
        return {"error": "load", "message": str(exc)}
    with chart:
        metadata = chart.metadata
        if metadata.get("type") == "library":
            return {"error": "library"}
        declared = [str(d.get("name")) for d in metadata.get("dependencies") or [] if isinstance(d, dict)]
        present = {str(d.get("name")) for d in chart.dependencies}
        missing = [name for name in declared if name not in present]
        if missing:
            return {"error": "dependencies", "missing": missing}
        options = request["options"]
        try:
            if "api_versions" in options or "kube_version" in options:
                # helm-python-sdk 0.2.2 takes these in the native render options, but its
                # Chart.render() does not pass them on: call the native function as Chart.render() does
                try:
                    from helm_python import _native
                except ImportError as exc:
                    return {"error": "no-native", "message": str(exc)}
                raw = _native.call_string(
                    "helm_render", chart._raw(), json.dumps(values), json.dumps(options)
                )
                files = json.loads(raw)
            else:
                files = chart.render(values, **options)
        except helm.HelmRenderError as exc:
            return {"error": "render", "message": str(exc)}
        except helm.HelmValuesError as exc:
            return {"error": "values-refused", "message": str(exc)}
        except helm.HelmInvalidArgError as exc:
            return {"error": "invalid-argument", "message": str(exc)}
        except helm.HelmError as exc:
            return {"error": "helm", "message": str(exc)}
    return {"files": files}


def main() -> int:
    request = json.loads(sys.stdin.buffer.read())
    _limit(int(request["memory"]), int(request["cpu_seconds"]))
    try:
        import helm_python as helm
    except Exception as exc:  # HelmLibraryError and ImportError alike: the parent says what is missing
        answer: dict[str, object] = {"error": "sdk", "message": str(exc).splitlines()[0] if str(exc) else ""}
    else:
        try:
            answer = _render(helm, request)
        except MemoryError:
            answer = {"error": "memory"}
        except RecursionError:
            answer = {"error": "recursion"}
    data = json.dumps(answer).encode()
    if len(data) > int(request["max_output"]):
        data = json.dumps({"error": "output", "size": len(data)}).encode()
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
