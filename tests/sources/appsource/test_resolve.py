from __future__ import annotations

from pathlib import Path

import pytest

from koku_gap.model.evidence import AppSource
from koku_gap.sources.appsource import load_app_source
from koku_gap.sources.appsource.index import ModuleInfo


def queue_of(source: AppSource, task: str) -> list[str]:
    found = next(t for t in source.tasks if t.name == task)
    assert found.queue is not None
    return sorted(found.queue.known)


def test_module_constants_imported_constants_and_module_attributes(shop: AppSource) -> None:
    assert queue_of(shop, "orders.tasks.send_reminders") == ["celery"]  # from common.queues import DEFAULT
    assert queue_of(shop, "orders.tasks.place_order") == ["archive"]  # this module's constant
    assert queue_of(shop, "orders.tasks.notify") == ["priority"]  # queues.PRIORITY, a module attribute


def test_enum_members_resolve_to_their_values_with_where_they_are_written(shop: AppSource) -> None:
    archive = next(t for t in shop.tasks if t.name == "orders.tasks.archive")
    assert archive.queue is not None
    (value,) = archive.queue.values
    assert (value.value, value.ref.file, value.ref.text) == (
        "orders_xl",
        "common/queues.py",
        'XL = "orders_xl"',
    )
    assert value.via[0] == "Queue.XL"


def test_a_queue_choosing_helper_gives_the_set_with_each_members_origin(shop: AppSource) -> None:
    sites = {(r.kind, r.place.ref.line): r for r in shop.routing if r.place.module == "orders.tasks"}
    helper = next(r for r in sites.values() if r.kind == "apply_async")
    assert helper.queue is not None and helper.queue.known == {
        "orders",
        "orders_xl",
    }  # get_queue's two returns
    by_value = {v.value: v for v in helper.queue.values}
    assert by_value["orders_xl"].ref.text == 'XL = "orders_xl"'
    assert "get_queue(customer, large)" in by_value["orders_xl"].via
    bound = next(r for r in shop.routing if r.kind == "set" and r.task == "orders.refresh")
    assert bound.queue is not None  # the class passed as an argument picks the members
    assert bound.queue.known == {"refresh", "refresh_xl", "refresh_penalty"}
    xl = next(v for v in bound.queue.values if v.value == "refresh_xl")
    assert xl.via == (
        "customer_queue(customer, RefreshQueue)",
        "queue",
        "queue_class.XL",
        "RefreshQueue.XL",
        '"refresh_xl"',
    )
    defaulted = [r for r in shop.routing if r.kind == "set" and r.queue and "orders_penalty" in r.queue.known]
    assert defaulted and defaulted[0].queue is not None
    assert defaulted[0].queue.known == {"orders", "orders_xl", "orders_penalty"}  # queue_class's default


def test_what_cannot_be_followed_is_an_explicit_unknown(shop: AppSource) -> None:
    site = next(r for r in shop.routing if r.queue and r.queue.expression == "customer.queue_name")
    assert site.queue is not None
    (value,) = site.queue.values
    assert value.value is None and value.reason and "customer.queue_name" in value.reason
    assert site.queue.known == frozenset() and site.queue.unknown == (value,)


def test_env_reads_resolve_to_their_default_and_name_the_variable(shop: AppSource) -> None:
    audit = next(k for k in shop.kafka if k.direction == "produce" and k.call == "produce")
    (topic,) = audit.topics
    assert topic.known == {"shop.audit"}
    assert {v.env for v in topic.values} == {"AUDIT_TOPIC"}
    assert topic.unknown[0].reason == "environment variable AUDIT_TOPIC"


def test_names_defined_in_terms_of_themselves_end_as_unknowns(tmp_path: Path) -> None:
    (tmp_path / "tasks.py").write_text(
        "from celery import shared_task\n"
        "A = B\nB = A\n"
        "def pick(q):\n    return pick(q)\n"
        "@shared_task(queue=A)\ndef one(): pass\n"
        "@shared_task(queue=pick(1))\ndef two(): pass\n"
        "@shared_task(queue=f'q{A}')\ndef three(): pass\n"
    )
    source = load_app_source(tmp_path, cache=False)
    for task in source.tasks:
        assert task.queue is not None and task.queue.known == frozenset(), task.name
        assert all(v.reason for v in task.queue.values)


def test_the_reason_says_what_kind_of_name_was_given_up_on(tmp_path: Path) -> None:
    (tmp_path / "tasks.py").write_text(
        "from celery import shared_task\n"
        "@shared_task(queue=UNDEFINED)\ndef one(): pass\n"
        "@shared_task(queue=None)\ndef two(): pass\n"
    )
    reasons = {
        t.function: t.queue.values[0].reason for t in load_app_source(tmp_path, cache=False).tasks if t.queue
    }
    assert reasons == {"one": "UNDEFINED is not defined in the tree", "two": "not a string: None"}


def test_modules_are_parsed_only_when_a_lookup_needs_them() -> None:
    from koku_gap.sources.appsource.files import SourceFile
    from koku_gap.sources.appsource.reading import parse
    from koku_gap.sources.appsource.resolve import Modules
    from koku_gap.sources.appsource.summary import summarize

    texts = {"a": "import b\nb.go()\n", "b": "def go(): pass\n", "c": "def other(): go()\n", "bad": "x = (\n"}
    files = [SourceFile(f"{n}.py", n, False, t.encode()) for n, t in texts.items()]
    first = {i: parse(f, []) for i, f in enumerate(files)}
    summaries = [None if m is None else summarize(m) for m in first.values()]
    asked: list[str] = []

    def parse_counted(file: SourceFile) -> ModuleInfo | None:
        asked.append(file.module)
        return parse(file, [])

    modules = Modules(files, summaries, {}, parse_counted)
    assert list(modules) == ["c", "b", "a"] and "bad" not in modules and asked == []
    assert [m.name for m in modules.calling("go")] == ["c", "a"] and asked == ["c", "a"]
    assert modules.get("b") is not None and modules.get("nowhere") is None and asked == ["c", "a", "b"]


def test_a_module_that_parsed_in_its_owner_and_not_here_stops_the_read() -> None:
    from koku_gap.sources.appsource.files import SourceFile
    from koku_gap.sources.appsource.resolve import Modules, ParseFailed
    from koku_gap.sources.appsource.summary import Summary

    empty = Summary(frozenset(), frozenset(), frozenset(), frozenset(), frozenset(), frozenset())
    modules = Modules([SourceFile("a.py", "a", False, b"")], [empty], {}, lambda _file: None)
    with pytest.raises(ParseFailed, match=r"a\.py"):
        modules.at(0)
