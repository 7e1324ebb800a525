"""A deployment check: no live task is given to a second worker."""

from __future__ import annotations

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.compatibility, deploy=True)
def task_timeouts(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """The broker's visibility timeout and the import claim timeout must outlast the longest task."""
    limit = settings.CELERY_TASK_TIME_LIMIT
    found = []
    for name, value in (
        ("CELERY_BROKER_VISIBILITY_TIMEOUT", settings.BROKER_VISIBILITY_TIMEOUT),
        ("IMPORT_CLAIM_TIMEOUT_SECONDS", settings.IMPORT_CLAIM_TIMEOUT_SECONDS),
    ):
        if value <= limit:
            found.append(
                checks.Warning(
                    f"{name} ({value} s) is not longer than CELERY_TASK_TIME_LIMIT ({limit} s): "
                    "a task still running could be given to a second worker.",
                    id="giaingan.W101",
                )
            )
    return found
