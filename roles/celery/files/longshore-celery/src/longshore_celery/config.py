"""A Celery configuration module: ``CELERY_CONFIG_MODULE=longshore_celery.config``.

Celery reads it for an application that has no configuration source of its own (no
``config_from_object``), so an application that configures nothing gets the platform's
whole configuration (``Settings.celery_config``) from the units with no line of code. It
also registers the probe tasks. A bad or missing setting stops the process with one line
naming the variable (exit 78).
"""

from __future__ import annotations

from longshore_celery import failover, load_or_exit, probes

probes.register()
_settings = load_or_exit()
if _settings.uses_redis:
    failover.install()
globals().update(_settings.celery_config())
longshore_state_dir = _settings.state_dir
