"""Figures of a load that ran through a broker failure: what was lost or ran twice, and how
long no task finished.

    python bench/outage_report.py --run R --sent N --failed-at T --bench NAME [--target S] [--append FILE] RECORDS...

T is the time of the failure (Unix time, the SIGKILL). The outage is the longest stretch,
from T on, in which no task of the run finished: it starts at T or at a task's finish after
T (work the workers already held may finish first), and ends when a task finishes again.
"Resumed after" is the end of that stretch, counted from T. With --target, the resume is
compared with it. With --append, a dated row (with the commit) is added to FILE's table of
bench runs. Exits 1 when a task was lost or none finished after T.
"""

from __future__ import annotations

import argparse
import itertools
import re
import sys
from pathlib import Path

from runs import append_row, executions_of

from longshore_celery import records

# What `longshore-celery send --wait` prints when results are missing at the end of its wait.
UNFINISHED = re.compile(r"(\d+) of \d+ tasks not finished after")


def outage(finishes: list[float], failed_at: float) -> tuple[float, float] | None:
    """(start, end) of the longest stretch from ``failed_at`` without a finish; None when no
    task finished after ``failed_at``."""
    after = sorted(finished for finished in finishes if finished >= failed_at)
    if not after:
        return None
    points = [failed_at, *after]
    start, end = max(itertools.pairwise(points), key=lambda pair: pair[1] - pair[0])
    return start, end


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--run", required=True)
    parser.add_argument("--sent", type=int, required=True)
    parser.add_argument("--failed-at", type=float, required=True)
    parser.add_argument("--bench", required=True, help="the bench's name in the appended row")
    parser.add_argument("--target", type=float, default=None, help="seconds within which work must resume")
    parser.add_argument("--client-output", default="", help="what the load's client printed (send --wait)")
    parser.add_argument("--append", type=Path, default=None)
    parser.add_argument("files", nargs="+", type=Path)
    arguments = parser.parse_args(argv)

    executions = executions_of(arguments.run, arguments.files)
    summary = records.report(arguments.sent, executions)
    printed = [
        f"sent {summary.sent}, completed {summary.completed}, lost {summary.lost}, duplicated {summary.duplicated}"
    ]
    stretch = outage([execution.finished_at for execution in executions], arguments.failed_at)
    if stretch is None:
        printed.append("no task finished after the failure")
    else:
        start, end = stretch
        printed.append(
            f"no task finished for {end - start:.2f} s (from {start - arguments.failed_at:.2f} s to "
            f"{end - arguments.failed_at:.2f} s after the kill): work resumed "
            f"{end - arguments.failed_at:.2f} s after it"
        )
        if arguments.target is not None:
            verdict = "within" if end - arguments.failed_at <= arguments.target else "OVER"
            printed.append(f"target: resume within {arguments.target:.1f} s: {verdict}")
    if summary.lost:
        printed.append(f"{summary.lost} tasks never completed: work did not resume for all of them")
    waiting = UNFINISHED.search(arguments.client_output)
    if waiting:
        printed.append(
            f"the client got no result for {waiting[1]} task(s) within its wait, though every task that ran is counted"
            " above: a task whose worker lost its broker before acknowledging it runs again later (at least once)"
        )
    print("\n".join(printed))
    if arguments.append:
        append_row(arguments.append, arguments.bench, "; ".join(printed))
    return 0 if summary.lost == 0 and stretch is not None else 1


if __name__ == "__main__":
    sys.exit(main())
