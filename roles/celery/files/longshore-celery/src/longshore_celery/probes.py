"""The platform's probe tasks, registered on every application the library configures.

The smoke (playbooks/smoke.yml) and the drills send these by name, so they run against
whatever application is deployed:

- ``longshore.probe.add(x, y)`` and ``longshore.probe.total(values)``: a round trip and a
  chord (where the result backend can do chords);
- ``longshore.probe.sleep(seconds)``: holds a worker process (drain and stop drills);
- ``longshore.probe.count(run, sequence, sent_at, seconds=0)``: records each execution in
  ``<LONGSHORE_STATE_DIR>/executions/<run>.log``, so that a run's executions can be
  counted: a sequence number missing is a lost task, one seen twice a duplicated one.
- ``longshore.probe.poison(run, sequence, sent_at)``: records that it started, then kills
  the process that runs it (SIGKILL), every time: the poison-message drill.
"""

from __future__ import annotations

import os
import signal
import socket
import time
from pathlib import Path

from celery import shared_task

from longshore_celery.records import Execution, run_file

NAMESPACE = "longshore.probe"


def register() -> None:
    """Importing this module registers the tasks on every Celery application (they are
    shared tasks); this function exists so that callers say why they import it."""


@shared_task(name=f"{NAMESPACE}.add")
def add(x: int, y: int) -> int:
    """Return x + y."""
    return x + y


@shared_task(name=f"{NAMESPACE}.total")
def total(values: list[int]) -> int:
    """Return the sum of a chord's results."""
    return sum(values)


@shared_task(name=f"{NAMESPACE}.sleep")
def sleep(seconds: float) -> float:
    """Sleep ``seconds`` and return them: a task that is still running when asked to stop."""
    time.sleep(seconds)
    return seconds


@shared_task(name=f"{NAMESPACE}.count", bind=True)
def count(self, run: str, sequence: int, sent_at: float, seconds: float = 0.0) -> int:  # noqa: ANN001
    """Record this execution of task ``sequence`` of ``run``, after ``seconds`` of work."""
    started = time.time()
    if seconds:
        time.sleep(seconds)
    execution = Execution(
        run=run,
        sequence=sequence,
        sent_at=sent_at,
        started_at=started,
        finished_at=time.time(),
        host=socket.gethostname(),
        task_id=self.request.id or "",
    )
    state_dir = getattr(self.app.conf, "longshore_state_dir", None) or os.environ["LONGSHORE_STATE_DIR"]
    path = run_file(Path(state_dir), run)
    # One short line per write with O_APPEND: lines from concurrent processes never mix.
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        os.write(fd, execution.line().encode())
    finally:
        os.close(fd)
    return sequence


@shared_task(name=f"{NAMESPACE}.poison", bind=True)
def poison(self, run: str, sequence: int, sent_at: float) -> None:  # noqa: ANN001
    """Record this attempt of task ``sequence`` of ``run``, then kill this process."""
    now = time.time()
    execution = Execution(run, sequence, sent_at, now, now, socket.gethostname(), self.request.id or "")
    state_dir = getattr(self.app.conf, "longshore_state_dir", None) or os.environ["LONGSHORE_STATE_DIR"]
    fd = os.open(run_file(Path(state_dir), run), os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        os.write(fd, execution.line().encode())
    finally:
        os.close(fd)
    os.kill(os.getpid(), signal.SIGKILL)
