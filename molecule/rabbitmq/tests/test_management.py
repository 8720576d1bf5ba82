"""The management API and the Prometheus endpoint: HTTPS only, and only the administrator
may use the API."""

from __future__ import annotations

import json

import pytest

from amqp_client import https_get
from conftest import ADMIN_PASSWORD, ADMIN_USER, APP_PASSWORD, APP_USER, APP_VHOST, NODES, OTHER_VHOST

testinfra_hosts = NODES

MANAGEMENT_PORT = 15671
PROMETHEUS_PORT = 15691


def test_admin_user_is_an_administrator(address: str, name: str, ca_file: str) -> None:
    status, body = https_get(address, name, MANAGEMENT_PORT, ca_file, "/api/whoami", (ADMIN_USER, ADMIN_PASSWORD))
    assert status == 200, body
    assert "administrator" in json.loads(body)["tags"]


def test_admin_user_has_every_vhost(address: str, name: str, ca_file: str) -> None:
    path = f"/api/users/{ADMIN_USER}/permissions"
    status, body = https_get(address, name, MANAGEMENT_PORT, ca_file, path, (ADMIN_USER, ADMIN_PASSWORD))
    assert status == 200, body
    assert {grant["vhost"] for grant in json.loads(body)} >= {APP_VHOST, OTHER_VHOST}


@pytest.mark.parametrize(
    "credentials", [(APP_USER, APP_PASSWORD), (ADMIN_USER, ADMIN_PASSWORD + "x")], ids=["app-user", "wrong-password"]
)
def test_management_api_refuses_others(address: str, name: str, ca_file: str, credentials: tuple[str, str]) -> None:
    status, body = https_get(address, name, MANAGEMENT_PORT, ca_file, "/api/whoami", credentials)
    assert status == 401, body


def test_prometheus_serves_metrics_over_https(address: str, name: str, ca_file: str) -> None:
    status, body = https_get(address, name, PROMETHEUS_PORT, ca_file, "/metrics")
    assert status == 200
    assert b"\nrabbitmq_" in body
