"""Small git repositories of our own, committed in steps: a tiny chart ("kiosk", fictional) and the
ClowdApp it replaces, to walk with ``history()``.

The ClowdApp has an API and a Kafka listener (``manage.py listener``: a Kafka consumer, P0 when the
chart lacks it). The chart has both, each in its own template; ``route.yaml`` (``with_route``) fails
offline unless ``domain`` is set, as charts that read the cluster do.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

CLOWDAPP = """\
apiVersion: template.openshift.io/v1
kind: Template
metadata:
  name: kiosk
objects:
- apiVersion: cloud.redhat.com/v1alpha1
  kind: ClowdApp
  metadata:
    name: kiosk
  spec:
    envName: kiosk-env
    deployments:
    - name: api
      webServices:
        public:
          enabled: true
      podSpec:
        image: quay.io/example/kiosk:latest
        command: ["gunicorn", "kiosk.wsgi"]
    - name: listener
      podSpec:
        image: quay.io/example/kiosk:latest
        command: ["python", "manage.py", "listener"]
"""

CHART_YAML = "apiVersion: v2\nname: kiosk\nversion: 0.1.0\n"
VALUES = 'image: quay.io/example/kiosk:latest\ndomain: ""\n'


def deployment(name: str, command: str) -> str:
    return f"""\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{{{ .Release.Name }}}}-{name}
spec:
  selector:
    matchLabels:
      app: {name}
  template:
    metadata:
      labels:
        app: {name}
    spec:
      containers:
        - name: {name}
          image: {{{{ .Values.image }}}}
          command: {command}
"""


ROUTE = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-route
data:
  host: {{ required "kiosk needs the cluster domain: set domain" .Values.domain | quote }}
"""


def chart(
    directory: str = "kiosk", *, listener: bool = True, with_route: bool = False, note: str = ""
) -> dict[str, str | None]:
    """The chart's files under ``directory`` (None deletes a file): the listener's template only
    with ``listener``, the failing route with ``with_route``; ``note`` changes the tree, not the render."""
    files: dict[str, str | None] = {
        f"{directory}/Chart.yaml": CHART_YAML,
        f"{directory}/values.yaml": VALUES,
        f"{directory}/README.md": f"kiosk chart{note}\n",
        f"{directory}/templates/api.yaml": deployment(
            "api", '["gunicorn", "kiosk.wsgi", "--bind", "0.0.0.0:8000"]'
        ),
        f"{directory}/templates/listener.yaml": deployment("listener", '["python", "manage.py", "listener"]')
        if listener
        else None,
        f"{directory}/templates/route.yaml": ROUTE if with_route else None,
    }
    return files


class ChartRepo:
    """A git repository in ``root``, committed in steps with fixed dates (one day apart)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.day = 0
        root.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "-b", "main")
        self.git("config", "user.email", "test@example.com")
        self.git("config", "user.name", "Test")

    def git(self, *args: str) -> str:
        env = {**os.environ, "GIT_AUTHOR_DATE": self._date(), "GIT_COMMITTER_DATE": self._date()}
        done = subprocess.run(
            ["git", *args], cwd=self.root, env=env, check=True, capture_output=True, text=True
        )
        return done.stdout.strip()

    def _date(self) -> str:
        return f"2026-01-{1 + self.day:02d}T12:00:00+00:00"

    def commit(
        self, subject: str, files: dict[str, str | None] | None = None, *, clear: str | None = None
    ) -> str:
        """Write (or, for None, delete) ``files``, removing directory ``clear`` first; commit; the sha."""
        if clear is not None:
            self.git("rm", "-r", "-q", "--ignore-unmatch", clear)
        for name, text in (files or {}).items():
            path = self.root / name
            if text is None:
                if path.exists():
                    path.unlink()
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        self.git("add", "-A")
        self.day += 1
        self.git("commit", "-q", "--allow-empty", "-m", subject)
        return self.git("rev-parse", "HEAD")

    def tree(self, sha: str, path: str) -> str:
        return self.git("rev-parse", f"{sha}:{path}")


def write_clowdapp(directory: Path) -> Path:
    path = directory / "clowdapp.yaml"
    path.write_text(CLOWDAPP, encoding="utf-8")
    return path


def story(root: Path) -> tuple[ChartRepo, dict[str, str]]:
    """The walk most tests read: each step's sha by name.

    readme (no chart) -> chart (old/, all there) -> note (old/, tree changes, render does not) ->
    drop-listener (the listener's template removed: P0 opened) -> revert (closed) -> rename (old/ ->
    kiosk/, the same tree) -> route (fails offline) -> domain (values give the domain: renders again).
    """
    repo = ChartRepo(root)
    steps = {"readme": repo.commit("readme", {"README.md": "kiosk\n"})}
    steps["chart"] = repo.commit("add the chart", chart("old"))
    steps["note"] = repo.commit("chart readme", chart("old", note=" (notes)"))
    steps["drop-listener"] = repo.commit("drop the listener", chart("old", listener=False, note=" (notes)"))
    steps["revert"] = repo.commit('Revert "drop the listener"', chart("old", note=" (notes)"))
    steps["rename"] = repo.commit("rename old/ to kiosk/", chart("kiosk", note=" (notes)"), clear="old")
    steps["route"] = repo.commit("add a route", chart("kiosk", note=" (notes)", with_route=True))
    fixed = {
        **chart("kiosk", note=" (notes)", with_route=True),
        "kiosk/values.yaml": VALUES.replace('""', "apps.example.com"),
    }
    steps["domain"] = repo.commit("give the route its domain", fixed)
    return repo, steps
