"""An inventory whose groups do not fit the platform stops site.yml in its first play
(playbooks/preflight.yml), naming the group and the fix, before any host changes. Each case
is the scenario's own inventory with its groups changed (check mode, so a run that was not
refused still changes nothing)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from playbook_runs import changed_inventory, once_per_scenario, run_playbook

testinfra_hosts = ["ansible://longshore-site-w1"]

BROKER, W1, W2 = "longshore-site-broker", "longshore-site-w1", "longshore-site-w2"


def without_redis(groups: dict[str, list[str]], hostvars: dict[str, dict]) -> None:
    groups["redis"], groups["redis_sentinel"] = [], []
    hostvars[W2]["celery_broker"] = "redis"


def two_beats(groups: dict[str, list[str]], hostvars: dict[str, dict]) -> None:
    groups["celery_beat"] = [W1, W2]


def even_rabbitmq(groups: dict[str, list[str]], hostvars: dict[str, dict]) -> None:
    groups["rabbitmq"] = [BROKER, W2]


def no_workers(groups: dict[str, list[str]], hostvars: dict[str, dict]) -> None:
    groups["celery_worker"] = []


CASES: dict[str, tuple[Callable[[dict, dict], None], str]] = {
    "broker redis, no redis hosts": (without_redis, "group redis has 0 host(s)"),
    "beat on two hosts": (two_beats, "Group celery_beat has 2 host(s)"),
    "even number of RabbitMQ nodes": (even_rabbitmq, "Group rabbitmq has 2 host(s)"),
    "no worker hosts": (no_workers, "Group celery_worker is empty"),
}


@once_per_scenario
@pytest.mark.parametrize("case", list(CASES))
def test_site_refuses_groups_that_do_not_fit(request: pytest.FixtureRequest, tmp_path: Path, case: str) -> None:
    change, named = CASES[case]
    inventory = changed_inventory(request.config.option.ansible_inventory, change, tmp_path / "inventory.json")
    run = run_playbook("site.yml", str(inventory), check=True)
    assert run.rc != 0
    assert named in run.output
    assert set(run.changed().values()) <= {0}
    plays = [line for line in run.output.splitlines() if line.startswith("PLAY [")]
    assert plays
    assert plays[-1].startswith("PLAY [Check the inventory fits the platform]"), plays


def beat_moved_to_w2(groups: dict[str, list[str]], hostvars: dict[str, dict]) -> None:
    groups["celery_beat"] = [W2]
    # What group_vars/celery_beat gave w1 (Flower's user and password) goes with the beat.
    hostvars[W2].update({key: value for key, value in hostvars[W1].items() if key.startswith("celery_flower_")})
    hostvars[W1].update(celery_beat_enabled=False, celery_flower_enabled=False)
    hostvars[W2].update(celery_beat_enabled=True, celery_flower_enabled=True)


@once_per_scenario
def test_moving_the_beat_with_a_limit_that_leaves_the_old_host_out_is_refused(
    request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    # The beat and Flower run on w1. Moved to w2 in the inventory, a run limited to w2 could
    # not stop them on w1: two beats would send every periodic task twice.
    inventory = changed_inventory(request.config.option.ansible_inventory, beat_moved_to_w2, tmp_path / "inv.json")
    run = run_playbook("playbooks/celery.yml", str(inventory), check=True, limit=W2)
    flat = " ".join(run.output.split())
    assert run.rc != 0, flat[-3000:]
    assert f"-beat on {W1}" in flat, flat[-3000:]
    assert f"-flower on {W1}" in flat
    assert "runs outside this run's --limit" in flat
    assert set(run.changed().values()) <= {0}
