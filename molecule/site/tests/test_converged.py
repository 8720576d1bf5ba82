"""site.yml stops after one check when nothing changed since its last complete run
(roles/converged): a run without a record runs every role and leaves one; the next run
stops after the check; the check names a drifted file, a stopped service, a changed
inventory and an old record. The tests run in this order (each takes the host fixture, so
pytest keeps them in it). Every run names the release each worker host runs since
side_effect (0.1.1 on w1, 0.1.0 on w2), so the complete run changes nothing the later
tests check."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import testinfra
from testinfra.host import Host

from conftest import CURRENT, FLOWER_UNIT, NAME, WORKERS
from playbook_runs import Run, changed_inventory, run_playbook

testinfra_hosts = ["ansible://longshore-site-w1"]

HOSTS = {"longshore-site-broker", "longshore-site-w1", "longshore-site-w2"}
W1 = "longshore-site-w1"
DRIFT = "files, packages or services on the host changed since the last complete run"
CHANGED = "the roles, the application or the inventory changed since the last complete run"
RECORD = "/var/lib/longshore/converged.json"
DRIFTED = f"/etc/logrotate.d/{NAME}"
STOPS = "Nothing changed since the last complete site.yml run"
# The only role tasks a run that stops may show: the check itself, and the Sentinels'
# answer on the master, which sorts the Redis hosts into the groups later plays name.
STOPPED_RUN_ROLE_TASKS = {("converged", ""), ("converged", "digest"), ("redis_sentinel", "master")}
# The scenario's inventory runs every role (converged_fast_rerun: false); these runs ask
# for the check.
FAST = "converged_fast_rerun=true"


@pytest.fixture(scope="module")
def inventory(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The scenario's inventory, each worker host pinned to the release it runs now."""
    source = request.config.option.ansible_inventory
    running = {}
    for worker in WORKERS:
        worker_host = testinfra.get_host(worker, ansible_inventory=source)
        with worker_host.sudo():
            running[worker.removeprefix("ansible://")] = Path(worker_host.check_output(f"readlink {CURRENT}")).name

    def pin(groups: dict, hostvars: dict) -> None:
        for name, release in running.items():
            hostvars[name].update(celery_project="", celery_release=release)

    path = tmp_path_factory.mktemp("converged") / "inventory.json"
    return str(changed_inventory(source, pin, path))


def differences(run: Run) -> dict[str, str]:
    """What the check said differs, per host; hosts it found unchanged are absent. The
    callback may wrap a message over lines and quote it either way."""
    flat = re.sub(r"\s+", " ", run.output)
    return dict(re.findall(r"(longshore-site-\S+) differs: ([^'\"]+)['\"]", flat))


def check(inventory: str, *extra: str) -> Run:
    run = run_playbook("playbooks/converged.yml", inventory, FAST, *extra)
    assert run.rc == 0, run.output[-3000:]
    return run


def test_a_run_without_a_record_runs_every_role_and_records(host: Host, inventory: str) -> None:
    with host.sudo():
        host.run(f"rm -f {RECORD}")
    run = run_playbook("site.yml", inventory, FAST, timeout=1800)
    assert run.rc == 0, run.output[-3000:]
    assert differences(run).get(W1) == "no record of a complete site.yml run", run.output[:3000]
    assert STOPS not in re.sub(r"\s+", " ", run.output)
    assert run.changed() == dict.fromkeys(HOSTS, 0), run.output[-1500:]
    assert "TASK [rabbitmq : " in run.output
    assert "TASK [celery : " in run.output
    with host.sudo():
        record = host.file(RECORD)
        assert (record.user, record.group, record.mode) == ("root", "root", 0o600)


def test_the_next_run_stops_after_the_check(host: Host, inventory: str) -> None:
    with host.sudo():
        before = host.file(RECORD).content_string
    run = run_playbook("site.yml", inventory, FAST)
    assert run.rc == 0, run.output[-3000:]
    assert STOPS in re.sub(r"\s+", " ", run.output), run.output[-3000:]
    assert differences(run) == {}
    role_tasks = set(re.findall(r"TASK \[(\w+) : (?:(\w+) \|)?", run.output))
    assert role_tasks <= STOPPED_RUN_ROLE_TASKS, run.output[-3000:]
    assert run.changed() == dict.fromkeys(HOSTS, 0), run.output[-1500:]
    # A run that stopped applied nothing: it does not renew the record.
    with host.sudo():
        assert host.file(RECORD).content_string == before


def test_a_changed_file_is_found(host: Host, inventory: str) -> None:
    with host.sudo():
        host.check_output(f"cp -p {DRIFTED} {DRIFTED}.orig && echo '# changed by hand' >> {DRIFTED}")
    try:
        found = differences(check(inventory))
    finally:
        with host.sudo():
            host.check_output(f"mv {DRIFTED}.orig {DRIFTED}")
    assert found == {W1: DRIFT}
    assert differences(check(inventory)) == {}


def test_a_stopped_service_is_found(host: Host, inventory: str) -> None:
    with host.sudo():
        host.check_output(f"systemctl stop {FLOWER_UNIT}")
    try:
        found = differences(check(inventory))
    finally:
        with host.sudo():
            host.check_output(f"systemctl start {FLOWER_UNIT}")
    assert found == {W1: DRIFT}


def test_a_changed_inventory_is_found(host: Host, inventory: str) -> None:
    found = differences(check(inventory, "celery_visibility_timeout=3599"))
    assert found == dict.fromkeys(HOSTS, CHANGED)


def test_an_old_record_does_not_count(host: Host, inventory: str) -> None:
    found = differences(check(inventory, "converged_max_age_hours=0"))
    assert found == dict.fromkeys(HOSTS, "the last complete run is more than 0 h old")
