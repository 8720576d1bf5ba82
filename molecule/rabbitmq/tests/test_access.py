"""Who may log in where: guest is gone, the application user is confined to its vhost."""

from __future__ import annotations

import uuid

import amqp
import pytest

from amqp_client import ClientCert, connection
from conftest import APP_PASSWORD, APP_USER, APP_VHOST, NODES, OTHER_VHOST

testinfra_hosts = NODES


def test_guest_login_is_refused(address: str, name: str, ca_file: str, client_cert: ClientCert) -> None:
    with (
        pytest.raises(amqp.exceptions.AccessRefused),
        connection(address, name, ca_file, "guest", "guest", "/", client=client_cert),
    ):
        pass


def test_wrong_password_is_refused(address: str, name: str, ca_file: str, client_cert: ClientCert) -> None:
    with (
        pytest.raises(amqp.exceptions.AccessRefused),
        connection(address, name, ca_file, APP_USER, APP_PASSWORD + "x", APP_VHOST, client=client_cert),
    ):
        pass


def test_app_user_publishes_and_consumes_in_its_vhost(
    address: str, name: str, ca_file: str, client_cert: ClientCert
) -> None:
    queue = f"test-{uuid.uuid4().hex[:8]}"
    body = uuid.uuid4().hex
    with connection(address, name, ca_file, APP_USER, APP_PASSWORD, APP_VHOST, client=client_cert) as conn:
        channel = conn.channel()
        channel.queue_declare(queue, durable=True, auto_delete=False, arguments={"x-queue-type": "quorum"})
        channel.basic_publish(amqp.Message(body, delivery_mode=2), exchange="", routing_key=queue)
        received: list[str] = []
        channel.basic_consume(queue, callback=lambda message: received.append(message.body), no_ack=True)
        conn.drain_events(timeout=10)
        channel.queue_delete(queue)
    assert received == [body]


def test_app_user_is_refused_in_another_vhost(address: str, name: str, ca_file: str, client_cert: ClientCert) -> None:
    with (
        pytest.raises(amqp.exceptions.NotAllowed),
        connection(address, name, ca_file, APP_USER, APP_PASSWORD, OTHER_VHOST, client=client_cert),
    ):
        pass


def test_app_user_is_not_an_administrator(host) -> None:  # noqa: ANN001
    users = host.check_output("rabbitmqctl --quiet list_users --formatter json")
    assert '{"user":"celery","tags":[]}' in users.replace(" ", "")
