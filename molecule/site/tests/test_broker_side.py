"""What the brokers see of the application: quorum queues on RabbitMQ; on Redis, keys
only under the application's prefix and no command or channel its ACL refused."""

from __future__ import annotations

import json
import shlex

from testinfra.host import Host

testinfra_hosts = ["ansible://longshore-site-broker"]

ADMIN = ("admin", "redis-admin-password-for-tests-01")
KEY_PREFIX = "celery:"


def valkey(host: Host, *commands: str) -> list[str]:
    tls = "/etc/valkey/tls"
    args = [
        "valkey-cli",
        "-h",
        "127.0.0.1",
        "-p",
        "6379",
        "--tls",
        "--cacert",
        f"{tls}/ca.crt",
        "--cert",
        f"{tls}/server.crt",
        "--key",
        f"{tls}/server.key",
    ]
    script = "".join(line + "\n" for line in [f"AUTH {ADMIN[0]} {ADMIN[1]}", *commands])
    with host.sudo():
        result = host.run(f"printf %s {shlex.quote(script)} | {shlex.join(args)}")
    assert result.rc == 0, result.stderr
    return [line for line in result.stdout.splitlines() if line]


def test_rabbitmq_task_queues_are_quorum_queues(host: Host) -> None:
    with host.sudo():
        listing = host.check_output("rabbitmqctl list_queues --quiet --formatter json -p celery name type")
    queues = {queue["name"]: queue["type"] for queue in json.loads(listing)}
    assert queues.get("celery") == "quorum"


def test_the_application_keys_are_all_under_its_prefix(host: Host) -> None:
    reply = valkey(host, "KEYS *")
    assert reply[0] == "OK"
    keys = reply[1:]
    # The Redis broker's queue and bindings, and the results of both workers.
    assert any(key.startswith(f"{KEY_PREFIX}celery-task-meta-") for key in keys), keys
    assert f"{KEY_PREFIX}_kombu.binding.celery" in keys
    assert [key for key in keys if not key.startswith(KEY_PREFIX)] == []


def test_the_acl_refused_nothing_the_application_did(host: Host) -> None:
    reply = valkey(host, "ACL LOG 50")
    assert reply[0] == "OK"
    assert "celery" not in reply[1:], reply
