"""`ansible-playbook site.yml --check --diff` on the converged scenario (side_effect.yml runs
it first, before the drills change anything): it runs through every play, on a Debian 13
host and a Debian 12 host reached over SSH with sudo, and reports no change anywhere."""

from __future__ import annotations

import json
import os
from pathlib import Path

from playbook_runs import Run

testinfra_hosts = ["ansible://longshore-site-w1"]


def dry_run() -> Run:
    kept = json.loads((Path(os.environ["MOLECULE_EPHEMERAL_DIRECTORY"]) / "dry-run.json").read_text())
    return Run(rc=kept["rc"], output=kept["output"])


def test_site_runs_through_in_check_mode() -> None:
    run = dry_run()
    assert run.rc == 0, run.output[-4000:]
    assert "PLAY RECAP" in run.output


def test_check_mode_finds_nothing_to_change_on_a_converged_platform() -> None:
    changed = dry_run().changed()
    assert changed, "no play recap"
    assert {host: count for host, count in changed.items() if count} == {}, dry_run().output[-4000:]
