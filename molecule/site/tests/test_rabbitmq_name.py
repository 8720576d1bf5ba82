"""The application's client checks one name on every RabbitMQ node (celery_rabbitmq_tls_name,
carried by every node's certificate): a client that fails over to another node checks that
node by the same name, so it is neither refused nor left unchecked."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from testinfra.host import Host

from conftest import ENV_FILE, NAME, STATE_DIR, client

testinfra_hosts = ["ansible://longshore-site-w1"]

CLUSTER_NAME = "rabbitmq.site.internal"


def test_the_environment_names_the_cluster(host: Host) -> None:
    with host.sudo():
        assert f'LONGSHORE_RABBITMQ_TLS_NAME="{CLUSTER_NAME}"' in host.file(ENV_FILE).content_string


def test_every_node_answers_to_the_cluster_name(host: Host) -> None:
    rc, output = client(host, "connect")
    assert rc == 0, output
    assert f"rabbitmq longshore-site-broker:5671 (tls, as {CLUSTER_NAME}): ok" in output


@pytest.fixture
def other_name_env(host: Host) -> Iterator[str]:
    """A copy of the environment file that checks a name the nodes' certificates lack."""
    directory = f"{STATE_DIR}/other-name"
    with host.sudo():
        host.check_output(f"install -d -o {NAME} -g {NAME} -m 0700 {directory}")
        host.check_output(
            f"sed 's#^LONGSHORE_RABBITMQ_TLS_NAME=.*#LONGSHORE_RABBITMQ_TLS_NAME=\"rabbitmq.other.internal\"#'"
            f" {ENV_FILE} > {directory}/app.env"
        )
        host.check_output(f"chown -R {NAME}:{NAME} {directory} && chmod 0600 {directory}/app.env")
    yield f"{directory}/app.env"
    with host.sudo():
        host.run(f"rm -rf {directory}")


def test_a_node_without_the_name_is_refused(host: Host, other_name_env: str) -> None:
    rc, output = client(host, "--env-file", other_name_env, "connect", timeout=90)
    assert rc != 0, output
    refusals = [line for line in output.splitlines() if line.startswith(("rabbitmq ", "broker (rabbitmq)"))]
    assert len(refusals) == 2, output
    assert all("certificate verify failed" in line.lower() for line in refusals), refusals
