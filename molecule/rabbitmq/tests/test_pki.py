"""Certificates: issued once, named for the host, and checked when brought by the operator."""

from __future__ import annotations

import json

import pytest
from testinfra.host import Host

from conftest import NODES
from playbook_runs import run_playbook

testinfra_hosts = NODES


def test_host_certificate_verifies_for_the_host_name(host: Host, name: str) -> None:
    out = host.run(
        f"openssl verify -CAfile /etc/longshore/pki/ca.crt -verify_hostname {name} /etc/longshore/pki/host.crt"
    )
    assert out.rc == 0, out.stdout + out.stderr


def test_provided_key_that_does_not_match_stops_the_play(request: pytest.FixtureRequest, host: Host) -> None:
    """Bring-your-own mode: one node's key with another node's certificate is refused on
    the controller, before any host changes."""
    pki = host.ansible.get_variables()["pki_dir"]
    extra = {
        "pki_mode": "provided",
        "pki_provided_ca_cert": f"{pki}/ca.crt",
        "pki_provided_cert": f"{pki}/hosts/longshore-mq1.crt",
        "pki_provided_key": f"{pki}/hosts/longshore-mq2.key",
    }
    run = run_playbook("playbooks/pki.yml", request.config.option.ansible_inventory, json.dumps(extra), check=True)
    assert run.rc != 0, run.output
    assert "does not match" in run.output
    assert set(run.changed().values()) == {0}, run.output
