"""The TLS listener (5671) and the management listener (15671) offer modern TLS only."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from testinfra.host import Host

from amqp_client import CA_PATH, ClientCert
from conftest import NODES
from probes import LEGACY_CLIENT, tls_handshake

testinfra_hosts = NODES

PORTS = [5671, 15671, 15691]
# Mutual TLS is on for AMQP: the probes present the application's client certificate,
# copied to the host for the module's tests (the management and Prometheus listeners
# do not ask for one).
PROBE_CERT = "/root/probe-client.crt"
PROBE_KEY = "/root/probe-client.key"


@pytest.fixture(scope="module", autouse=True)
def probe_client_files(host: Host, client_cert: ClientCert) -> Iterator[None]:
    for src, dest in ((client_cert.cert, PROBE_CERT), (client_cert.key, PROBE_KEY)):
        host.ansible("ansible.builtin.copy", f"src={src} dest={dest} mode=0600", check=False, become=True)
    yield
    host.run(f"rm -f {PROBE_CERT} {PROBE_KEY}")


@pytest.mark.parametrize("port", PORTS)
@pytest.mark.parametrize("version", ["tls1", "tls1_1"])
def test_old_protocol_is_refused(host: Host, name: str, port: int, version: str) -> None:
    result = tls_handshake(
        host, name, port, ca_file=CA_PATH, cert=PROBE_CERT, key=PROBE_KEY, version=version, cipher=LEGACY_CLIENT
    )
    assert not result.ok, result.output


@pytest.mark.parametrize("port", PORTS)
@pytest.mark.parametrize(
    "cipher",
    [
        "ECDHE-ECDSA-AES128-SHA256",  # CBC
        "ECDHE-ECDSA-AES256-SHA",  # CBC with SHA-1
    ],
)
def test_cbc_cipher_is_refused_on_tls12(host: Host, name: str, port: int, cipher: str) -> None:
    """The certificates carry ECDSA keys, so CBC suites are probed with ECDSA authentication
    (an RSA key-exchange suite could never be chosen with them, whatever the server allows)."""
    result = tls_handshake(
        host, name, port, ca_file=CA_PATH, cert=PROBE_CERT, key=PROBE_KEY, version="tls1_2", cipher=cipher
    )
    assert not result.ok, result.output


@pytest.mark.parametrize("port", PORTS)
def test_tls12_with_gcm_is_accepted_and_verified(host: Host, name: str, port: int) -> None:
    result = tls_handshake(
        host,
        name,
        port,
        ca_file=CA_PATH,
        cert=PROBE_CERT,
        key=PROBE_KEY,
        version="tls1_2",
        cipher="ECDHE-ECDSA-AES256-GCM-SHA384",
        verify_name=name,
    )
    assert result.ok, result.output
    assert result.protocol == "TLSv1.2"
    assert result.verify_code == 0


@pytest.mark.parametrize("port", PORTS)
def test_tls13_is_accepted_and_verified(host: Host, name: str, port: int) -> None:
    result = tls_handshake(
        host, name, port, ca_file=CA_PATH, cert=PROBE_CERT, key=PROBE_KEY, version="tls1_3", verify_name=name
    )
    assert result.ok, result.output
    assert result.protocol == "TLSv1.3"
    assert result.verify_code == 0


def test_certificate_does_not_verify_for_another_name(host: Host, name: str) -> None:
    """The hostname check above is real: the same certificate fails for a name it lacks."""
    result = tls_handshake(
        host, name, 5671, ca_file=CA_PATH, cert=PROBE_CERT, key=PROBE_KEY, version="tls1_3", verify_name="not-" + name
    )
    assert result.verify_code == 62, result.output
