"""The Celery application: its own name, tasks and schedule; the platform does the rest.

``longshore_celery.configure`` gives it the deployment's broker, result backend, TLS,
queues and safety settings when Celery first reads the configuration, so the module
imports anywhere, with or without an environment.
"""

from __future__ import annotations

from celery import Celery

import longshore_celery

app = Celery("longshore_app", include=["longshore_app.tasks"])
# The application's own choice, which the platform leaves alone: one periodic task, so
# the single beat can be seen sending on schedule.
app.conf.beat_schedule = {
    "heartbeat": {"task": "longshore_app.tasks.heartbeat", "schedule": 60.0, "options": {"expires": 55}},
}
longshore_celery.configure(app)
