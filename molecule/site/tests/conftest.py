"""Helpers for the Celery scenario: the application's client, run on a worker host as
the service user with the deployed environment file, as an operator would."""

from __future__ import annotations

import json
import shlex
import time

from testinfra.host import Host

NAME = "longshore-app"
HOME = f"/opt/{NAME}"
CURRENT = f"{HOME}/current"
CONF_DIR = f"/etc/{NAME}"
ENV_FILE = f"{CONF_DIR}/{NAME}.env"
STATE_DIR = f"/var/lib/{NAME}"
LOG_DIR = f"/var/log/{NAME}"
WORKER_UNIT = f"{NAME}-worker@default.service"
BEAT_UNIT = f"{NAME}-beat.service"
FLOWER_UNIT = f"{NAME}-flower.service"
WORKER_LOG = f"{LOG_DIR}/worker-default.log"
TASK_TIME_LIMIT = 60
# Test values only (molecule.yml).
SECRETS = [
    "celery-rabbitmq-password-for-tests-01",
    "redis-celery-password-for-tests-02",
    "sentinel-celery-password-for-tests-06",
    "flower-admin-password-for-tests-07",
]
WORKERS = ["ansible://longshore-site-w1", "ansible://longshore-site-w2"]
BROKER_OF = {"longshore-site-w1": "rabbitmq", "longshore-site-w2": "redis"}


def app_client(host: Host, *args: str, env_file: str = ENV_FILE, timeout: int = 120) -> tuple[int, str]:
    """Run `longshore-app --env-file ENV_FILE ARGS` as the service user; (rc, stdout+stderr)."""
    command = shlex.join(["timeout", str(timeout), f"{CURRENT}/bin/longshore-app", "--env-file", env_file, *args])
    with host.sudo():
        result = host.run(f"runuser -u {NAME} -- {command}")
    return result.rc, result.stdout + result.stderr


def executions(host: Host, run: str) -> list[str]:
    """This host's execution records of counting-task run ``run``."""
    with host.sudo():
        path = host.file(f"{STATE_DIR}/executions/{run}.log")
        return path.content_string.splitlines() if path.exists else []


def report(host: Host, run: str, sent: int) -> dict[str, object]:
    rc, output = app_client(host, "report", "--run", run, "--sent", str(sent), "--json")
    assert rc == 0, output
    return json.loads(output.strip().splitlines()[-1])


def wait_for(condition, timeout: float, interval: float = 1.0) -> bool:  # noqa: ANN001
    """Poll ``condition`` until it is true or ``timeout`` seconds pass."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return bool(condition())
