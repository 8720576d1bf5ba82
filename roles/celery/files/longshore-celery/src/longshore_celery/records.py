"""Execution records of the counting task, and the report made from them."""

from __future__ import annotations

import math
import re
import statistics
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

RUN_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")


def run_file(state_dir: Path, run: str) -> Path:
    """Path of the file that holds ``run``'s executions (created on first use)."""
    if not RUN_NAME.match(run):
        raise ValueError(f"run name {run!r}: use letters, digits, '_', '.', '-' (64 at most)")
    directory = state_dir / "executions"
    directory.mkdir(mode=0o750, exist_ok=True)
    return directory / f"{run}.log"


@dataclass(frozen=True)
class Execution:
    """One execution of a counting task."""

    run: str
    sequence: int
    sent_at: float
    started_at: float
    finished_at: float
    host: str
    task_id: str

    def line(self) -> str:
        return (
            f"{self.run} {self.sequence} {self.sent_at:.6f} {self.started_at:.6f} "
            f"{self.finished_at:.6f} {self.host} {self.task_id}\n"
        )

    @classmethod
    def parse(cls, line: str) -> Execution:
        run, sequence, sent, started, finished, host, task_id = line.split()
        return cls(run, int(sequence), float(sent), float(started), float(finished), host, task_id)


@dataclass(frozen=True)
class Report:
    """What became of ``sent`` counting tasks."""

    sent: int
    completed: int
    lost: int
    duplicated: int
    latency_median: float | None
    latency_p99: float | None

    def lines(self) -> list[str]:
        def seconds(value: float | None) -> str:
            return "n/a" if value is None else f"{value:.3f} s"

        return [
            f"sent        {self.sent}",
            f"completed   {self.completed}",
            f"lost        {self.lost}",
            f"duplicated  {self.duplicated}",
            f"latency     median {seconds(self.latency_median)}, p99 {seconds(self.latency_p99)}",
        ]


def report(sent: int, executions: Iterable[Execution]) -> Report:
    """Count completed, lost and duplicated tasks among sequence numbers 0..sent-1.

    Latency is from sending to the end of the first execution.
    """
    runs: Counter[int] = Counter()
    first_finish: dict[int, Execution] = {}
    for execution in executions:
        if not 0 <= execution.sequence < sent:
            continue
        runs[execution.sequence] += 1
        known = first_finish.get(execution.sequence)
        if known is None or execution.finished_at < known.finished_at:
            first_finish[execution.sequence] = execution
    latencies = sorted(e.finished_at - e.sent_at for e in first_finish.values())
    return Report(
        sent=sent,
        completed=len(runs),
        lost=sent - len(runs),
        duplicated=sum(n - 1 for n in runs.values()),
        latency_median=statistics.median(latencies) if latencies else None,
        latency_p99=percentile(latencies, 0.99),
    )


def percentile(ordered: list[float], fraction: float) -> float | None:
    """Nearest-rank percentile of an ascending list."""
    if not ordered:
        return None
    rank = max(1, min(len(ordered), math.ceil(fraction * len(ordered))))
    return ordered[rank - 1]
