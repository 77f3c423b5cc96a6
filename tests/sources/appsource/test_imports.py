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


def test_the_at_load_graph_leaves_out_imports_inside_functions(queues: AppSource) -> None:
    # depot/celery.py imports jobs.celery.tasks only inside its worker_process_init hook
    assert "jobs.celery.tasks" in queues.imports["depot.celery"]
    assert "jobs.celery.tasks" not in queues.imports_at_load["depot.celery"]
    assert "jobs.celery.tasks" in queues.reachable("depot.celery")
    assert "jobs.celery.tasks" not in queues.reachable("depot.celery", at_load=True)


def test_an_import_outside_functions_is_in_both_graphs(queues: AppSource) -> None:
    assert queues.imports_at_load["ledger.tasks"] == queues.imports["ledger.tasks"]
    assert "common.queues" in queues.imports_at_load["ledger.tasks"]
    # the management command's import of jobs.batch is at its module level
    assert "jobs.batch" in queues.imports_at_load["jobs.management.commands.rebuild"]
