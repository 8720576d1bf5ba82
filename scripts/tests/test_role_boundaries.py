"""Roles are self-contained: nothing outside a role reads its internals.

A role's internal variables are named `__<role>_...` (STYLE.md); playbooks, benches,
Molecule scenarios and scripts use public variables and entry points only. A role does
not reach into the repository around it (`role_path` followed by `..`).
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
ROLES = sorted(path.name for path in (ROOT / "roles").iterdir() if (path / "tasks").is_dir())
INTERNAL = re.compile(r"\b__(?:" + "|".join(map(re.escape, ROLES)) + r")_[a-z0-9_]+")
OUTSIDE = ["site.yml", "playbooks", "bench", "molecule", "scripts", "app", "examples", "inventories"]
SUFFIXES = {".yml", ".yaml", ".py", ".sh", ".j2", ".cfg", ".ini"}


def files_outside_roles() -> list[Path]:
    found = []
    for name in OUTSIDE:
        path = ROOT / name
        candidates = [path] if path.is_file() else path.rglob("*")
        found.extend(
            candidate
            for candidate in candidates
            if candidate.is_file() and candidate.suffix in SUFFIXES and candidate != Path(__file__).resolve()
        )
    return found


def test_the_roles_are_found() -> None:
    assert {"celery", "rabbitmq", "redis", "redis_sentinel", "pki", "base"} <= set(ROLES)


def test_nothing_outside_the_roles_reads_their_internals() -> None:
    offences = [
        f"{path.relative_to(ROOT)}:{number}: {match.group(0)}"
        for path in files_outside_roles()
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), start=1)
        for match in INTERNAL.finditer(line)
    ]
    assert offences == []


def test_no_role_reaches_out_of_its_directory() -> None:
    offences = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in (ROOT / "roles").rglob("*")
        if path.is_file() and path.suffix in SUFFIXES
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), start=1)
        if re.search(r"role_path\s*(\}\}|~\s*['\"])\s*/?\.\.", line) or "role_path }}/../" in line
    ]
    assert offences == []


def test_the_check_finds_an_internal() -> None:
    assert INTERNAL.search("{{ __redis_sentinel_master_address }}")
    assert INTERNAL.search("when: __celery_release_name is defined")
    assert not INTERNAL.search("{{ redis_sentinel_master_address }}")
    assert not INTERNAL.search("{{ __drill_node }}")


def role_entries(node: object) -> list[tuple[str, str]]:
    """(role, tasks_from) of every include_role/import_role found anywhere in ``node``."""
    found = []
    if isinstance(node, dict):
        for key in ("ansible.builtin.include_role", "ansible.builtin.import_role", "include_role", "import_role"):
            call = node.get(key)
            if isinstance(call, dict) and "tasks_from" in call:
                found.append((str(call.get("name")), str(call["tasks_from"])))
        for value in node.values():
            found += role_entries(value)
    elif isinstance(node, list):
        for value in node:
            found += role_entries(value)
    return found


def test_every_entry_point_called_is_in_its_role_argument_specs() -> None:
    # Ansible validates an entry point's variables only when tasks_from names it exactly as
    # meta/argument_specs.yml does ("assert", not "assert.yml").
    specs = {
        role: set(yaml.safe_load((ROOT / "roles" / role / "meta" / "argument_specs.yml").read_text())["argument_specs"])
        for role in ROLES
        if (ROOT / "roles" / role / "meta" / "argument_specs.yml").exists()
    }
    calls = [
        (path.relative_to(ROOT), role, entry)
        for path in [*files_outside_roles(), *(ROOT / "roles").rglob("*.yml")]
        if path.suffix == ".yml"
        for role, entry in role_entries(yaml.safe_load(path.read_text()))
        if "{{" not in entry
    ]
    assert calls
    assert [call for call in calls if call[2] not in specs.get(call[1], set())] == []
