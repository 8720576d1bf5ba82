"""Tasks round-trip on both brokers; the client trusts only the environment's CA; the
workers accept JSON only."""

from __future__ import annotations

import uuid

import pytest
from testinfra.host import Host

from conftest import BROKER_OF, ENV_FILE, NAME, STATE_DIR, WORKER_LOG, WORKERS, client, executions, wait_for

testinfra_hosts = WORKERS


def test_a_task_and_a_chord_round_trip(host: Host) -> None:
    rc, output = client(host, "ping", "--chord", "20", "--timeout", "60")
    assert rc == 0, output
    assert "add(2, 3) = 5" in output
    assert "chord of 20 = 380" in output


def test_the_client_connects_to_broker_and_result_backend(host: Host) -> None:
    rc, output = client(host, "connect")
    assert rc == 0, output
    assert f"broker ({BROKER_OF[host.backend.get_hostname()]}): ok" in output
    assert "result backend (redis): ok" in output


@pytest.fixture
def wrong_ca_env(host: Host):  # noqa: ANN201
    """A copy of the environment file whose CA is one the brokers' certificates do not chain to."""
    directory = f"{STATE_DIR}/wrong-ca"
    with host.sudo():
        host.check_output(f"install -d -o {NAME} -g {NAME} -m 0700 {directory}")
        host.check_output(
            f"openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj /CN=wrong-ca"
            f" -keyout {directory}/ca.key -out {directory}/ca.crt 2>/dev/null"
        )
        host.check_output(
            f"sed 's#^LONGSHORE_CA_FILE=.*#LONGSHORE_CA_FILE=\"{directory}/ca.crt\"#' {ENV_FILE} > {directory}/app.env"
        )
        host.check_output(f"chown -R {NAME}:{NAME} {directory} && chmod 0600 {directory}/*")
    yield f"{directory}/app.env"
    with host.sudo():
        host.run(f"rm -rf {directory}")


def test_a_client_given_the_wrong_ca_cannot_connect(host: Host, wrong_ca_env: str) -> None:
    rc, output = client(host, "--env-file", wrong_ca_env, "connect", timeout=90)
    assert rc != 0
    lines = output.splitlines()
    assert "broker (" in output
    assert not any(line.endswith(": ok") for line in lines), output
    # RabbitMQ's client says why; for Redis the Sentinels' TLS handshake does.
    refusals = [line for line in lines if line.startswith(("broker (rabbitmq)", "sentinel "))]
    assert refusals
    assert all("certificate verify failed" in line.lower() for line in refusals), refusals


def test_a_pickle_message_is_refused(host: Host) -> None:
    run = f"pickle-{uuid.uuid4().hex[:8]}"
    rc, output = client(host, "pickle", "--run", run)
    assert rc == 0, output
    refusal = "Refusing to deserialize untrusted content of type pickle"
    with host.sudo():
        assert wait_for(lambda: refusal in host.file(WORKER_LOG).content_string, timeout=30)
        # A JSON task sent after it runs, so the worker did go past the pickle message.
    rc, output = client(host, "send", "--run", run, "--count", "1")
    assert rc == 0, output
    assert wait_for(lambda: len(executions(host, run)) >= 1, timeout=30)
    assert [line.split()[1] for line in executions(host, run)] == ["0"]
