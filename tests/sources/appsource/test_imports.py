from __future__ import annotations

from koku_gap.model.evidence import AppSource


def test_imports_resolve_within_the_tree_with_their_parent_packages(shop: AppSource) -> None:
    assert shop.imports["orders.tasks"] == ("common", "common.queues", "shop", "shop.celery")
    assert shop.imports["shop"] == ("shop.celery",)  # from .celery import app
    assert "celery" not in {m for targets in shop.imports.values() for m in targets}  # outside the tree


def test_reachable_answers_does_this_process_import_that_module(shop: AppSource) -> None:
    command = shop.reachable("orders.management.commands.listen")
    assert "events.kafka" in command and "orders.tasks" not in command
    assert "orders.tasks" not in shop.reachable("shop.celery")  # include= is Celery's, not an import
    assert "shop.celery" in shop.reachable("orders.tasks")
