"""The Celery application. Configuration comes from the environment only.

The settings are read when Celery first needs its configuration (a worker, beat or a
client starting), not at import: the module imports anywhere, with or without an
environment. A missing or bad setting stops the process with one line naming it.
"""

from __future__ import annotations

import os
import sys

from celery import Celery

from longshore_app import settings

# The broker connection retries at most a second apart (longshore_app.connection).
app = Celery("longshore_app", include=["longshore_app.tasks"], amqp="longshore_app.connection:AMQP")


def _configure(_sender: Celery | None = None, **_kwargs: object) -> None:
    try:
        loaded = settings.load(os.environ)
    except settings.SettingError as error:
        # One line, no traceback: systemd's journal shows why the unit did not start.
        print(f"longshore-app: {error}", file=sys.stderr)
        raise SystemExit(78) from None  # EX_CONFIG
    app.conf.update(loaded.celery_config())
    app.conf.longshore_state_dir = loaded.state_dir


app.on_configure.connect(_configure, weak=False)
