"""What the drills of side_effect.yml left: rotated secrets, renewed certificates, and a
rolling restart that lost no message."""

from __future__ import annotations

import json
from collections.abc import Callable

import amqp
import pytest
from testinfra.host import Host

from amqp_client import ClientCert, connection
from conftest import APP_PASSWORD, APP_USER, APP_VHOST, NODES, OLD_APP_PASSWORD

testinfra_hosts = NODES


def record(host: Host, stage: str) -> dict[str, str]:
    with host.sudo():
        return json.loads(host.file(f"/var/tmp/drill-{stage}.json").content_string)


def test_old_password_is_refused_after_rotation(address: str, name: str, ca_file: str, client_cert: ClientCert) -> None:
    with (
        pytest.raises(amqp.exceptions.AccessRefused),
        connection(address, name, ca_file, APP_USER, OLD_APP_PASSWORD, APP_VHOST, client=client_cert),
    ):
        pass


def test_new_password_is_accepted_after_rotation(
    address: str, name: str, ca_file: str, client_cert: ClientCert
) -> None:
    with connection(address, name, ca_file, APP_USER, APP_PASSWORD, APP_VHOST, client=client_cert) as conn:
        assert conn.connected


def test_renewed_certificate_was_served_without_a_restart(host: Host) -> None:
    before, rotated = record(host, "before"), record(host, "rotated")
    assert rotated["file_serial"] != before["served_serial"], "the certificate was not renewed"
    assert rotated["served_serial"] == rotated["file_serial"], "the node still served the old certificate"
    assert rotated["pid"] == before["pid"], "the node restarted to pick up the certificate"


def test_rolling_restart_restarted_every_node(host: Host) -> None:
    pid = host.check_output("systemctl show --property MainPID --value rabbitmq-server")
    assert pid != record(host, "rotated")["pid"]


def test_the_cookie_was_rotated_on_the_running_cluster_and_back(host: Host) -> None:
    with host.sudo():
        rotated = host.file("/var/tmp/drill-cookie-rotated").content_string.strip()
        now = host.check_output("sha1sum /var/lib/rabbitmq/.erlang.cookie | cut -d' ' -f1")
        status = json.loads(host.check_output("rabbitmqctl --quiet cluster_status --formatter json"))
    assert rotated != now
    # Back on the inventory's cookie, every node runs in one cluster (the last node
    # restarted in between with the rotated one).
    assert len(status["running_nodes"]) == 3


def test_a_partitioned_minority_paused_and_the_cluster_healed(inventory_host: Callable[[str], Host]) -> None:
    minority = inventory_host("longshore-mq3")
    with minority.sudo():
        seen = json.loads(minority.file("/var/tmp/drill-partition.json").content_string)
    assert seen == {"minority_paused": True, "majority_running": 2, "healed_running": 3}
