"""plain-tasks, an application that configures nothing, deployed beside the shop on w2
(converge.yml, plain.yml): the units give it the whole platform; the smoke passes with
rpc results and with none; renamed, it leaves no unit and no consumer behind. The tests
run in this order and change the deployment (results none, then a rename and back)."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from testinfra.host import Host

from conftest import W2, call, client
from playbook_runs import run_playbook

testinfra_hosts = [f"docker://{W2}"]

PLAIN = "plain"


def plain(request: pytest.FixtureRequest, *extra: str) -> str:
    """Run the play that deploys plain-tasks, with ``extra`` variables; its output."""
    run = run_playbook("molecule/site/plain.yml", request.config.option.ansible_inventory, *extra)
    assert run.rc == 0, run.output[-3000:]
    return run.output


def smoke(request: pytest.FixtureRequest, name: str = PLAIN) -> str:
    """The smoke through deployment ``name`` on w2 (its client knows the result backend)."""
    variables = {"celery_name": name, "smoke_sender": W2, "smoke_count": 100}
    run = run_playbook("playbooks/smoke.yml", request.config.option.ansible_inventory, json.dumps(variables), limit=W2)
    assert run.rc == 0, run.output[-3000:]
    return " ".join(run.output.split())


def test_an_app_that_configures_nothing_runs_its_tasks(host: Host) -> None:
    answer = call(host, "plaintasks.word_count", "the platform does the rest", name=PLAIN)
    assert (answer["state"], answer["result"]) == ("SUCCESS", 5), answer


def test_its_units_carry_the_platform_configuration(host: Host) -> None:
    with host.sudo():
        env = host.file(f"/etc/{PLAIN}/{PLAIN}.env").content_string
    assert 'CELERY_CONFIG_MODULE="longshore_celery.config"' in env
    assert 'LONGSHORE_RESULT_BACKEND="rpc"' in env
    rc, output = client(host, "connect", name=PLAIN)
    assert rc == 0, output
    assert "broker (rabbitmq): ok" in output


def test_the_smoke_passes_with_rpc_results(request: pytest.FixtureRequest) -> None:
    flat = smoke(request)
    assert "chord: skipped (result backend rpc)" in flat
    for expected in ("completed 100", "lost 0", "duplicated 0"):
        assert expected in flat


def test_the_smoke_passes_without_a_result_backend(request: pytest.FixtureRequest) -> None:
    plain(request, "plain_result_backend=none")
    flat = smoke(request)
    assert "round trip: skipped (result backend none)" in flat
    assert "idle: text empty, no task held by a worker" in flat
    for expected in ("completed 100", "lost 0", "duplicated 0"):
        assert expected in flat


def test_a_renamed_deployment_leaves_no_unit_and_no_consumer_behind(
    request: pytest.FixtureRequest, host: Host, inventory_host: Callable[[str], Host]
) -> None:
    renamed = {"plain_name": "plain-next", "celery_host_deployments": ["shop", "plain-next"]}
    plain(request, json.dumps({**renamed, "plain_result_backend": "none"}))
    with host.sudo():
        assert host.run(f"systemctl is-active {PLAIN}-worker@text.service").stdout.strip() != "active"
        assert host.run(f"systemctl is-enabled {PLAIN}-worker@text.service").stdout.strip() != "enabled"
        assert host.file(f"/etc/longshore/celery/{PLAIN}.retired").exists
        assert host.run("systemctl is-active plain-next-worker@text.service").stdout.strip() == "active"
    broker = inventory_host("longshore-site-broker")
    with broker.sudo():
        listed = broker.check_output("rabbitmqctl --quiet list_consumers -p plain queue_name --formatter json")
    # One worker unit serves the queue now: the renamed deployment's.
    assert [consumer["queue_name"] for consumer in json.loads(listed)].count("text") == 1, listed
    answer = call(host, "plaintasks.shout", "renamed", name="plain-next", wait=False)
    assert list(answer) == ["id"]  # sent; there is no result backend to wait on


def test_the_old_name_comes_back_when_listed_again(request: pytest.FixtureRequest, host: Host) -> None:
    plain(request)
    with host.sudo():
        assert host.run(f"systemctl is-active {PLAIN}-worker@text.service").stdout.strip() == "active"
        assert host.run("systemctl is-active plain-next-worker@text.service").stdout.strip() != "active"
    answer = call(host, "plaintasks.word_count", "back again", name=PLAIN)
    assert answer["result"] == 2, answer
