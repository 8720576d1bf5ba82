"""Summarise an ansible-playbook run from its output: which hosts changed, which failed.

    ansible-playbook site.yml | tee run.log; python scripts/recap.py run.log
    python scripts/recap.py --task-runs run.log

Prints one line ("site.yml: nothing changed on 8 hosts" or the hosts and their counts)
and exits 1 when any host failed or was unreachable. With --task-runs, prints the task
runs summed over hosts (the recap's ok, which includes changed, plus failed) and the
hosts: "923 8".
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

RECAP_LINE = re.compile(r"^(?P<host>\S+)\s+:\s+(?P<counts>(?:\w+=\d+\s*)+)$")


def recap(text: str) -> dict[str, dict[str, int]]:
    """Host -> counts of the last PLAY RECAP in ``text``."""
    _, _, tail = text.rpartition("PLAY RECAP")
    hosts: dict[str, dict[str, int]] = {}
    for line in tail.splitlines():
        match = RECAP_LINE.match(line.strip())
        if match:
            counts = dict(pair.split("=") for pair in match["counts"].split())
            hosts[match["host"]] = {name: int(value) for name, value in counts.items()}
    return hosts


def summary(name: str, hosts: dict[str, dict[str, int]]) -> tuple[str, bool]:
    if not hosts:
        return f"{name}: no PLAY RECAP found", False
    broken = {h: c for h, c in hosts.items() if c.get("failed", 0) or c.get("unreachable", 0)}
    if broken:
        listed = ", ".join(
            f"{host} (failed={counts.get('failed', 0)}, unreachable={counts.get('unreachable', 0)})"
            for host, counts in broken.items()
        )
        return f"{name}: FAILED on {listed}", False
    changed = {h: c["changed"] for h, c in hosts.items() if c.get("changed", 0)}
    if not changed:
        return f"{name}: nothing changed on {len(hosts)} hosts (changed=0)", True
    listed = ", ".join(f"{h} changed={n}" for h, n in sorted(changed.items()))
    return f"{name}: {sum(changed.values())} changes on {len(changed)} of {len(hosts)} hosts: {listed}", True


def task_runs(hosts: dict[str, dict[str, int]]) -> int:
    """Tasks that ran, summed over hosts: the recap's ``ok`` (which counts changed tasks
    too) plus ``failed``; skipped tasks did not run."""
    return sum(counts.get("ok", 0) + counts.get("failed", 0) for counts in hosts.values())


def main(argv: list[str]) -> int:
    if len(argv) == 3 and argv[1] == "--task-runs":
        hosts = recap(Path(argv[2]).read_text(errors="replace"))
        print(task_runs(hosts), len(hosts))
        return 0 if hosts else 1
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    path = Path(argv[1])
    line, ok = summary(path.stem, recap(path.read_text(errors="replace")))
    print(line)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
