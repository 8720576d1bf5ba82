"""A bad value anywhere stops site.yml in its first play (playbooks/preflight.yml), with the
variable named, before any host changes: the roles' argument specs (types, choices) and
their range checks all run there, for every host."""

from __future__ import annotations

import json

import pytest

from playbook_runs import once_per_scenario, run_playbook

testinfra_hosts = ["ansible://longshore-site-w1"]

CASES = {
    "log level not one of Celery's": ({"celery_log_level": "verbose"}, "celery_log_level"),
    "log rotation not a logrotate period": ({"celery_log_rotate": "hourly"}, "celery_log_rotate"),
    "no release kept": ({"celery_releases_kept": 0}, "celery_releases_kept"),
    "port out of range": ({"celery_rabbitmq_port": 99999}, "celery_rabbitmq_port"),
    "memory limit Redis cannot read": ({"redis_maxmemory": "lots"}, "redis_maxmemory"),
    "worker host without a worker": ({"celery_workers": []}, "celery_workers"),
    "SSH open to the whole Internet": ({"firewall_admin_networks": ["0.0.0.0/0"]}, "firewall_admin_networks"),
    # w2 is reached over SSH from the scenario network's gateway, which this list leaves out.
    "a firewall that would lock the controller out": (
        {"firewall_admin_networks": ["192.0.2.0/24"]},
        "would lock the controller",
    ),
    "a firewall rule without a source": (
        {"firewall_extra_rules": [{"name": "metrics", "port": 9100, "sources": []}]},
        "firewall_extra_rules",
    ),
}


@once_per_scenario
@pytest.mark.parametrize("case", list(CASES))
def test_a_bad_value_stops_site_in_its_first_play(request: pytest.FixtureRequest, case: str) -> None:
    extra, named = CASES[case]
    run = run_playbook("site.yml", request.config.option.ansible_inventory, json.dumps(extra), check=True)
    assert run.rc != 0, run.output[-3000:]
    assert named in run.output
    assert set(run.changed().values()) <= {0}
    plays = [line for line in run.output.splitlines() if line.startswith("PLAY [")]
    assert plays[-1].startswith("PLAY [Check the inventory fits the platform]"), plays
