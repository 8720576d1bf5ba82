"""Fixtures every scenario's tests share."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable

import pytest
import testinfra
from testinfra.host import Host


@pytest.fixture(scope="session")
def inventory_host(request: pytest.FixtureRequest) -> Callable[[str], Host]:
    """Return a testinfra host for another host of the scenario's inventory, by name. A
    host the playbooks reach over SSH is looked at through the container engine: its
    inventory address is a template, which testinfra does not render."""
    inventory = request.config.option.ansible_inventory
    command = ["ansible-inventory", "-i", inventory, "--list"]
    listing = subprocess.run(command, capture_output=True, text=True, check=True)
    hostvars = json.loads(listing.stdout)["_meta"]["hostvars"]
    over_ssh = {name for name, values in hostvars.items() if values.get("ansible_connection") == "ssh"}

    def get(name: str) -> Host:
        spec = f"docker://{name}" if name in over_ssh else f"ansible://{name}"
        return testinfra.get_host(spec, ansible_inventory=inventory)

    return get


@pytest.fixture
def address(host: Host) -> str:
    """The host's address on the scenario's network (the controller reaches it there)."""
    return host.check_output("hostname -i").split()[0]
