"""The Celery application: a name and its tasks, no configuration."""

from celery import Celery

app = Celery("plaintasks", include=["plaintasks.tasks"])
