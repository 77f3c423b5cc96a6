"""What the Markdown report is made of, as the tests that check its structure expect it."""

# Its second-level sections, in order (a section with nothing to say is left out).
SECTIONS = (
    "Executive summary",
    "Deployment comparison matrix",
    "Gaps in detail",
    "Priority fixes",
    "Drift in matched components",
    "What the chart does better, and what else it runs",
    "Policy evidence",
    "Celery queue coverage",
    "Platform services",
    "Kafka topics",
    "Component graph",
    "Warnings",
    "Next steps",
)
