"""Runs a project playbook against a scenario's inventory, as an operator would."""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]

# Bad-input checks run the assert tasks, which do not depend on the Debian release:
# scripts/test.sh runs them on a scenario's first release only.
once_per_scenario = pytest.mark.skipif(
    os.environ.get("LONGSHORE_FIRST_RELEASE") == "0",
    reason="release-independent: checked on the scenario's first release",
)


@dataclass(frozen=True)
class Run:
    rc: int
    output: str

    def changed(self) -> dict[str, int]:
        """Changed-task counts per host, from the play recap."""
        return {host: int(n) for host, n in re.findall(r"^(\S+)\s+: ok=\d+\s+changed=(\d+)", self.output, re.MULTILINE)}


def run_playbook(
    playbook: str, inventory: str, *extra_vars: str, check: bool = False, limit: str = "", timeout: int = 600
) -> Run:
    """Run ``playbook`` (on the hosts of ``limit`` only, when given); with ``check``, in
    check mode, so a run that should have been refused and was not still changes nothing
    on the scenario's hosts."""
    args = ["ansible-playbook", "-i", inventory, str(PROJECT / playbook)] + (["--check"] if check else [])
    if limit:
        args += ["--limit", limit]
    for extra in extra_vars:
        args += ["-e", extra]
    env = dict(os.environ, ANSIBLE_ROLES_PATH=str(PROJECT / "roles"), ANSIBLE_FORCE_COLOR="false", NO_COLOR="1")
    result = subprocess.run(args, capture_output=True, text=True, env=env, timeout=timeout, check=False, cwd=PROJECT)
    return Run(result.returncode, result.stdout + result.stderr)


def changed_inventory(source: str, change: Callable[[dict, dict], None], out: Path) -> Path:
    """The scenario's inventory, flattened (every host with its variables), its groups or
    host variables changed by ``change(groups, hostvars)``."""
    listed = json.loads(
        subprocess.run(["ansible-inventory", "-i", source, "--list"], capture_output=True, text=True, check=True).stdout
    )
    hostvars = listed["_meta"]["hostvars"]
    groups = {
        name: list(value.get("hosts", []))
        for name, value in listed.items()
        if name not in ("_meta", "all", "ungrouped") and isinstance(value, dict)
    }
    # Parent groups (celery) are rebuilt from their children below.
    groups.pop("celery", None)
    change(groups, hostvars)
    inventory = {
        "all": {
            "hosts": hostvars,
            "children": {
                **{name: {"hosts": dict.fromkeys(members, None)} for name, members in groups.items()},
                "celery": {"children": {"celery_worker": {}, "celery_beat": {}}},
            },
        }
    }
    out.write_text(json.dumps(inventory))
    return out
