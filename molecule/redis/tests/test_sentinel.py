"""Replication and Sentinel: two replicas with their link up, three Sentinels that agree
and that only answer authenticated clients, within their rights."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from testinfra.host import Host

from conftest import (
    MASTER_NAME,
    NODES,
    SENTINEL_ADMIN,
    SENTINEL_CLIENT,
    SENTINEL_PORT,
    Server,
    auth,
    info,
    sentinel_master,
)

testinfra_hosts = [f"ansible://{node}" for node in NODES]


def test_master_has_two_replicas_with_their_link_up(
    host: Host, server: Server, master_address: str, address: str
) -> None:
    replication = info(server, host, "replication")
    if address == master_address:
        assert replication["role"] == "master"
        assert replication["connected_slaves"] == "2"
    else:
        assert replication["role"] == "slave"
        assert replication["master_host"] == master_address
        assert replication["master_link_status"] == "up"


def test_three_sentinels_agree_on_the_master(
    server: Server, master_address: str, inventory_host: Callable[[str], Host]
) -> None:
    assert {sentinel_master(server, inventory_host(node)) for node in NODES} == {master_address}


def test_sentinel_knows_its_peers(host: Host, server: Server) -> None:
    reply = server.cli(host, "127.0.0.1", SENTINEL_PORT, [auth(SENTINEL_ADMIN), f"SENTINEL MASTER {MASTER_NAME}"])
    fields = dict(zip(reply[1::2], reply[2::2], strict=False))
    assert fields["num-other-sentinels"] == "2"
    assert fields["num-slaves"] == "2"
    assert fields["quorum"] == "2"


def test_sentinel_refuses_unauthenticated_clients(host: Host, server: Server, address: str) -> None:
    reply = server.cli(host, address, SENTINEL_PORT, [f"SENTINEL GET-MASTER-ADDR-BY-NAME {MASTER_NAME}"])
    assert reply[0].startswith("NOAUTH"), reply


def test_sentinel_refuses_a_wrong_password(host: Host, server: Server, address: str) -> None:
    reply = server.cli(host, address, SENTINEL_PORT, [f"AUTH {SENTINEL_CLIENT[0]} {SENTINEL_CLIENT[1]}x"])
    assert reply[0].startswith("WRONGPASS"), reply


def test_sentinel_client_may_find_the_master(host: Host, server: Server, address: str, master_address: str) -> None:
    reply = server.cli(
        host, address, SENTINEL_PORT, [auth(SENTINEL_CLIENT), f"SENTINEL GET-MASTER-ADDR-BY-NAME {MASTER_NAME}"]
    )
    assert reply[:2] == ["OK", master_address]


@pytest.mark.parametrize(
    "command",
    [f"SENTINEL FAILOVER {MASTER_NAME}", f"SENTINEL SET {MASTER_NAME} quorum 1", f"SENTINEL REMOVE {MASTER_NAME}"],
)
def test_sentinel_client_may_not_change_anything(host: Host, server: Server, address: str, command: str) -> None:
    reply = server.cli(host, address, SENTINEL_PORT, [auth(SENTINEL_CLIENT), command])
    assert reply[1].startswith("NOPERM"), reply


def test_sentinel_denies_script_reconfiguration(host: Host, server: Server) -> None:
    reply = server.cli(
        host,
        "127.0.0.1",
        SENTINEL_PORT,
        [auth(SENTINEL_ADMIN), f"SENTINEL SET {MASTER_NAME} notification-script /bin/sh"],
    )
    assert reply[1].startswith("ERR"), reply
    assert "denied" in reply[1].lower(), reply
