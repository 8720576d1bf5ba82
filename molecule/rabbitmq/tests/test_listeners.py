"""What listens where: TLS only; cluster, management and Prometheus ports on the cluster
address only."""

from __future__ import annotations

import socket

import pytest
from testinfra.host import Host

from conftest import NODES
from probes import listening_addresses

testinfra_hosts = NODES

WILDCARDS = {"0.0.0.0", "*", "[::]"}


@pytest.mark.parametrize("port", [5672, 15672, 15692])
def test_plaintext_port_refuses_connections(address: str, port: int) -> None:
    """Plaintext AMQP (5672), management (15672) and Prometheus (15692) are closed."""
    with pytest.raises(ConnectionRefusedError), socket.create_connection((address, port), timeout=5):
        pass


# epmd and the inter-node port; the management API and the Prometheus endpoint (HTTPS).
@pytest.mark.parametrize("port", [4369, 25672, 15671, 15691])
def test_cluster_and_admin_ports_listen_on_the_cluster_address_only(host: Host, address: str, port: int) -> None:
    addresses = listening_addresses(host, port)
    assert addresses, f"nothing listens on {port}"
    assert not WILDCARDS & set(addresses)
    assert address in addresses
