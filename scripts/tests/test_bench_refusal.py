"""Every bench/ drill and benchmark refuses an inventory that is not a lab, in one line,
before it touches any host (they kill processes: never against staging or production)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Playbooks that are run on their own (the others are imported by these).
BENCHES = sorted(
    path.name for path in (ROOT / "bench").glob("*.yml") if path.name not in ("lab-check.yml", "fetch-records.yml")
)


def test_every_bench_is_listed() -> None:
    assert {"rabbitmq-node-loss.yml", "redis-failover-load.yml", "tls-cost.yml", "worker-crash.yml"} <= set(BENCHES)


@pytest.mark.parametrize("bench", BENCHES)
def test_a_bench_refuses_staging_before_touching_a_host(bench: str) -> None:
    result = subprocess.run(
        ["ansible-playbook", "-i", "inventories/staging", f"bench/{bench}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode != 0
    refusals = re.findall(r"msg: '?(Refused: .*?)'?$", result.stdout, re.MULTILINE)
    assert refusals == ["Refused: inventories/staging is not a lab (8 hosts without longshore_drills_allowed)"]
    recap = result.stdout.rpartition("PLAY RECAP")[2]
    assert re.findall(r"^(\S+) +: ok=", recap, re.MULTILINE) == ["localhost"]
