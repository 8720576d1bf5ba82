"""Figures of a load that ran through a rollout: what was lost or ran twice, the throughput
before the rollout, and the lowest throughput during it as a fraction of that.

    python bench/throughput.py --run R --sent N --start T0 --end T1 [--window 5] [--append FILE] RECORDS...

T0 and T1 are the rollout's start and end (Unix time). Throughput is counted in windows of
--window seconds by the time each task finished; the baseline is the mean of the whole
windows between the first task's finish and T0. With --append, a dated row (with the
commit) is added to FILE's table of bench runs.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from runs import append_row, executions_of

from longshore_celery import records


def windows(finishes: list[float], origin: float, width: float) -> dict[int, int]:
    """Index of each window (from ``origin``) -> tasks that finished in it."""
    counts: dict[int, int] = {}
    for finished in finishes:
        index = int((finished - origin) // width)
        counts[index] = counts.get(index, 0) + 1
    return counts


def figures(executions: list[records.Execution], sent: int, start: float, end: float, width: float) -> dict[str, float]:
    summary = records.report(sent, executions)
    finishes = sorted(e.finished_at for e in executions)
    if not finishes:
        raise SystemExit("throughput: no execution recorded")
    origin = finishes[0]
    counts = windows(finishes, origin, width)
    before = [counts.get(i, 0) / width for i in range(int((start - origin) // width))]
    if not before:
        raise SystemExit("throughput: no whole window before the rollout started: let the load run longer first")
    first_during, last_during = int((start - origin) // width), int((end - origin) // width)
    if finishes[-1] < end:
        raise SystemExit("throughput: the load ran out before the rollout ended: send more tasks")
    during = [counts.get(i, 0) / width for i in range(first_during, last_during + 1)]
    baseline = sum(before) / len(before)
    return {
        "sent": sent,
        "completed": summary.completed,
        "lost": summary.lost,
        "duplicated": summary.duplicated,
        "rollout_seconds": end - start,
        "baseline_per_second": baseline,
        "lowest_per_second": min(during),
        "lowest_fraction": min(during) / baseline,
    }


def lines(result: dict[str, float]) -> list[str]:
    return [
        f"sent {result['sent']:.0f}, completed {result['completed']:.0f}, lost {result['lost']:.0f}, "
        f"duplicated {result['duplicated']:.0f}",
        f"rollout {result['rollout_seconds']:.1f} s",
        f"throughput before {result['baseline_per_second']:.1f} tasks/s, lowest during the rollout "
        f"{result['lowest_per_second']:.1f} tasks/s = {result['lowest_fraction']:.2f} of before",
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--run", required=True)
    parser.add_argument("--sent", type=int, required=True)
    parser.add_argument("--start", type=float, required=True)
    parser.add_argument("--end", type=float, required=True)
    parser.add_argument("--window", type=float, default=5.0)
    parser.add_argument("--bench", default="rolling restart")
    parser.add_argument("--append", type=Path, default=None)
    parser.add_argument("files", nargs="+", type=Path)
    arguments = parser.parse_args(argv)

    executions = executions_of(arguments.run, arguments.files)
    result = figures(executions, arguments.sent, arguments.start, arguments.end, arguments.window)
    printed = lines(result)
    print("\n".join(printed))
    if arguments.append:
        append_row(arguments.append, arguments.bench, "; ".join(printed))
    return 0 if result["lost"] == 0 and result["duplicated"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
