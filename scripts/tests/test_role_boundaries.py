"""Roles are self-contained: nothing outside a role reads its internals.

A role's internal variables are named `__<role>_...` (STYLE.md); playbooks, benches,
Molecule scenarios and scripts use public variables and entry points only. A role does
not reach into the repository around it (`role_path` followed by `..`).
"""

from __future__ import annotations

import re
from pathlib import Path

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
