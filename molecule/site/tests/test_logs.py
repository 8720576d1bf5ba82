"""Logs: the logrotate configuration is valid, and a rotation while the worker runs
loses no line and restarts nothing (Celery reopens the renamed file by itself)."""

from __future__ import annotations

import uuid

from testinfra.host import Host

from conftest import LOG_DIR, NAME, WORKER_UNIT, WORKERS, client, executions, wait_for

testinfra_hosts = WORKERS

TASKS = 300


def succeeded_lines(host: Host) -> int:
    """Log lines of finished counting tasks, across the current and the rotated logs."""
    with host.sudo():
        result = host.run(f"zcat -f {LOG_DIR}/worker-default.log* | grep -c 'longshore.probe.count\\[.*succeeded'")
    return int(result.stdout.strip() or 0)


def test_logrotate_accepts_the_configuration(host: Host) -> None:
    with host.sudo():
        result = host.run(f"logrotate --debug /etc/logrotate.d/{NAME}")
    assert result.rc == 0, result.stderr


def test_a_rotation_under_load_loses_no_line_and_restarts_nothing(host: Host) -> None:
    pid_before = host.run(f"systemctl show --property MainPID --value {WORKER_UNIT}").stdout.strip()
    lines_before = succeeded_lines(host)
    with host.sudo():
        inode_before = host.run(f"stat -c %i {LOG_DIR}/worker-default.log").stdout.strip()
    run = f"rotate-{uuid.uuid4().hex[:8]}"
    rc, output = client(host, "send", "--run", run, "--count", str(TASKS), "--queues", "default")
    assert rc == 0, output
    with host.sudo():
        rotate = host.run(f"logrotate --force /etc/logrotate.d/{NAME}")
    assert rotate.rc == 0, rotate.stderr
    assert wait_for(lambda: len(executions(host, run)) >= TASKS, timeout=120)
    assert wait_for(lambda: succeeded_lines(host) >= lines_before + TASKS, timeout=30)
    assert succeeded_lines(host) == lines_before + TASKS
    with host.sudo():
        inode_after = host.run(f"stat -c %i {LOG_DIR}/worker-default.log").stdout.strip()
        current = host.file(f"{LOG_DIR}/worker-default.log")
        assert current.user == NAME
        assert current.mode == 0o640
    assert inode_after != inode_before
    # The new file grows: the worker reopened it.
    assert wait_for(lambda: "longshore.probe.count" in host.file(f"{LOG_DIR}/worker-default.log").content_string, 30)
    assert host.run(f"systemctl show --property MainPID --value {WORKER_UNIT}").stdout.strip() == pid_before
