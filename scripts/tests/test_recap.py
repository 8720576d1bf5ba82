"""scripts/recap.py: the one-line summary `make lab` prints after site.yml."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from recap import recap, summary, task_runs

RUN = """
PLAY RECAP *********************************************************************
lab-rabbitmq1              : ok=95   changed={a}   unreachable=0    failed=0    skipped=21   rescued=0    ignored=0
lab-worker1                : ok=40   changed={b}   unreachable=0    failed={f}    skipped=7    rescued=0    ignored=0
"""


def test_a_run_without_changes_says_so() -> None:
    line, ok = summary("site.yml", recap(RUN.format(a=0, b=0, f=0)))
    assert ok
    assert line == "site.yml: nothing changed on 2 hosts (changed=0)"


def test_a_run_with_changes_names_the_hosts() -> None:
    line, ok = summary("site.yml", recap(RUN.format(a=0, b=3, f=0)))
    assert ok
    assert line == "site.yml: 3 changes on 1 of 2 hosts: lab-worker1 changed=3"


def test_a_failed_run_fails() -> None:
    line, ok = summary("site.yml", recap(RUN.format(a=0, b=0, f=1)))
    assert not ok
    assert "FAILED on lab-worker1" in line


def test_only_the_last_recap_counts() -> None:
    text = RUN.format(a=5, b=5, f=1) + RUN.format(a=0, b=0, f=0)
    assert summary("site.yml", recap(text)) == ("site.yml: nothing changed on 2 hosts (changed=0)", True)


def test_task_runs_count_what_ran_on_every_host_not_what_was_skipped() -> None:
    # ok counts changed tasks too; failed tasks ran; skipped ones did not.
    assert task_runs(recap(RUN.format(a=3, b=0, f=2))) == 95 + 40 + 2
