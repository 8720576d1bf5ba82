"""The TLS listener (5671) and the management listener (15671) offer modern TLS only."""

from __future__ import annotations

import pytest
from testinfra.host import Host

from amqp_client import CA_PATH
from probes import LEGACY_CLIENT, tls_handshake

PORTS = [5671, 15671]


@pytest.mark.parametrize("port", PORTS)
@pytest.mark.parametrize("version", ["tls1", "tls1_1"])
def test_old_protocol_is_refused(host: Host, name: str, port: int, version: str) -> None:
    result = tls_handshake(host, name, port, ca_file=CA_PATH, version=version, cipher=LEGACY_CLIENT)
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
    result = tls_handshake(host, name, port, ca_file=CA_PATH, version="tls1_2", cipher=cipher)
    assert not result.ok, result.output


@pytest.mark.parametrize("port", PORTS)
def test_tls12_with_gcm_is_accepted_and_verified(host: Host, name: str, port: int) -> None:
    result = tls_handshake(
        host, name, port, ca_file=CA_PATH, version="tls1_2", cipher="ECDHE-ECDSA-AES256-GCM-SHA384", verify_name=name
    )
    assert result.ok, result.output
    assert result.protocol == "TLSv1.2"
    assert result.verify_code == 0


@pytest.mark.parametrize("port", PORTS)
def test_tls13_is_accepted_and_verified(host: Host, name: str, port: int) -> None:
    result = tls_handshake(host, name, port, ca_file=CA_PATH, version="tls1_3", verify_name=name)
    assert result.ok, result.output
    assert result.protocol == "TLSv1.3"
    assert result.verify_code == 0


def test_certificate_does_not_verify_for_another_name(host: Host, name: str) -> None:
    """The hostname check above is real: the same certificate fails for a name it lacks."""
    result = tls_handshake(host, name, 5671, ca_file=CA_PATH, version="tls1_3", verify_name="not-" + name)
    assert result.verify_code == 62, result.output
