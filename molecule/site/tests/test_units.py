"""The units: warm stop inside the time limit, restart on failure, sandbox, one beat."""

from __future__ import annotations

import pytest
from testinfra.host import Host

from conftest import BEAT_UNIT, FLOWER_UNIT, NAME, TASK_TIME_LIMIT, WORKER_UNIT, WORKERS
from probes import denied_calls_in_journal, exposure_score

testinfra_hosts = WORKERS


def unit_property(host: Host, unit: str, name: str) -> str:
    return host.run(f"systemctl show --property {name} --value {unit}").stdout.strip()


def test_the_worker_stops_its_main_process_first(host: Host) -> None:
    assert unit_property(host, WORKER_UNIT, "KillMode") == "mixed"


def test_the_stop_timeout_is_above_the_task_time_limit(host: Host) -> None:
    shown = unit_property(host, WORKER_UNIT, "TimeoutStopUSec")
    span = host.run(f"systemd-analyze timespan '{shown}'").stdout
    microseconds = int(next(line for line in span.splitlines() if line.strip().startswith("μs:")).split(":")[1])
    assert microseconds / 1_000_000 >= TASK_TIME_LIMIT + 10


def test_a_failed_worker_is_restarted(host: Host) -> None:
    assert unit_property(host, WORKER_UNIT, "Restart") == "on-failure"
    # Within a second (celery_worker_restart_sec): a worker that lost its Redis master
    # exits, and must be back once Sentinel has promoted a replica.
    assert unit_property(host, WORKER_UNIT, "RestartUSec") == "1s"


def test_a_worker_that_refused_its_settings_is_not_restarted(host: Host) -> None:
    assert unit_property(host, WORKER_UNIT, "RestartPreventExitStatus") == "78"


def test_the_worker_unit_is_within_the_exposure_bar(host: Host) -> None:
    assert exposure_score(host, WORKER_UNIT) <= 1.5


def test_the_workers_answer_the_operators_command(host: Host) -> None:
    with host.sudo():
        result = host.run(f"/usr/local/sbin/{NAME}-celery inspect ping --timeout 10")
    assert result.rc == 0, result.stdout + result.stderr
    assert f"default@{host.backend.get_hostname()}: OK" in result.stdout


def test_no_operation_was_refused_by_the_sandbox(host: Host) -> None:
    assert denied_calls_in_journal(host, WORKER_UNIT, BEAT_UNIT, FLOWER_UNIT) == []


@pytest.mark.parametrize("unit", [BEAT_UNIT, FLOWER_UNIT])
def test_beat_and_flower_run_only_where_enabled(host: Host, unit: str) -> None:
    expected = "active" if host.backend.get_hostname() == "longshore-site-w1" else "inactive"
    assert host.run(f"systemctl is-active {unit}").stdout.strip() == expected
    assert host.file(f"/etc/systemd/system/{unit}").exists == (expected == "active")
