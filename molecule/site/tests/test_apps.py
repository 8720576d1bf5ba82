"""The shop, a Django project in Celery's usual layout, runs on the platform: its tasks use
Django's ORM with a database in the state directory, routed tasks run from their own
queues, and the smoke passes with results in Redis. A unit that keeps exiting after a
start fails the play with its name and journal."""

from __future__ import annotations

import json
import uuid

import pytest
from testinfra.host import Host

from conftest import BROKER_OF, CURRENT, FLOWER_UNIT, NAME, STATE_DIR, W1, WORKERS, call
from playbook_runs import run_playbook

testinfra_hosts = WORKERS


def test_a_django_task_writes_its_database_under_the_state_directory(host: Host) -> None:
    reference = f"order-{uuid.uuid4().hex[:8]}"
    answer = call(
        host, "orders.tasks.place_order", {"reference": reference, "sku": "MUG", "quantity": 3, "unit_cents": 450}
    )
    assert answer["state"] == "SUCCESS", answer
    assert answer["result"] == {"reference": reference, "total_cents": 1350}
    with host.sudo():
        database = host.file(f"{STATE_DIR}/shop.sqlite3")
        assert (database.exists, database.user) == (True, NAME)


@pytest.mark.parametrize(
    ("task", "args", "queue", "worker"),
    [
        ("orders.tasks.send_receipt", ["R-1"], "critical", "urgent"),
        ("orders.tasks.batch_totals", [], "batch", "urgent"),
        (
            "orders.tasks.place_order",
            [{"reference": "R-2", "sku": "CUP", "quantity": 1, "unit_cents": 100}],
            "default",
            "default",
        ),
    ],
)
def test_routed_tasks_run_from_their_own_queue(host: Host, task: str, args: list, queue: str, worker: str) -> None:
    # The shop keeps extended results (CELERY_RESULT_EXTENDED): each says where it ran.
    answer = call(host, task, *args)
    assert answer["state"] == "SUCCESS", answer
    assert (answer["queue"], answer["worker"]) == (queue, f"{worker}@{host.backend.get_hostname()}"), answer


def test_the_smoke_passes_with_results_in_redis(request: pytest.FixtureRequest, host: Host) -> None:
    if host.backend.get_hostname() != W1:
        pytest.skip("one smoke run covers the deployment (it sends from the first worker host)")
    run = run_playbook("playbooks/smoke.yml", request.config.option.ansible_inventory, "smoke_count=150")
    flat = " ".join(run.output.split())
    assert run.rc == 0, run.output[-3000:]
    assert "chord of 10 = 90" in flat
    for expected in ("completed 150", "lost 0", "duplicated 0"):
        assert expected in flat


def test_a_unit_that_keeps_exiting_fails_the_play_with_its_name(request: pytest.FixtureRequest, host: Host) -> None:
    if host.backend.get_hostname() != W1:
        pytest.skip("Flower runs on the beat host only")
    inventory = request.config.option.ansible_inventory
    with host.sudo():
        running = {"celery_project": "", "celery_release": host.check_output(f"readlink {CURRENT}").split("/")[-1]}
    # An address the host does not have (TEST-NET-1): Flower cannot bind it, exits, and
    # systemd starts it again, and again.
    broken = run_playbook(
        "playbooks/celery.yml", inventory, json.dumps({**running, "celery_flower_address": "192.0.2.1"}), limit=W1
    )
    restored = run_playbook("playbooks/celery.yml", inventory, json.dumps(running), limit=W1)
    flat = " ".join(broken.output.split())
    assert broken.rc != 0, broken.output[-3000:]
    assert f"{FLOWER_UNIT} is " in flat or f"{FLOWER_UNIT} was restarted" in flat, flat[-3000:]
    assert "Its last journal lines:" in flat
    assert restored.rc == 0, restored.output[-3000:]
    with host.sudo():
        assert host.service(FLOWER_UNIT).is_running


def test_both_brokers_serve_the_shop(host: Host) -> None:
    answer = call(host, "longshore.probe.add", 20, 22)
    assert answer["result"] == 42, answer
    with host.sudo():
        env = host.file(f"/etc/{NAME}/{NAME}.env").content_string
    assert f'LONGSHORE_BROKER="{BROKER_OF[host.backend.get_hostname()]}"' in env
    assert (
        json.loads(
            next(line.split("=", 1)[1] for line in env.splitlines() if line.startswith("LONGSHORE_QUEUES="))
            .strip('"')
            .replace('\\"', '"')
        )[0]["name"]
        == "default"
    )
