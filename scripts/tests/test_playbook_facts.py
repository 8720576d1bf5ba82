"""Plays that gather facts gather the same subsets.

ansible.cfg sets `gathering = smart`: a host's facts are gathered by the first play of a
run that asks, and later plays reuse them. A play that gathered `min` alone left
`default_ipv4` undefined for every later play of the same run
(`ansible-playbook playbooks/base.yml playbooks/redis.yml` failed on new hosts), so every
play that gathers asks for min and network (or for everything, Ansible's default).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
PLAYBOOKS = sorted([ROOT / "site.yml", *(ROOT / "playbooks").glob("*.yml"), *(ROOT / "bench").glob("*.yml")])
NEEDED = {"min", "network"}


def gathering_plays(path: Path) -> list[tuple[str, object]]:
    plays = yaml.safe_load(path.read_text()) or []
    return [
        (play.get("name", "(unnamed)"), play.get("gather_subset"))
        for play in plays
        if isinstance(play, dict) and "hosts" in play and play.get("gather_facts", True) is True
    ]


@pytest.mark.parametrize("path", PLAYBOOKS, ids=lambda path: str(path.relative_to(ROOT)))
def test_every_gathering_play_asks_for_min_and_network(path: Path) -> None:
    short = [
        (name, subset)
        for name, subset in gathering_plays(path)
        if subset is not None and not set([subset] if isinstance(subset, str) else subset) >= NEEDED
    ]
    assert short == []


def test_the_check_sees_a_play_that_gathers_min_only(tmp_path: Path) -> None:
    playbook = tmp_path / "play.yml"
    playbook.write_text("- name: Min only\n  hosts: all\n  gather_facts: true\n  gather_subset: [min]\n  tasks: []\n")
    assert gathering_plays(playbook) == [("Min only", ["min"])]
