"""The python engine: helm-python-sdk (``import helm_python``), Helm's own Go SDK through a shared
library, run in a child process under limits (``child.py``). It returns each template's raw output,
which ``framing`` turns into ``helm template``'s text."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any, Literal

from koku_gap.model.errors import SETTING, InputError, Setting, UsageError
from koku_gap.sources.helm.capture import helm_log_lines
from koku_gap.sources.helm.failures import TemplateFailed
from koku_gap.sources.helm.framing import frame_like_helm_template
from koku_gap.sources.helm.job import Rendered, RenderJob
from koku_gap.sources.helm.sets import expressions, refused

# What one render may take (docs/security.md, "Bounds"); the real chart renders in about 0.5 s and 100 MB.
RENDER_SECONDS = 60  # wall clock, and CPU time in the child
RENDER_MEMORY = 2 << 30  # the child's address space
CHILD = ("-P", "-m", "koku_gap.sources.helm.child")  # -P: never the working directory on sys.path


class PythonEngine:
    """helm-python-sdk: Helm's Go SDK, run in a child process under time, memory and output limits
    (``child.py``), so a hostile template costs a bounded render and one line, not the analysing process."""

    name: Literal["python"] = "python"

    def __init__(self, seconds: float = RENDER_SECONDS, memory: int = RENDER_MEMORY) -> None:
        self.seconds = seconds
        self.memory = memory

    def render(self, chart: Path, job: RenderJob) -> Rendered:
        answer, logged = self._run(chart, job)
        error = answer.get("error")
        if error is not None:
            raise _refused(str(error), answer, job)
        files = answer.get("files")
        if not isinstance(files, dict):
            raise InputError(job.label, None, "the renderer gave no manifests")
        text, dropped = frame_like_helm_template({str(k): str(v) for k, v in files.items()})
        return Rendered(text, dropped, logged)

    def _request(self, chart: Path, job: RenderJob) -> dict[str, Any]:
        spec = job.spec
        options: dict[str, Any] = {
            "name": job.release,
            "namespace": job.namespace,
            "revision": 1,
            "is_install": True,
        }
        if spec.api_versions:
            options["api_versions"] = list(spec.api_versions)
        if spec.kube_version is not None:
            options["kube_version"] = spec.kube_version
        sets = [[expression, strings] for expression, strings in expressions(spec)]
        return {
            "chart": str(chart),
            "values_texts": list(job.values_texts),
            "sets": sets,
            "options": options,
            "max_output": job.max_bytes * 2
            + 4096,  # the rendered text, JSON-escaped, within the input budget
            "memory": self.memory,
            "cpu_seconds": int(self.seconds) + 1,
        }

    def _run(self, chart: Path, job: RenderJob) -> tuple[dict[str, Any], list[str]]:
        """The child's answer and Helm's log lines; a child that dies or overruns is one InputError."""
        request = json.dumps(self._request(chart, job)).encode()
        with tempfile.TemporaryFile() as log:
            try:
                done = subprocess.run(
                    [sys.executable, *CHILD],
                    input=request,
                    stdout=subprocess.PIPE,
                    stderr=log,
                    timeout=self.seconds,
                    check=False,
                )
            except subprocess.TimeoutExpired:
                raise InputError(
                    job.label,
                    None,
                    f"rendering stopped after {self.seconds:g} s: a template loops or the chart is too large",
                ) from None
            log.seek(0)
            said = log.read(MAX_LOG_BYTES)
        try:
            answer = json.loads(done.stdout) if done.returncode == 0 else None
        except ValueError:
            answer = None
        if not isinstance(answer, dict):
            raise InputError(job.label, None, _death(done.returncode, said, self.memory))
        return answer, helm_log_lines(said)


MAX_LOG_BYTES = 1 << 20  # Helm's log read back from the child


def _death(status: int, said: bytes, memory: int) -> str:
    """Why the child gave no answer, in one line: Go's own fatal line when it wrote one."""
    lines = [line.strip() for line in said.decode("utf-8", "replace").splitlines() if line.strip()]
    fatal = next((line for line in lines if line.startswith(("fatal error:", "panic:", "runtime:"))), None)
    if status < 0 and -status in (signal.SIGXCPU, signal.SIGKILL):
        return (
            f"rendering stopped: it used more CPU time than allowed (signal {signal.Signals(-status).name})"
        )
    if fatal and "out of memory" in fatal:
        return f"rendering stopped: it needed more than {memory >> 20} MiB ({fatal})"
    if fatal:
        return f"the renderer stopped: {fatal}"
    return f"the renderer stopped with status {status}" + (f": {lines[-1]}" if lines else "")


def _refused(error: str, answer: dict[str, Any], job: RenderJob) -> Exception:
    """The child's error as the exception the python engine has always raised for it."""
    message = str(answer.get("message", ""))
    if error == "render":
        return TemplateFailed.from_helm(message)
    if error == "set":
        return refused(job.spec, int(answer.get("index", 0)), message)
    if error == "values-file":
        index = int(answer.get("index", 0))
        line = re.search(r"\bline (\d+):", message)
        return InputError(
            str(job.values_files[index]),
            int(line.group(1)) if line else None,
            f"not a values file: {message}",
        )
    if error == "load":
        return InputError(job.label, None, f"cannot load the chart: {message}")
    if error == "library":
        return InputError(job.label, None, "library charts are not installable, so not renderable")
    if error == "dependencies":
        missing = ", ".join(str(m) for m in answer.get("missing", []))
        return InputError(
            job.label,
            None,
            f"Chart.yaml declares dependencies missing from charts/: {missing} "
            f"(run `helm dependency build {job.label}` first)",
        )
    if error == "values-refused":
        return InputError(job.label, None, f"the chart refuses these values: {message}")
    if error == "invalid-argument":
        if job.spec.kube_version is not None and "version" in message:
            return UsageError(
                f"{SETTING} {job.spec.kube_version!r}: {message}", settings=(Setting("kube_version"),)
            )
        return InputError(job.label, None, f"Helm refuses the render options: {message}")
    if error == "no-native":
        return InputError(
            job.label,
            None,
            f"this helm-python-sdk cannot take {SETTING}/{SETTING} ({message}): use {SETTING} binary",
            settings=(Setting("api_versions"), Setting("kube_version"), Setting("renderer")),
        )
    if error == "output":
        return InputError(
            job.label,
            None,
            f"the rendered chart is larger than {job.max_bytes} bytes: raise {SETTING}",
            setting=Setting("max_bytes"),
        )
    if error == "memory":
        return InputError(job.label, None, "rendering stopped: it needed more memory than allowed")
    if error == "sdk":
        return InputError(
            job.label, None, f"cannot render the chart: helm-python-sdk is not usable ({message})"
        )
    return InputError(job.label, None, f"Helm could not render the chart: {message}")
