"""An AMQP 0-9-1 client over TLS (Celery's own client library), run from the controller."""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from contextlib import contextmanager

import amqp

CA_PATH = "/etc/rabbitmq/tls/ca.crt"


@contextmanager
def connection(
    address: str, name: str, ca_file: str, user: str, password: str, vhost: str, port: int = 5671
) -> Iterator[amqp.Connection]:
    """Connect to ``address`` over TLS, verifying that the server's certificate, signed by
    the CA in ``ca_file``, names ``name``."""
    conn = amqp.Connection(
        host=f"{address}:{port}",
        userid=user,
        password=password,
        virtual_host=vhost,
        ssl={"ca_certs": ca_file, "cert_reqs": ssl.CERT_REQUIRED, "server_hostname": name},
        connect_timeout=10,
        # basic_publish waits for the broker's confirmation of each message.
        confirm_publish=True,
    )
    conn.connect()
    try:
        yield conn
    finally:
        conn.collect()
