from __future__ import annotations

from koku_gap.model.evidence import AppSource


def test_commands_celery_apps_wsgi_and_scripts(shop: AppSource) -> None:
    found = {(e.kind, e.name, e.place.ref.file) for e in shop.entry_points}
    assert found == {
        ("main-script", "manage", "manage.py"),
        ("management-command", "listen", "orders/management/commands/listen.py"),
        ("celery-app", "app", "shop/celery.py"),
        ("wsgi", "shop.wsgi:application", "shop/wsgi.py"),
    }
    command = next(e for e in shop.entry_points if e.kind == "management-command")
    assert command.place.ref.text == "class Command(BaseCommand):"
