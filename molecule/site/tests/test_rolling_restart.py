"""playbooks/rolling-restart.yml under load (side_effect): each worker host's broker got a
paced load of counting probes that ran through the whole rollout of the shop's 1.0.1."""

from __future__ import annotations

import datetime
import json
import re
from pathlib import Path

import pytest
import testinfra
from testinfra.host import Host

from conftest import BROKER_OF, NAME, WORKER_LOG, WORKER_UNIT, WORKERS, client, report

testinfra_hosts = WORKERS

LOG_STAMP = re.compile(r"^\[(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d),(\d{3}): ")
LOAD = json.loads((Path(__file__).resolve().parents[1] / "load.json").read_text())


def load_result(host: Host) -> dict[str, object]:
    with host.sudo():
        return json.loads(host.file("/root/longshore-test/load-result.json").content_string)


def test_every_task_of_the_load_finished(host: Host) -> None:
    result = load_result(host)
    assert result["rc"] == 0, result["output"]
    assert f"all {LOAD['count']} finished" in str(result["output"])


def test_every_task_of_the_load_ran_exactly_once(host: Host) -> None:
    run = f"rolling-{BROKER_OF[host.backend.get_hostname()]}"
    summary = report(host, run, LOAD["count"])
    assert (summary["completed"], summary["lost"], summary["duplicated"]) == (LOAD["count"], 0, 0), summary


def test_the_rollout_restarted_the_worker(host: Host) -> None:
    with host.sudo():
        before = host.file("/root/longshore-test/worker-pid-before").content_string.strip()
        now = host.check_output(f"systemctl show --property=MainPID --value {WORKER_UNIT}")
    assert before not in ("", "0")
    assert now not in ("0", before)


def test_the_worker_is_back_and_consumes_its_queue(host: Host) -> None:
    rc, output = client(host, "ping")
    assert rc == 0, output
    with host.sudo():
        node = f"default@{host.check_output('hostname --short')}"
        queues = host.check_output(
            f"/usr/local/sbin/{NAME}-celery inspect active_queues --destination {node} --json --timeout 10"
        )
    assert [queue["name"] for queue in json.loads(queues)[node]] == ["default"]


def unit_events(host: Host, since: float) -> list[tuple[float, str]]:
    """(time, Stopping|Started) of the worker unit since ``since``, from the journal."""
    with host.sudo():
        journal = host.check_output(f"journalctl --unit {WORKER_UNIT} --output short-unix --no-pager --quiet")
    events = []
    for line in journal.splitlines():
        stamp, _, message = line.partition(" ")
        for word in ("Stopping", "Started"):
            if f"systemd[1]: {word} " in message and float(stamp) >= since:
                events.append((float(stamp), word))
    return events


def rollout_started(host: Host) -> float:
    """When side_effect started the load (it wrote the worker's PID then)."""
    with host.sudo():
        return float(host.check_output("stat --format %Y /root/longshore-test/worker-pid-before"))


def cancellations(host: Host) -> list[float]:
    """Times of the worker log's "Canceling queue default" lines (the host's local time)."""
    offset = host.check_output("date +%z")
    with host.sudo():
        lines = host.check_output(f"zcat -f {WORKER_LOG}*").splitlines()
    stamps = []
    for line in lines:
        match = LOG_STAMP.match(line)
        if match and "Canceling queue default" in line:
            local = datetime.datetime.strptime(f"{match[1]}.{match[2]}000 {offset}", "%Y-%m-%d %H:%M:%S.%f %z")
            stamps.append(local.timestamp())
    return stamps


def test_the_worker_stopped_consuming_before_it_stopped(host: Host) -> None:
    started = rollout_started(host)
    stop = next(t for t, word in unit_events(host, started) if word == "Stopping")
    cancelled = [t for t in cancellations(host) if started <= t <= stop]
    assert cancelled, f"no consumer was cancelled between the load's start and the worker's stop at {stop}"


def test_the_hosts_were_restarted_one_at_a_time(request: pytest.FixtureRequest) -> None:
    inventory = request.config.option.ansible_inventory
    hosts = [testinfra.get_host(spec, ansible_inventory=inventory) for spec in WORKERS]
    started = rollout_started(hosts[0])
    windows = []
    for host in hosts:
        events = unit_events(host, started)
        stop = next(t for t, word in events if word == "Stopping")
        back = next(t for t, word in events if word == "Started" and t > stop)
        windows.append((stop, back))
    first, second = sorted(windows)
    assert first[1] < second[0], f"worker restarts overlapped: {windows}"
