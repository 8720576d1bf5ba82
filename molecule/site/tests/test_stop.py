"""Stopping a worker while it runs a task lets the task finish (KillMode=mixed, warm
shutdown, TimeoutStopSec above the time limit): the task ran exactly once, to its end."""

from __future__ import annotations

import json
import time
import uuid

from testinfra.host import Host

from conftest import NAME, WORKER_UNIT, WORKERS, client, executions, wait_for

testinfra_hosts = WORKERS

TASK_SECONDS = 15


def active_tasks(host: Host) -> int:
    with host.sudo():
        result = host.run(
            f"/usr/local/sbin/{NAME}-celery inspect active --destination default@$(hostname) --json --timeout 5"
        )
    if result.rc != 0:
        return 0
    return sum(len(tasks) for tasks in json.loads(result.stdout.strip().splitlines()[-1]).values())


def test_stopping_the_worker_lets_the_running_task_finish(host: Host) -> None:
    run = f"stop-{uuid.uuid4().hex[:8]}"
    rc, output = client(
        host,
        "send",
        "--run",
        run,
        "--count",
        "1",
        "--queues",
        "default",
        "--long-every",
        "1",
        "--long-seconds",
        str(TASK_SECONDS),
    )
    assert rc == 0, output
    assert wait_for(lambda: active_tasks(host) == 1, timeout=30)
    with host.sudo():
        started = time.monotonic()
        stop = host.run(f"systemctl stop {WORKER_UNIT}")
        stopped_after = time.monotonic() - started
        host.run(f"systemctl start {WORKER_UNIT}")
    assert stop.rc == 0
    records = executions(host, run)
    # The record is written when the task ends: it was there as soon as the stop returned.
    assert len(records) == 1, records
    assert stopped_after > 5  # the stop waited for the task instead of killing it
    # Nothing was redelivered after the restart either.
    assert wait_for(lambda: active_tasks(host) == 0 and client(host, "connect")[0] == 0, timeout=60)
    time.sleep(3)
    assert len(executions(host, run)) == 1
