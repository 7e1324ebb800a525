"""The Celery app. Without a broker URL, tasks run in-process (the embedded default)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("giaingan")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
