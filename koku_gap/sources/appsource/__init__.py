"""The application's own source as evidence: Celery, Kafka, settings and entry points, read with ``ast``."""

from koku_gap.sources.appsource.loader import load_app_source

__all__ = ["load_app_source"]
