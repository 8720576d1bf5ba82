"""longshore-celery: the Celery configuration of a Longshore deployment, for any application.

One line gives an application the platform's broker, result backend and safety settings::

    import longshore_celery
    longshore_celery.configure(app)

It may come before or after ``app.config_from_object(...)`` (a Django project's
``config_from_object('django.conf:settings', namespace='CELERY')`` included): the
platform's values win for the broker, the result backend, TLS, serialisation, queues and
time limits (``Settings.enforced``); for the rest (``Settings.defaults``), a value the
application sets itself stands. Nothing is read until Celery first needs its
configuration, so the module imports anywhere, with or without an environment. A missing
or bad setting then stops the process with one line naming the variable (exit 78).

An application that configures nothing at all needs no line: the units set
``CELERY_CONFIG_MODULE=longshore_celery.config``, which Celery reads for an application
without a configuration source of its own.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from typing import Any

from longshore_celery import settings

__all__ = ["EX_CONFIG", "configure", "load_or_exit"]
__version__ = "0.2.0"

# sysexits.h EX_CONFIG: the units do not restart a process that exits with it.
EX_CONFIG = 78
# Marks an application configure() already set up.
_CONFIGURED = "_longshore_celery_configured"


def load_or_exit(env: Mapping[str, str] | None = None) -> settings.Settings:
    """Read the settings from ``env`` (default: the process environment).

    Raises SystemExit(78) after printing one line naming the bad variable to stderr.
    """
    try:
        return settings.load(os.environ if env is None else env)
    except settings.SettingError as error:
        print(f"longshore-celery: {error}", file=sys.stderr)
        raise SystemExit(EX_CONFIG) from None


def configure(app: Any) -> Any:  # noqa: ANN401 - a celery.Celery; typed loosely so Celery stays lazy
    """Give ``app`` the platform's configuration when it is first read; returns ``app``.

    Registers the platform's probe tasks (``longshore.probe.*``) on it. Calling it twice
    on one application changes nothing.
    """
    if getattr(app, _CONFIGURED, False):
        return app
    setattr(app, _CONFIGURED, True)
    from longshore_celery import probes

    probes.register()

    def enforce(sender: Any = None, **_kwargs: object) -> None:  # noqa: ANN401
        loaded = load_or_exit()
        if loaded.uses_redis:
            from longshore_celery import failover

            failover.install()
        # Before the configuration is read, app.conf.update() lands in the values set in
        # code, which win over any configuration source (Celery's PendingConfiguration).
        app.conf.update(loaded.enforced())
        app.conf.longshore_state_dir = loaded.state_dir

    def recommend(sender: Any = None, source: Any = None, **_kwargs: object) -> None:  # noqa: ANN401
        from longshore_celery.connection import Connection

        conf = app.conf
        for key, value in load_or_exit().defaults().items():
            if not _set_by_application(app, key):
                conf[key] = value
        app.amqp.Connection = Connection

    app.on_configure.connect(enforce, weak=False)
    app.on_after_configure.connect(recommend, weak=False)
    return app


def _set_by_application(app: Any, key: str) -> bool:  # noqa: ANN401
    """Whether the application's own configuration sets ``key``: in code, or in its
    configuration source under Celery's name or its namespaced form (CELERY_TASK_ACKS_LATE)."""
    if key in app.conf.changes:
        return True
    source = app.loader.conf or {}
    names = {key, key.upper()}
    if app.namespace:
        names.add(f"{app.namespace}_{key}".upper())
    return any(name in source for name in names)
