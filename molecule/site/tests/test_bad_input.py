"""Bad inventory values stop playbooks/celery.yml before any host changes, naming the
variable (check mode, so a run that was not refused still changes nothing)."""

from __future__ import annotations

import json

import pytest

from playbook_runs import once_per_scenario, run_playbook

testinfra_hosts = ["ansible://longshore-site-w1"]

CASES = {
    "application that does not import": (
        {"celery_app": "longshore_app.missing"},
        "longshore_app.missing does not import",
    ),
    "beat on two hosts": ({"celery_beat_enabled": True}, "celery_beat_enabled is true on 3 host(s)"),
    "time limit not below the stop timeout": (
        {"celery_task_time_limit": 120, "celery_task_soft_time_limit": 100, "celery_stop_timeout": 120},
        "celery_stop_timeout",
    ),
    "no broker": ({"celery_broker": ""}, "set celery_broker to rabbitmq"),
    "restart delay below a second": ({"celery_worker_restart_sec": 0}, "celery_worker_restart_sec is '0'"),
    "broker without hosts": ({"celery_rabbitmq_nodes": []}, "0 RabbitMQ node(s)"),
    "several RabbitMQ nodes without one TLS name": (
        {"celery_rabbitmq_nodes": ["mq1.example", "mq2.example"], "celery_rabbitmq_tls_name": ""},
        "with 2 RabbitMQ nodes, give the one host name",
    ),
    "RabbitMQ TLS name that is not a host name": ({"celery_rabbitmq_tls_name": "rabbit*"}, "celery_rabbitmq_tls_name"),
    "worker without queues": ({"celery_workers": [{"name": "default", "queues": []}]}, "celery_workers entry default"),
    "missing password": ({"celery_redis_password": ""}, "celery_redis_password"),
    "key prefix outside the ACL": ({"celery_key_prefix": "other:"}, "celery_key_prefix"),
    "misspelt option": ({"celery_worker": []}, "celery_worker"),
}


@once_per_scenario
@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_stops_before_any_change(request: pytest.FixtureRequest, case: str) -> None:
    extra, named = CASES[case]
    run = run_playbook("playbooks/celery.yml", request.config.option.ansible_inventory, json.dumps(extra), check=True)
    assert run.rc != 0
    assert named in run.output
    assert set(run.changed().values()) <= {0}
