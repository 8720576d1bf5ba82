"""Tasks that exercise the platform.

``add`` and ``total`` round-trip and build a chord; ``sleep`` holds a worker for a given
time (drain and stop tests); ``count`` records each execution in the state directory so
that a run's executions can be counted: a sequence number missing is a lost task, one
seen twice a duplicated one.
"""

from __future__ import annotations

import os
import socket
import time
from pathlib import Path

from celery import shared_task

from longshore_app.records import Execution, run_file


@shared_task(name="longshore.add")
def add(x: int, y: int) -> int:
    """Return x + y."""
    return x + y


@shared_task(name="longshore.total")
def total(values: list[int]) -> int:
    """Return the sum of a chord's results."""
    return sum(values)


@shared_task(name="longshore.sleep")
def sleep(seconds: float) -> float:
    """Sleep ``seconds`` and return them: a task that is still running when asked to stop."""
    time.sleep(seconds)
    return seconds


@shared_task(name="longshore.count", bind=True)
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
    path = run_file(Path(self.app.conf.longshore_state_dir), run)
    # One short line per write with O_APPEND: lines from concurrent processes never mix.
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        os.write(fd, execution.line().encode())
    finally:
        os.close(fd)
    return sequence
