"""A stand-in ``helm`` binary for tests (there is none on the test machines).

``helm template RELEASE CHART [--namespace NS] [--values F]... [--set E]... [--set-string E]...
[--api-versions V]... [--kube-version V]`` rendered through helm-python-sdk, printing what Helm prints:
the manifests on stdout, or ``Error: <message>`` on stderr and exit status 1. Every call's arguments are
appended as a JSON line to ``$FAKE_HELM_LOG`` when it is set. ``install_fake_helm`` writes the
executable shim into a directory to put on ``PATH``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent


def install_fake_helm(directory: Path) -> Path:
    """Write an executable ``helm`` into ``directory`` that runs this module."""
    executable = directory / "helm"
    executable.write_text(
        f"#!{sys.executable}\n"
        "import sys\n"
        f"sys.path.insert(0, {str(HERE)!r})\n"
        "from fake_helm import main\n"
        "sys.exit(main(sys.argv[1:]))\n",
        encoding="utf-8",
    )
    executable.chmod(0o755)
    return executable


def main(argv: Sequence[str]) -> int:
    log = os.environ.get("FAKE_HELM_LOG")
    if log:
        with open(log, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(list(argv)) + "\n")
    parser = argparse.ArgumentParser(prog="helm")
    parser.add_argument("command", choices=["template"])
    parser.add_argument("release")
    parser.add_argument("chart")
    parser.add_argument("--namespace", default="default")
    for option in ("--values", "--set", "--set-string", "--api-versions"):
        parser.add_argument(option, action="append", default=[])
    parser.add_argument("--kube-version")
    args = parser.parse_args(argv)

    from koku_gap.sources.helm.engine_python import PythonEngine
    from koku_gap.sources.helm.failures import TemplateFailed
    from koku_gap.sources.helm.job import read_job
    from koku_gap.sources.helm.spec import ChartSpec
    from koku_gap.yaml.loader import DEFAULT_MAX_BYTES

    spec = ChartSpec(
        path=args.chart,
        values=args.values,
        set_values=args.set,
        set_string_values=args.set_string,
        release=args.release,
        namespace=args.namespace,
        api_versions=args.api_versions,
        kube_version=args.kube_version,
    )
    job = read_job(spec, args.release, DEFAULT_MAX_BYTES)
    try:
        rendered = PythonEngine().render(Path(args.chart), job)
    except TemplateFailed as failure:
        print(f"Error: {failure.message}\nUse --debug flag to render out invalid YAML", file=sys.stderr)
        return 1
    except Exception as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 1
    for line in rendered.helm_warnings:
        print(line, file=sys.stderr)
    sys.stdout.write(rendered.text)
    return 0
