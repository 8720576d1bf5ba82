from __future__ import annotations

from pathlib import Path

import pytest
from testinfra.host import Host

from amqp_client import CA_PATH, ClientCert, scenario_client_cert

# The RabbitMQ nodes (the scenario's worker host, longshore-mqw, has tests of its own).
NODES = [f"ansible://longshore-mq{number}" for number in (1, 2, 3)]
APP_USER = "celery"
# side_effect.yml rotates the password from the inventory's value to this one.
OLD_APP_PASSWORD = "celery-password-for-tests-only-0001"
APP_PASSWORD = "celery-password-rotated-by-the-drill-02"
APP_VHOST = "celery"
OTHER_VHOST = "other"
ADMIN_USER = "admin"
ADMIN_PASSWORD = "admin-password-for-tests-only-000003"


@pytest.fixture
def ca_file(host: Host, tmp_path: Path) -> str:
    """A copy of the host's CA certificate on the controller; the path of that copy."""
    copy = tmp_path / "ca.crt"
    copy.write_text(host.file(CA_PATH).content_string)
    return str(copy)


@pytest.fixture
def name(host: Host) -> str:
    return host.check_output("hostname")


@pytest.fixture(scope="session")
def client_cert() -> ClientCert:
    """The application's client certificate (the scenario turns mutual TLS on)."""
    return scenario_client_cert()
