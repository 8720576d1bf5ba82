"""Fixtures every scenario's tests share."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import testinfra
from testinfra.host import Host


@pytest.fixture(scope="session")
def inventory_host(request: pytest.FixtureRequest) -> Callable[[str], Host]:
    """Return a testinfra host for another host of the scenario's inventory, by name."""
    inventory = request.config.option.ansible_inventory

    def get(name: str) -> Host:
        return testinfra.get_host(f"ansible://{name}", ansible_inventory=inventory)

    return get


@pytest.fixture
def address(host: Host) -> str:
    """The host's address on the scenario's network (the controller reaches it there)."""
    return host.check_output("hostname -i").split()[0]
