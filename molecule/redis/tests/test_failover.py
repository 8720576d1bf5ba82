"""What the failover drill (side_effect.yml) left: a replica was promoted and took
writes, the old master came back as its replica, and a re-run of the playbook changes
nothing and keeps the master that Sentinel elected."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from testinfra.host import Host

from conftest import (
    APP,
    MASTER_NAME,
    NODES,
    REDIS_PORT,
    SENTINEL_ADMIN,
    SENTINEL_PORT,
    Server,
    auth,
    info,
    sentinel_master,
)
from playbook_runs import run_playbook

testinfra_hosts = ["ansible://longshore-redis1"]


@pytest.fixture(scope="module")
def drill() -> dict[str, str]:
    return json.loads((Path(os.environ["MOLECULE_EPHEMERAL_DIRECTORY"]) / "redis-drill.json").read_text())


@pytest.fixture(scope="module")
def hosts_by_address(inventory_host: Callable[[str], Host]) -> dict[str, Host]:
    hosts = [inventory_host(node) for node in NODES]
    return {h.check_output("hostname -i").split()[0]: h for h in hosts}


def test_a_replica_was_promoted_and_took_a_write(drill: dict[str, str]) -> None:
    assert drill["new_master"] != drill["old_master"]
    assert drill["new_master"] in drill["new_master"].split(",")
    assert drill["write"] == "OK"


def test_old_master_is_a_replica_of_the_new_one(
    server: Server, drill: dict[str, str], hosts_by_address: dict[str, Host]
) -> None:
    replication = info(server, hosts_by_address[drill["old_master"]], "replication")
    assert replication["role"] == "slave"
    assert replication["master_host"] == drill["new_master"]
    assert replication["master_link_status"] == "up"


def test_a_demoted_node_restarts_as_a_replica(
    server: Server, drill: dict[str, str], hosts_by_address: dict[str, Host]
) -> None:
    """The server rewrote its runtime copy when Sentinel demoted it; the unit rebuilds that
    copy at each start with the role it last had: it comes back a replica, not a master."""
    old_master = hosts_by_address[drill["old_master"]]
    with old_master.sudo():
        old_master.check_output(f"systemctl restart {server.service}")
        runtime = old_master.file(f"/var/lib/{server.flavour}/runtime.conf").content_string
    assert f"replicaof {drill['new_master']} {REDIS_PORT}" in runtime
    assert info(server, old_master, "replication")["role"] == "slave"


def test_rerun_changes_nothing_and_keeps_the_elected_master(
    request: pytest.FixtureRequest, server: Server, drill: dict[str, str], hosts_by_address: dict[str, Host]
) -> None:
    run = run_playbook("playbooks/redis.yml", request.config.option.ansible_inventory)
    assert run.rc == 0, run.output[-3000:]
    assert set(run.changed().values()) == {0}, run.changed()
    assert {sentinel_master(server, h) for h in hosts_by_address.values()} == {drill["new_master"]}
    assert info(server, hosts_by_address[drill["new_master"]], "replication")["role"] == "master"


def test_changed_settings_reach_the_sentinels_and_keep_what_they_learned(
    request: pytest.FixtureRequest, server: Server, drill: dict[str, str], hosts_by_address: dict[str, Host]
) -> None:
    """A monitoring setting (SENTINEL SET) and one of Longshore's lines (replaced while
    the Sentinel is stopped) change on every Sentinel; the master Sentinel elected, the
    replicas and the other Sentinels it found stay."""
    extra = json.dumps({"redis_sentinel_down_after_ms": 6000, "redis_sentinel_log_level": "verbose"})
    run = run_playbook("playbooks/redis.yml", request.config.option.ansible_inventory, extra)
    assert run.rc == 0, run.output[-3000:]
    for host in hosts_by_address.values():
        reply = server.cli(host, "127.0.0.1", SENTINEL_PORT, [auth(SENTINEL_ADMIN), f"SENTINEL MASTER {MASTER_NAME}"])
        fields = dict(zip(reply[1::2], reply[2::2], strict=False))
        assert fields["down-after-milliseconds"] == "6000"
        assert fields["ip"] == drill["new_master"]
        assert fields["num-slaves"] == "2"
        assert fields["num-other-sentinels"] == "2"
        with host.sudo():
            assert host.file(f"{server.conf_dir}/sentinel/sentinel.conf").contains("^loglevel verbose$")


def test_a_user_changed_at_runtime_is_named_by_the_dry_run_and_put_back_by_the_next_run(
    request: pytest.FixtureRequest, host: Host, server: Server
) -> None:
    """ACL SETUSER on a live node, not saved, lets the application user reach every key; the
    ACL file does not change. `--check` reports a change on that node, and the next run
    loads the file again: the user is confined to its prefix once more. (Before the password
    rotation below: with the inventory's passwords, the file stays as it is.)"""
    inventory = request.config.option.ansible_inventory
    outside = ["GET", "outside-the-prefix"]
    with host.sudo():
        assert host.check_output("longshore-redis-cli ACL SETUSER %s '~*'", APP[0]) == "OK"
    assert server.cli(host, "127.0.0.1", REDIS_PORT, [auth(APP), " ".join(outside)]) == ["OK"]

    dry = run_playbook("playbooks/redis.yml", inventory, check=True)
    assert dry.rc == 0, dry.output[-3000:]
    # The drift shows as a change of the fingerprint of the users in force, on that node.
    runs = [
        part.split("TASK [")[0] for part in dry.output.split("acl | Record the fingerprint of the users in force]")[1:]
    ]
    assert runs, dry.output[-3000:]
    assert any("changed: [longshore-redis1]" in run for run in runs), runs
    assert server.cli(host, "127.0.0.1", REDIS_PORT, [auth(APP), " ".join(outside)]) == ["OK"]

    run = run_playbook("playbooks/redis.yml", inventory)
    assert run.rc == 0, run.output[-3000:]
    reply = server.cli(host, "127.0.0.1", REDIS_PORT, [auth(APP), " ".join(outside)])
    assert reply[0] == "OK", reply
    assert reply[1].startswith("NOPERM"), reply


def test_rotated_app_password_applies_without_a_restart(
    request: pytest.FixtureRequest, server: Server, drill: dict[str, str], hosts_by_address: dict[str, Host]
) -> None:
    """A new application password in the inventory reaches every node with ACL LOAD: the
    old one is refused, the new one accepted, and the master keeps running."""
    rotated = "redis-celery-password-rotated-by-a-test-07"
    master = hosts_by_address[drill["new_master"]]
    pid = master.check_output(f"systemctl show --property MainPID --value {server.service}")
    run = run_playbook(
        "playbooks/redis.yml", request.config.option.ansible_inventory, json.dumps({"redis_app_password": rotated})
    )
    assert run.rc == 0, run.output[-3000:]
    for host in hosts_by_address.values():
        assert server.cli(host, "127.0.0.1", REDIS_PORT, [auth(APP), "PING"])[0].startswith("WRONGPASS")
        assert server.cli(host, "127.0.0.1", REDIS_PORT, [f"AUTH {APP[0]} {rotated}", "PING"]) == ["OK", "PONG"]
    assert master.check_output(f"systemctl show --property MainPID --value {server.service}") == pid
