"""Mutual TLS (rabbitmq_tls_fail_if_no_peer_cert): a client must present a certificate
signed by the environment's CA. Every other AMQP test connects with the application's
client certificate, so they also prove that a valid one is accepted."""

from __future__ import annotations

import subprocess
from pathlib import Path

import amqp
import pytest

from amqp_client import ClientCert, connection
from conftest import APP_PASSWORD, APP_USER, APP_VHOST, NODES

testinfra_hosts = NODES

# Whatever layer notices the refusal first: the TLS alert (ssl.SSLError is an OSError),
# a closed socket, or py-amqp's wrapper around either.
REFUSED = (OSError, amqp.exceptions.RecoverableConnectionError)


@pytest.fixture(scope="module")
def foreign_cert(tmp_path_factory: pytest.TempPathFactory) -> ClientCert:
    """A certificate for the application's name, signed by a CA of its own."""
    directory: Path = tmp_path_factory.mktemp("foreign")
    cert, key = directory / "celery.crt", directory / "celery.key"
    subject = ["-subj", "/CN=celery", "-days", "2", "-keyout", str(key), "-out", str(cert)]
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-384", "-nodes", *subject],
        check=True,
        capture_output=True,
    )
    return ClientCert(str(cert), str(key))


def test_client_without_certificate_is_refused(address: str, name: str, ca_file: str) -> None:
    with pytest.raises(REFUSED), connection(address, name, ca_file, APP_USER, APP_PASSWORD, APP_VHOST, client=None):
        pass


def test_client_certificate_of_another_ca_is_refused(
    address: str, name: str, ca_file: str, foreign_cert: ClientCert
) -> None:
    with (
        pytest.raises(REFUSED),
        connection(address, name, ca_file, APP_USER, APP_PASSWORD, APP_VHOST, client=foreign_cert),
    ):
        pass


def test_client_certificate_of_the_ca_is_accepted(
    address: str, name: str, ca_file: str, client_cert: ClientCert
) -> None:
    with connection(address, name, ca_file, APP_USER, APP_PASSWORD, APP_VHOST, client=client_cert) as conn:
        assert conn.connected
