"""Helpers of the site scenario: the deployment's own commands on a worker host, run as
an operator would (root, through the client command the celery role installs)."""

from __future__ import annotations

import json
import shlex

from polling import wait_for  # noqa: F401 - the site tests import it from here
from testinfra.host import Host

NAME = "shop"
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
W1, W2 = "longshore-site-w1", "longshore-site-w2"
# w2 is reached over SSH by the playbooks; testinfra cannot render the inventory's
# templated address, so the tests look at it through the container engine.
WORKERS = [f"ansible://{W1}", f"docker://{W2}"]
BROKER_OF = {W1: "rabbitmq", W2: "redis"}
# The Python each worker host runs (Debian 13 and 12).
PYTHON_OF = {W1: "3.13", W2: "3.11"}


def client(host: Host, *args: str, name: str = NAME, timeout: int = 120, stdin: str = "") -> tuple[int, str]:
    """Run the deployment's `longshore-celery` (/usr/local/sbin/<name>-client) as root;
    (rc, stdout+stderr)."""
    command = shlex.join(["timeout", str(timeout), f"/usr/local/sbin/{name}-client", *args])
    if stdin:
        command = f"printf %s {shlex.quote(stdin)} | {command}"
    with host.sudo():
        result = host.run(command)
    return result.rc, result.stdout + result.stderr


def call(
    host: Host, task: str, *args: object, name: str = NAME, wait: bool = True, timeout: int = 90
) -> dict[str, object]:
    """Send ``task`` by name with ``args`` (and wait for it): its id, result, and where it ran."""
    waiting = ["--wait", "60"] if wait else []
    rc, output = client(host, "call", task, "--args", json.dumps(list(args)), *waiting, name=name, timeout=timeout)
    assert rc == 0, output
    return json.loads(output.strip().splitlines()[-1])


def executions(host: Host, run: str, name: str = NAME) -> list[str]:
    """This host's execution records of counting-probe run ``run``."""
    rc, output = client(host, "records", "--run", run, name=name)
    assert rc == 0, output
    return [line for line in output.splitlines() if line.startswith(f"{run} ")]


def report(host: Host, run: str, sent: int, name: str = NAME) -> dict[str, object]:
    rc, output = client(host, "report", "--run", run, "--sent", str(sent), "--json", name=name)
    assert rc == 0, output
    return json.loads(output.strip().splitlines()[-1])
