"""Bad inventory values stop playbooks/redis.yml before any host changes, naming the
variable (run in check mode, so a run that was not refused still changes nothing)."""

from __future__ import annotations

import json

import pytest
from testinfra.host import Host

from playbook_runs import once_per_scenario, run_playbook

testinfra_hosts = ["ansible://longshore-redis1"]

CASES = {
    "short password": ({"redis_app_password": "short"}, "redis_app_password"),
    "missing password": ({"redis_admin_password": ""}, "redis_admin_password"),
    "well-known password": ({"redis_monitor_password": "foobared"}, "redis_monitor_password"),
    "weak sentinel password": ({"redis_sentinel_admin_password": "admin"}, "redis_sentinel_admin_password"),
    "quorum above the sentinels": ({"redis_sentinel_quorum": 4}, "redis_sentinel_quorum"),
    "quorum not a majority": ({"redis_sentinel_quorum": 1}, "redis_sentinel_quorum"),
    "empty key prefix": ({"redis_app_key_prefix": ""}, "redis_app_key_prefix"),
    "glob in key prefix": ({"redis_app_key_prefix": "*"}, "redis_app_key_prefix"),
    "misspelt option": ({"redis_flavor": "valkey"}, "redis_flavor"),
    "tls without files": ({"redis_tls_enabled": True, "redis_tls_ca_src": "/nonexistent/ca.crt"}, "redis_tls_ca_src"),
    "shared user name": ({"redis_app_user": "admin"}, "redis_app_user"),
    "more replicas to write than there are": ({"redis_min_replicas_to_write": 3}, "redis_min_replicas_to_write"),
}


def refused(inventory: str, extra: dict[str, object], named: str) -> None:
    run = run_playbook("playbooks/redis.yml", inventory, json.dumps(extra), check=True)
    assert run.rc != 0
    assert named in run.output
    assert set(run.changed().values()) <= {0}


@once_per_scenario
@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_stops_before_any_change(request: pytest.FixtureRequest, case: str) -> None:
    extra, named = CASES[case]
    refused(request.config.option.ansible_inventory, extra, named)


def test_valkey_on_debian_12_is_refused(request: pytest.FixtureRequest, host: Host) -> None:
    if host.system_info.release.split(".")[0] != "12":
        pytest.skip("Valkey is packaged on this release: the check only applies to Debian 12")
    refused(request.config.option.ansible_inventory, {"redis_flavour": "valkey"}, "redis_flavour")
