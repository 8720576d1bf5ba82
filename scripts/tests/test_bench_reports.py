"""bench/outage_report.py and bench/runs.py: the figures the drills print and append."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))

from outage_report import main, outage  # noqa: E402 - bench/ is not a package


def test_the_outage_is_the_longest_stretch_without_a_finish_from_the_kill() -> None:
    # Two tasks finish just after the kill (work the workers held), then nothing for 6 s.
    assert outage([99.0, 100.1, 100.2, 106.2, 106.3], failed_at=100.0) == (100.2, 106.2)


def test_no_finish_after_the_kill_is_no_outage_figure() -> None:
    assert outage([90.0, 95.0], failed_at=100.0) is None


def record(run: str, sequence: int, finished: float) -> str:
    return f"{run} {sequence} {finished - 1:.6f} {finished - 0.1:.6f} {finished:.6f} lab-worker1 id-{sequence}\n"


@pytest.fixture
def records(tmp_path: Path) -> Path:
    path = tmp_path / "records.log"
    path.write_text("".join(record("r", n, 100.0 + n / 10 + (6 if n >= 5 else 0)) for n in range(10)))
    return path


def test_the_report_counts_and_appends_a_row(records: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    table = tmp_path / "BENCHMARKS.md"
    table.write_text("# Benchmarks\n")
    rc = main(
        [
            "--run",
            "r",
            "--sent",
            "10",
            "--failed-at",
            "100.45",
            "--bench",
            "drill",
            "--target",
            "8",
            "--client-output",
            "1 of 10 tasks not finished after 150 s",
            "--append",
            str(table),
            str(records),
        ]
    )
    printed = capsys.readouterr().out
    assert rc == 0
    assert "sent 10, completed 10, lost 0, duplicated 0" in printed
    assert "work resumed 6.05 s after it" in printed
    assert "target: resume within 8.0 s: within" in printed
    assert "the client got no result for 1 task(s)" in printed
    row = table.read_text().splitlines()[-1]
    assert row.startswith("| ")
    assert "| drill | sent 10, completed 10" in row


def test_a_lost_task_fails_the_report(records: Path) -> None:
    rc = main(["--run", "r", "--sent", "11", "--failed-at", "100.45", "--bench", "drill", str(records)])
    assert rc == 1


def test_runs_appends_a_row_from_the_command_line(tmp_path: Path) -> None:
    table = tmp_path / "BENCHMARKS.md"
    table.write_text("# Benchmarks\n")
    subprocess.run([sys.executable, str(BENCH / "runs.py"), "--append", str(table), "--bench", "b", "x 1"], check=True)
    assert "## Bench runs" in table.read_text()
    assert table.read_text().splitlines()[-1].endswith("| b | x 1 |")
