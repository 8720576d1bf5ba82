"""Clients of the broker, run from the controller: AMQP 0-9-1 over TLS (Celery's own
client library) and HTTPS to the management and Prometheus listeners."""

from __future__ import annotations

import base64
import http.client
import os
import socket
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import amqp

CA_PATH = "/etc/rabbitmq/tls/ca.crt"


@dataclass(frozen=True)
class ClientCert:
    cert: str
    key: str


def scenario_client_cert(name: str = "celery") -> ClientCert:
    """The client certificate the pki role issued for ``name`` (pki_client_names)."""
    clients = Path(os.environ["MOLECULE_EPHEMERAL_DIRECTORY"]) / "pki" / "clients"
    return ClientCert(str(clients / f"{name}.crt"), str(clients / f"{name}.key"))


@contextmanager
def connection(
    address: str,
    name: str,
    ca_file: str,
    user: str,
    password: str,
    vhost: str,
    *,
    client: ClientCert | None,
    port: int = 5671,
) -> Iterator[amqp.Connection]:
    """Connect to ``address`` over TLS, verifying that the server's certificate, signed by
    the CA in ``ca_file``, names ``name``; present ``client`` when given (mutual TLS)."""
    options: dict[str, object] = {"ca_certs": ca_file, "cert_reqs": ssl.CERT_REQUIRED, "server_hostname": name}
    if client:
        options |= {"certfile": client.cert, "keyfile": client.key}
    conn = amqp.Connection(
        host=f"{address}:{port}",
        userid=user,
        password=password,
        virtual_host=vhost,
        ssl=options,
        connect_timeout=10,
        # basic_publish waits for the broker's confirmation of each message.
        confirm_publish=True,
    )
    conn.connect()
    try:
        yield conn
    finally:
        conn.collect()


def https_get(
    address: str, name: str, port: int, ca_file: str, path: str, auth: tuple[str, str] | None = None
) -> tuple[int, bytes]:
    """GET ``path`` over HTTPS from ``address``, verifying the certificate names ``name``."""
    context = ssl.create_default_context(cafile=ca_file)
    raw = socket.create_connection((address, port), timeout=10)
    conn = http.client.HTTPConnection(name, port, timeout=10)
    conn.sock = context.wrap_socket(raw, server_hostname=name)
    headers = {}
    if auth:
        headers["Authorization"] = "Basic " + base64.b64encode(":".join(auth).encode()).decode()
    try:
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()
