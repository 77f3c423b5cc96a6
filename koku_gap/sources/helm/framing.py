"""What ``helm template`` does after rendering (Helm 4's ``releaseutil.SortManifests`` and install
action), for an engine that returns each template's raw output: drop ``NOTES.txt``, partials and
whitespace-only templates, split documents, put hooks after the other objects, order both by kind
(Helm's install order) and frame each document as ``---\n# Source: <chart>/templates/<path>\n<doc>\n``.
The text is the same, byte for byte, as Helm 4's ``helm template`` prints.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from ruamel.yaml.error import YAMLError
from ruamel.yaml.events import (
    AliasEvent,
    CollectionEndEvent,
    CollectionStartEvent,
    MappingStartEvent,
    ScalarEvent,
)

from koku_gap.sources.helm.chart_files import is_partial
from koku_gap.sources.helm.failures import TemplateFailed
from koku_gap.yaml.events import parser_events, skip_node
from koku_gap.yaml.loader import source_comments

# Helm 4 pkg/release/v1/util/kind_sorter.go: InstallOrder
INSTALL_ORDER: tuple[str, ...] = (
    "PriorityClass",
    "Namespace",
    "NetworkPolicy",
    "ResourceQuota",
    "LimitRange",
    "PodSecurityPolicy",
    "PodDisruptionBudget",
    "ServiceAccount",
    "Secret",
    "SecretList",
    "ConfigMap",
    "StorageClass",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "CustomResourceDefinition",
    "ClusterRole",
    "ClusterRoleList",
    "ClusterRoleBinding",
    "ClusterRoleBindingList",
    "Role",
    "RoleList",
    "RoleBinding",
    "RoleBindingList",
    "Service",
    "DaemonSet",
    "Pod",
    "ReplicationController",
    "ReplicaSet",
    "Deployment",
    "HorizontalPodAutoscaler",
    "StatefulSet",
    "Job",
    "CronJob",
    "IngressClass",
    "Ingress",
    "APIService",
    "MutatingWebhookConfiguration",
    "ValidatingWebhookConfiguration",
)
_KIND_RANK = {kind: rank for rank, kind in enumerate(INSTALL_ORDER)}
# Helm 4 pkg/release/v1/util/manifest_sorter.go: the hook events it knows ("test-success" is Helm 2's)
HOOK_EVENTS = frozenset(
    {
        "pre-install",
        "post-install",
        "pre-delete",
        "post-delete",
        "pre-upgrade",
        "post-upgrade",
        "pre-rollback",
        "post-rollback",
        "test",
        "test-success",
    }
)
HOOK_ANNOTATION = "helm.sh/hook"
# Go's unicode.IsSpace, and RE2's \s (ASCII only) for SplitManifests' separator
_GO_SPACE = (
    "\t\n\v\f\r \x85\xa0\u1680" + "".join(map(chr, range(0x2000, 0x200B))) + "\u2028\u2029\u202f\u205f\u3000"
)
_RE2_SPACE = frozenset("\t\n\f\r ")


@dataclass(frozen=True)
class DroppedHook:
    """An object whose ``helm.sh/hook`` names an event Helm does not know: Helm leaves it out."""

    template: str
    kind: str
    name: str
    hook: str


def frame_like_helm_template(files: Mapping[str, str]) -> tuple[str, list[DroppedHook]]:
    """Rendered templates -> ``helm template``'s text (Helm 4 ``SortManifests`` + install action)."""
    generic: list[tuple[str, str, str]] = []  # (kind, template, document)
    hooks: list[tuple[str, str, str]] = []
    dropped: list[DroppedHook] = []
    for template in sorted(files):
        content = files[template]
        if template.endswith("NOTES.txt") or is_partial(template):
            continue
        if not content.strip(_GO_SPACE):
            continue
        for document in split_manifests(content):
            kind, name, annotations = manifest_head(document, template)
            hook = annotations.get(HOOK_ANNOTATION) if annotations is not None else None
            if hook is None:
                generic.append((kind, template, document))
                continue
            events = [event.strip().lower() for event in hook.split(",")]
            if not all(event in HOOK_EVENTS for event in events):
                dropped.append(DroppedHook(template=template, kind=kind, name=name, hook=hook))
                continue
            hooks.append((kind, template, document))
    ordered = sorted(generic, key=_kind_order) + sorted(hooks, key=_kind_order)
    text = "".join(f"---\n# Source: {template}\n{document}\n" for _, template, document in ordered)
    return text, dropped


def split_manifests(content: str) -> list[str]:
    """Helm 4 ``releaseutil.SplitManifests``: documents in order, leading whitespace trimmed.

    Helm splits on the regular expression ``(?:^|\\s*\\n)---\\s*`` (RE2: ``\\s`` is ASCII whitespace).
    Python's backtracking engine is slow on it across indentation, so the matches are found directly:
    each ``\\n---`` after the previous match, widened to the whitespace before it and after it.
    """
    text = content.lstrip(_GO_SPACE)
    documents: list[str] = []
    start = 0
    if text.startswith("---"):
        documents.append("")
        start = _after_space(text, 3)
    while (newline := text.find("\n---", start)) >= 0:
        begin = newline
        while begin > start and text[begin - 1] in _RE2_SPACE:
            begin -= 1
        documents.append(text[start:begin])
        start = _after_space(text, newline + 4)
    documents.append(text[start:])
    return [d.lstrip(_GO_SPACE) for d in documents if d.strip(_GO_SPACE)]


def _after_space(text: str, index: int) -> int:
    while index < len(text) and text[index] in _RE2_SPACE:
        index += 1
    return index


def _kind_order(item: tuple[str, str, str]) -> tuple[int, int, str]:
    """``lessByKind``: install order, unknown kinds last and alphabetical; the sort is stable."""
    rank = _KIND_RANK.get(item[0])
    return (0, rank, "") if rank is not None else (1, 0, item[0])


def manifest_head(document: str, template: str) -> tuple[str, str, dict[str, str] | None]:
    """Helm's ``SimpleHead`` of a document: kind, metadata.name and metadata.annotations.

    Reads parser events only until both ``kind`` and ``metadata`` are seen (they open nearly every
    manifest), so the rest of the document is parsed once, later, by the manifests reader.
    """
    try:
        with parser_events(document) as events:
            return _head(events)
    except YAMLError as exc:
        raise TemplateFailed(
            f"YAML parse error on {template}: {' '.join(str(exc).split())}", template, None, None
        ) from None


def _head(events: Iterator[Any]) -> tuple[str, str, dict[str, str] | None]:
    kind = name = ""
    annotations: dict[str, str] | None = None
    seen_kind = seen_metadata = False
    try:
        for event in events:
            if isinstance(event, CollectionStartEvent):
                if not isinstance(event, MappingStartEvent):
                    return kind, name, annotations  # not a mapping: the manifests reader says so
                break
            if isinstance(event, ScalarEvent | AliasEvent):
                return kind, name, annotations
        while not (seen_kind and seen_metadata):
            key = next(events)
            if isinstance(key, CollectionEndEvent):
                break
            if not isinstance(key, ScalarEvent):
                skip_node(events, key)
                skip_node(events, next(events))
                continue
            value = next(events)
            if key.value == "kind":
                seen_kind = True
                kind = value.value if isinstance(value, ScalarEvent) else ""
                skip_node(events, value)
            elif key.value == "metadata" and isinstance(value, MappingStartEvent):
                seen_metadata = True
                name, annotations = _metadata(events)
            else:
                skip_node(events, value)
    except StopIteration:
        pass
    return kind, name, annotations


def _metadata(events: Iterable[Any]) -> tuple[str, dict[str, str] | None]:
    """The rest of a ``metadata`` mapping: its name and annotations (scalar values as written)."""
    iterator = iter(events)
    name = ""
    annotations: dict[str, str] | None = None
    for key in iterator:
        if isinstance(key, CollectionEndEvent):
            break
        value = next(iterator)
        if isinstance(key, ScalarEvent) and key.value == "name" and isinstance(value, ScalarEvent):
            name = value.value
        elif (
            isinstance(key, ScalarEvent)
            and key.value == "annotations"
            and isinstance(value, MappingStartEvent)
        ):
            annotations = {}
            for item in iterator:
                if isinstance(item, CollectionEndEvent):
                    break
                item_value = next(iterator)
                if isinstance(item, ScalarEvent) and isinstance(item_value, ScalarEvent):
                    annotations[item.value] = item_value.value
                else:
                    skip_node(iterator, item)
                    skip_node(iterator, item_value)
        else:
            skip_node(iterator, key)
            skip_node(iterator, value)
    return name, annotations


def template_at(text: str, line: int) -> str | None:
    """The ``# Source:`` template a line of a rendered stream belongs to."""
    found = None
    for at, path in source_comments(text):
        if at > line:
            break
        found = path
    return found
