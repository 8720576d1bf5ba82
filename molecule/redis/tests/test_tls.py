"""TLS-only mode (the Debian 13 run, with Valkey): the data and Sentinel ports speak TLS
1.2+ only, with AEAD suites, and no plaintext."""

from __future__ import annotations

import json

import pytest
from testinfra.host import Host

from conftest import NODES, REDIS_PORT, SENTINEL_PORT, Server
from probes import LEGACY_CLIENT, tls_handshake

testinfra_hosts = [f"ansible://{node}" for node in NODES]

PORTS = [REDIS_PORT, SENTINEL_PORT]


@pytest.fixture
def tls_server(server: Server) -> Server:
    if not server.tls:
        pytest.skip("this run leaves TLS off (redis_tls_enabled is false on Debian 12)")
    return server


@pytest.fixture
def name(host: Host) -> str:
    return host.check_output("hostname")


@pytest.mark.parametrize("port", PORTS)
def test_plaintext_client_is_refused(host: Host, tls_server: Server, address: str, port: int) -> None:
    args = [f"{tls_server.flavour}-cli", "-h", address, "-p", str(port), "PING"]
    result = host.run(" ".join(args))
    assert "PONG" not in result.stdout
    assert "NOAUTH" not in result.stdout


@pytest.mark.parametrize("port", PORTS)
@pytest.mark.parametrize("version", ["tls1", "tls1_1"])
def test_old_protocol_is_refused(host: Host, tls_server: Server, name: str, port: int, version: str) -> None:
    ca = f"{tls_server.conf_dir}/tls/ca.crt"
    result = tls_handshake(host, name, port, ca_file=ca, version=version, cipher=LEGACY_CLIENT)
    assert not result.ok, result.output


@pytest.mark.parametrize("port", PORTS)
def test_cbc_cipher_is_refused_on_tls12(host: Host, tls_server: Server, name: str, port: int) -> None:
    ca = f"{tls_server.conf_dir}/tls/ca.crt"
    result = tls_handshake(host, name, port, ca_file=ca, version="tls1_2", cipher="ECDHE-ECDSA-AES128-SHA256")
    assert not result.ok, result.output


@pytest.mark.parametrize("port", PORTS)
@pytest.mark.parametrize("version", ["tls1_2", "tls1_3"])
def test_modern_tls_is_accepted_and_verified(
    host: Host, tls_server: Server, name: str, port: int, version: str
) -> None:
    ca = f"{tls_server.conf_dir}/tls/ca.crt"
    result = tls_handshake(host, name, port, ca_file=ca, version=version, verify_name=name)
    assert result.ok, result.output
    assert result.verify_code == 0


@pytest.mark.parametrize("port", ["data", "sentinel"])
def test_renewed_certificates_are_served_without_a_restart_of_the_data_node(
    host: Host, tls_server: Server, port: str
) -> None:
    # side_effect.yml renewed every certificate under load (playbooks/renew-certificates.yml):
    # Valkey reads its files at runtime, each Sentinel restarts in turn.
    with host.sudo():
        before = json.loads(host.file("/var/tmp/served-before.json").content_string)
        after = json.loads(host.file("/var/tmp/served-after.json").content_string)
        certificate = f"{tls_server.conf_dir}/tls/server.crt"
        on_disk = host.check_output(f"openssl x509 -noout -serial -in {certificate} | cut -d= -f2")
    assert before[port], before
    assert after[port] != before[port], (before, after)
    assert after["data"] == on_disk
