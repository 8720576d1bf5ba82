"""What every bench shares: reading a run's execution records, and adding a dated row with
the commit to the table of bench runs in docs/BENCHMARKS.md.

    python bench/runs.py --append FILE --bench NAME TEXT     add one row (for playbooks)
"""

from __future__ import annotations

import argparse
import datetime
import subprocess
import sys
from pathlib import Path

from longshore_celery import records

RUNS_HEADING = "## Bench runs"
RUNS_TABLE = "| date (UTC) | commit | bench | figures |\n|---|---|---|---|\n"


def executions_of(run: str, files: list[Path]) -> list[records.Execution]:
    """The executions of ``run`` in record files."""
    return [
        records.Execution.parse(line)
        for file in files
        for line in file.read_text().splitlines()
        if line.strip() and line.split(maxsplit=1)[0] == run
    ]


def append_row(path: Path, bench: str, text: str) -> None:
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False, cwd=path.parent
    ).stdout.strip()
    dirty = subprocess.run(
        # The table itself changes with every row: it does not make the commit "+changes".
        ["git", "status", "--porcelain", "--", ":(top)", f":(top,exclude)docs/{path.name}"],
        capture_output=True,
        text=True,
        check=False,
        cwd=path.parent,
    )
    commit = (commit or "unknown") + ("+changes" if dirty.stdout.strip() else "")
    date = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M")
    content = path.read_text()
    if RUNS_HEADING not in content:
        content = content.rstrip("\n") + f"\n\n{RUNS_HEADING}\n\nOne row per run of a bench script.\n\n{RUNS_TABLE}"
    path.write_text(content + f"| {date} | {commit} | {bench} | {text} |\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--append", type=Path, required=True)
    parser.add_argument("--bench", required=True)
    parser.add_argument("text")
    arguments = parser.parse_args(argv)
    append_row(arguments.append, arguments.bench, arguments.text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
