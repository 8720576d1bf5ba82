"""The host firewall (roles/firewall) on every host of the site: inbound traffic is dropped
unless the host's groups let it in. The worker hosts reach the brokers' service ports and
nothing else of the broker; only the controller reaches SSH; a rule added by hand is named
by the dry run and taken away by the next run."""

from __future__ import annotations

import json
import os
import shlex
import socket
from collections.abc import Callable
from pathlib import Path

import pytest
from testinfra.host import Host

from playbook_runs import run_playbook

testinfra_hosts = ["ansible://longshore-site-w1"]

HOSTS = ["longshore-site-broker", "longshore-site-w1", "longshore-site-w2"]
# What w1 (a Celery host) may open on the broker: AMQPS, Redis, Sentinel.
SERVICES = [5671, 6379, 26379]
# What it may not: epmd, the Erlang distribution, and SSH.
CLOSED = [4369, 25672, 22]


def address(host: Host) -> str:
    return host.check_output("hostname -i").split()[0]


def reach(source: Host, target: str, port: int) -> int:
    """Exit status of a TCP connect from ``source`` to ``target:port`` within 3 s: 0
    connected, 124 timed out (dropped), anything else refused or failed."""
    probe = f"timeout 3 bash -c {shlex.quote(f'</dev/tcp/{target}/{port}')}"
    return source.run(probe).rc


@pytest.fixture(scope="module")
def hosts(inventory_host: Callable[[str], Host]) -> dict[str, Host]:
    return {name: inventory_host(name) for name in HOSTS}


@pytest.mark.parametrize("name", HOSTS)
def test_every_host_drops_what_no_rule_lets_in(hosts: dict[str, Host], name: str) -> None:
    host = hosts[name]
    with host.sudo():
        table = host.check_output("nft -s list table inet longshore")
        assert host.file("/etc/nftables.conf").mode == 0o600
        assert host.service("nftables").is_enabled
    assert "hook input priority filter; policy drop;" in table


@pytest.mark.parametrize("port", SERVICES)
def test_a_celery_host_reaches_the_brokers_service_ports(host: Host, hosts: dict[str, Host], port: int) -> None:
    assert reach(host, address(hosts["longshore-site-broker"]), port) == 0


@pytest.mark.parametrize("port", CLOSED)
def test_a_celery_host_is_dropped_on_the_brokers_cluster_ports_and_ssh(
    host: Host, hosts: dict[str, Host], port: int
) -> None:
    broker = hosts["longshore-site-broker"]
    # The port is open on the broker: something answers it locally.
    if port != 22:
        with broker.sudo():
            assert address(broker) in broker.check_output(f"ss -Htln 'sport = :{port}'")
    assert reach(host, address(broker), port) == 124


def test_only_the_controller_reaches_ssh_on_the_ssh_host(host: Host, hosts: dict[str, Host]) -> None:
    w2 = address(hosts["longshore-site-w2"])
    with socket.create_connection((w2, 22), timeout=5) as connection:
        assert connection.recv(64).startswith(b"SSH-")
    assert reach(host, w2, 22) == 124


def test_a_rule_added_by_hand_is_named_by_the_dry_run_and_removed_by_the_next_run(
    request: pytest.FixtureRequest, host: Host, hosts: dict[str, Host]
) -> None:
    broker = hosts["longshore-site-broker"]
    inventory = request.config.option.ansible_inventory
    with broker.sudo():
        broker.check_output("nft insert rule inet longshore input tcp dport 4369 accept")
    assert reach(host, address(broker), 4369) == 0

    dry = run_playbook("playbooks/firewall.yml", inventory, check=True)
    assert dry.rc == 0, dry.output[-3000:]
    assert dry.changed()["longshore-site-broker"] > 0, dry.changed()
    assert reach(host, address(broker), 4369) == 0

    run = run_playbook("playbooks/firewall.yml", inventory)
    assert run.rc == 0, run.output[-3000:]
    assert reach(host, address(broker), 4369) == 124
    kept = json.loads((Path(os.environ["MOLECULE_EPHEMERAL_DIRECTORY"]) / "dry-run.json").read_text())
    assert "Apply the host firewall" in kept["output"]
