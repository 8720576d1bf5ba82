"""What the brokers see of the applications: on RabbitMQ, every queue a task can wait in is
a quorum queue, and every connection is TLS with the client's certificate; on Redis, keys
only under the application's prefix and no command or channel its ACL refused."""

from __future__ import annotations

import json
import shlex

import pytest
from testinfra.host import Host

testinfra_hosts = ["ansible://longshore-site-broker"]

KEY_PREFIX = "celery:"


def valkey(host: Host, *commands: str) -> list[str]:
    """Reply lines of ``commands`` sent to the broker host's Valkey as its administrator,
    through the operators' command (longshore-redis-cli)."""
    script = "".join(line + "\n" for line in commands)
    with host.sudo():
        result = host.run(f"printf %s {shlex.quote(script)} | longshore-redis-cli")
    assert result.rc == 0, result.stderr
    lines = [line for line in result.stdout.splitlines() if line]
    # redis-cli exits 0 on an error reply: an unauthenticated or refused command shows here.
    assert not [line for line in lines if line.startswith(("NOAUTH", "NOPERM", "WRONGPASS", "ERR"))], lines
    return lines


def rabbitmq(host: Host, *args: str) -> list[dict[str, object]]:
    with host.sudo():
        return json.loads(host.check_output(shlex.join(["rabbitmqctl", "--quiet", *args, "--formatter", "json"])))


@pytest.mark.parametrize(
    ("vhost", "expected"),
    [("celery", {"default", "critical", "batch", "celery_delayed_0"}), ("plain", {"text", "celery_delayed_0"})],
)
def test_every_queue_a_task_can_wait_in_is_a_quorum_queue(host: Host, vhost: str, expected: set[str]) -> None:
    listed = rabbitmq(host, "list_queues", "-p", vhost, "name", "type", "durable")
    assert expected <= {queue["name"] for queue in listed}, listed
    # Celery's own broadcast queues (remote control, events) are exclusive or auto-deleted,
    # which quorum queues cannot be: no task waits in them. Every durable queue is quorum.
    durable = {queue["name"]: queue["type"] for queue in listed if queue["durable"]}
    assert set(durable.values()) == {"quorum"}, durable


def test_every_client_connects_with_tls_and_its_certificate(host: Host) -> None:
    connections = rabbitmq(host, "list_connections", "user", "vhost", "ssl", "peer_cert_subject")
    users = {connection["user"] for connection in connections}
    assert {"celery", "plain"} <= users, connections
    for connection in connections:
        assert connection["ssl"] is True, connection
        assert "CN=celery" in str(connection["peer_cert_subject"]), connection


def test_the_application_keys_are_all_under_its_prefix(host: Host) -> None:
    keys = valkey(host, "KEYS *")
    # The Redis broker's queue and bindings, and the results of both workers.
    assert any(key.startswith(f"{KEY_PREFIX}celery-task-meta-") for key in keys), keys
    assert f"{KEY_PREFIX}_kombu.binding.default" in keys
    assert [key for key in keys if not key.startswith(KEY_PREFIX)] == []


def test_the_acl_refused_nothing_the_application_did(host: Host) -> None:
    reply = valkey(host, "ACL LOG 50")
    assert "celery" not in reply, reply
