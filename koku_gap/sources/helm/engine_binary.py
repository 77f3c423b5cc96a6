"""The binary engine: a ``helm`` executable on ``PATH``, run as ``helm template`` with the same options,
in a child process bounded in time."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Literal

from koku_gap.model.errors import InputError
from koku_gap.sources.helm.capture import helm_log_lines
from koku_gap.sources.helm.failures import TemplateFailed
from koku_gap.sources.helm.job import Rendered, RenderJob
from koku_gap.yaml.loader import decode_bytes

BINARY_TIMEOUT = 300  # seconds for one `helm template` run


class BinaryEngine:
    """A ``helm`` executable: ``helm template`` with the same options."""

    name: Literal["binary"] = "binary"

    def __init__(self, executable: str) -> None:
        self.executable = executable

    def command(self, chart: Path, job: RenderJob) -> list[str]:
        """``helm template``'s arguments; ``--flag=value`` so that no value is ever read as a flag."""
        spec = job.spec
        location = str(chart) if not str(chart).startswith("-") else f"./{chart}"
        command = [self.executable, "template", job.release, location, f"--namespace={job.namespace}"]
        command += [f"--values={values_file}" for values_file in job.values_files]
        command += [f"--set={expression}" for expression in spec.set_values]
        command += [f"--set-string={expression}" for expression in spec.set_string_values]
        command += [f"--api-versions={api_version}" for api_version in spec.api_versions]
        if spec.kube_version is not None:
            command.append(f"--kube-version={spec.kube_version}")
        return command

    def render(self, chart: Path, job: RenderJob) -> Rendered:
        try:
            done = subprocess.run(
                self.command(chart, job), capture_output=True, timeout=BINARY_TIMEOUT, check=False
            )
        except subprocess.TimeoutExpired:
            raise InputError(job.label, None, f"helm template ran over {BINARY_TIMEOUT} s") from None
        except OSError as exc:
            raise InputError(
                job.label, None, f"cannot run {self.executable}: {exc.strerror or exc}"
            ) from None
        if done.returncode != 0:
            message = done.stderr.decode("utf-8", "replace").strip()
            message = re.sub(r"^Error: ", "", message)
            message = message.replace("Use --debug flag to render out invalid YAML", "").strip()
            failure = TemplateFailed.from_helm(message or f"helm template exited with {done.returncode}")
            if failure.template is None:
                raise InputError(job.label, None, f"helm template failed: {failure.message}")
            raise failure
        text = decode_bytes(done.stdout, f"{job.label} (helm template output)", job.max_bytes)
        return Rendered(text, [], helm_log_lines(done.stderr))
