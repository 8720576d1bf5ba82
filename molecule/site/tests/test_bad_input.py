"""Bad inventory values stop playbooks/celery.yml before any host changes, naming the
variable (check mode, so a run that was not refused still changes nothing). Two more
cases need a project or a second deployment of their own (below)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from playbook_runs import PROJECT, once_per_scenario, run_playbook

testinfra_hosts = ["ansible://longshore-site-w1"]

CASES = {
    "application that does not load with the hosts' Python": (
        {"celery_app": "shop.missing"},
        "celery_app 'shop.missing' does not load with the Python of longshore-site-w",
    ),
    "project without a pyproject.toml": (
        {"celery_project": str(PROJECT / "molecule")},
        "which has no pyproject.toml",
    ),
    "route to an unknown queue": (
        {"celery_routes": [{"task": "orders.tasks.place_order", "queue": "nowhere"}]},
        "celery_routes entry",
    ),
    "queue routed to but served by no worker": (
        {
            "celery_queues": [{"name": "default"}, {"name": "critical"}, {"name": "batch"}, {"name": "reports"}],
            "celery_routes": [{"task": "orders.tasks.batch_totals", "queue": "reports"}],
        },
        "reports: routed to",
    ),
    "worker serving a queue outside the layout": (
        {"celery_workers": [{"name": "default", "queues": ["elsewhere"]}]},
        "celery_workers entry default",
    ),
    "Flower on a port another service uses": (
        {"celery_flower_port": 22},
        "celery_flower_port 22 on longshore-site-w1 is taken by SSH",
    ),
    "extra environment that would replace the broker": (
        {"celery_environment": {"CELERY_BROKER_URL": "amqp://guest:guest@localhost//"}},
        "set CELERY_BROKER_URL",
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


@once_per_scenario
def test_two_deployments_on_one_host_with_the_same_port_are_refused(request: pytest.FixtureRequest) -> None:
    # plain-tasks beside the shop on w1, with its Flower on the shop's port.
    extra = {
        "plain_hosts": "longshore-site-w1",
        "celery_host_deployments": ["shop", "plain"],
        "celery_flower_enabled": True,
        "celery_flower_password": "plain-flower-password-for-tests-09",
        "celery_flower_port": 5555,
    }
    inventory = request.config.option.ansible_inventory
    run = run_playbook("molecule/site/plain.yml", inventory, json.dumps(extra), check=True)
    assert run.rc != 0
    assert "celery_flower_port 5555 on longshore-site-w1 is taken by the Flower of Celery deployment shop" in run.output
    assert set(run.changed().values()) <= {0}


@pytest.fixture
def project_without_wheels(tmp_path: Path) -> Path:
    """plain-tasks with a dependency that PyPI has no Linux wheel of (PyYAML 5.3.1: a source
    archive and Windows wheels only), locked."""
    project = tmp_path / "no-wheels"
    shutil.copytree(PROJECT / "examples" / "plain-tasks", project, ignore=shutil.ignore_patterns("requirements.lock"))
    pyproject = project / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('"celery>=5.6,<6"', '"celery>=5.6,<6", "PyYAML==5.3.1"'))
    return project


@once_per_scenario
def test_a_dependency_without_a_wheel_for_a_host_is_refused(
    request: pytest.FixtureRequest, project_without_wheels: Path
) -> None:
    inventory = request.config.option.ansible_inventory
    project = json.dumps({"celery_project": str(project_without_wheels)})
    locked = run_playbook("playbooks/lock.yml", inventory, project)
    assert locked.rc == 0, locked.output
    run = run_playbook("playbooks/celery.yml", inventory, project, check=True)
    assert run.rc != 0
    flat = " ".join(run.output.split())
    assert "no wheel for Python" in flat
    assert "pyyaml" in flat.lower()
    assert "longshore-site-w" in flat
    assert set(run.changed().values()) <= {0}
