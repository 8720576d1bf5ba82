"""Figures of the worker-crash drill: what the load lost and ran twice, and whether every
task that was running on the killed worker completed later.

    python bench/crash_report.py --run R --sent N --killed ID,ID --back-after S [--append FILE] RECORDS...

Exits 1 when a task was lost or a killed task has no execution record (a task can run
twice after a crash: at least once is the promise, so duplicates are counted, not failed).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from runs import append_row, executions_of

from longshore_celery import records


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--run", required=True)
    parser.add_argument("--sent", type=int, required=True)
    parser.add_argument("--killed", default="", help="ids of the tasks running on the worker when it was killed")
    parser.add_argument("--back-after", required=True, help="seconds until the killed worker answered again")
    parser.add_argument("--append", type=Path, default=None)
    parser.add_argument("files", nargs="+", type=Path)
    arguments = parser.parse_args(argv)

    executions = executions_of(arguments.run, arguments.files)
    summary = records.report(arguments.sent, executions)
    killed = [task for task in arguments.killed.split(",") if task]
    recorded = {execution.task_id for execution in executions}
    completed_later = [task for task in killed if task in recorded]
    printed = [
        f"sent {summary.sent}, completed {summary.completed}, lost {summary.lost}, duplicated {summary.duplicated}",
        f"running on the killed worker: {len(killed)}, of which completed later: {len(completed_later)}",
        f"killed worker answered again after {arguments.back_after} s",
    ]
    print("\n".join(printed))
    if arguments.append:
        append_row(arguments.append, "worker crash (bench/worker-crash.yml, SIGKILL)", "; ".join(printed))
    return 0 if summary.lost == 0 and len(completed_later) == len(killed) else 1


if __name__ == "__main__":
    sys.exit(main())
