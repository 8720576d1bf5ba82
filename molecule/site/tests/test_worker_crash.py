"""The worker crash drill of side_effect: each worker was killed (SIGKILL to every process
of its unit) while it ran tasks of 2 s from its own broker; systemd started it again."""

from __future__ import annotations

import json

from testinfra.host import Host

from conftest import BROKER_OF, WORKER_UNIT, WORKERS, executions, report

testinfra_hosts = WORKERS

SENT = 40


def run_of(host: Host) -> str:
    return f"crash-{BROKER_OF[host.backend.get_hostname()]}"


def saved(host: Host, name: str) -> object:
    with host.sudo():
        return json.loads(host.file(f"/root/longshore-test/{name}").content_string)


def test_every_task_finished_after_the_crash(host: Host) -> None:
    result = saved(host, "crash-result.json")
    assert result["rc"] == 0, result["output"]
    assert f"all {SENT} finished" in result["output"]


def test_no_task_was_lost_and_only_killed_ones_ran_twice(host: Host) -> None:
    summary = report(host, run_of(host), SENT)
    killed = saved(host, "crash-killed.json")
    assert (summary["completed"], summary["lost"]) == (SENT, 0), summary
    # A task runs twice only if it finished but was not acknowledged when the worker died.
    assert summary["duplicated"] <= len(killed), summary


def test_the_tasks_the_worker_was_running_ran_again(host: Host) -> None:
    killed = saved(host, "crash-killed.json")
    assert killed, "the worker ran no task when it was killed: the drill proved nothing"
    recorded = {line.split()[-1] for line in executions(host, run_of(host))}
    assert set(killed) <= recorded, f"killed tasks that never completed: {set(killed) - recorded}"


def test_systemd_restarted_the_killed_worker(host: Host) -> None:
    # From the journal: later tests restart the worker by hand, which resets NRestarts.
    with host.sudo():
        killed_at = float(host.check_output("stat --format %Y /root/longshore-test/crash-killed.json"))
        journal = host.check_output(f"journalctl --unit {WORKER_UNIT} --output short-unix --no-pager --quiet")
    events = [
        message
        for stamp, _, message in (line.partition(" ") for line in journal.splitlines())
        if float(stamp) >= killed_at - 5
    ]
    killed = next(i for i, m in enumerate(events) if "Main process exited, code=killed, status=9/KILL" in m)
    assert any("Scheduled restart job" in m for m in events[killed:]), events[killed:]
    assert any(f"systemd[1]: Started {WORKER_UNIT}" in m for m in events[killed:]), events[killed:]
