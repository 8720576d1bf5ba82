from __future__ import annotations

from pathlib import Path

import pytest

from longshore_celery.records import Execution, percentile, report, run_file


def execution(sequence: int, sent: float = 0.0, finished: float = 1.0) -> Execution:
    return Execution("run1", sequence, sent, sent, finished, "worker1", f"id-{sequence}")


def test_a_record_line_parses_back() -> None:
    original = Execution("run1", 7, 1.5, 2.25, 3.125, "worker1", "0f1e")
    assert Execution.parse(original.line()) == original


def test_report_counts_lost_and_duplicated_tasks() -> None:
    executions = [execution(0), execution(1), execution(1), execution(3), execution(3), execution(3)]
    summary = report(5, executions)
    assert (summary.sent, summary.completed, summary.lost, summary.duplicated) == (5, 3, 2, 3)


def test_report_ignores_other_sequence_numbers() -> None:
    summary = report(2, [execution(0), execution(1), execution(2), execution(-1)])
    assert (summary.completed, summary.lost, summary.duplicated) == (2, 0, 0)


def test_latency_is_from_sending_to_the_first_finished_execution() -> None:
    summary = report(2, [execution(0, 10.0, 11.0), execution(0, 10.0, 19.0), execution(1, 10.0, 13.0)])
    assert summary.latency_median == pytest.approx(2.0)
    assert summary.latency_p99 == pytest.approx(3.0)


def test_report_with_nothing_completed_has_no_latency() -> None:
    summary = report(3, [])
    assert (summary.lost, summary.latency_median, summary.latency_p99) == (3, None, None)
    assert summary.lines()[-1] == "latency     median n/a, p99 n/a"


@pytest.mark.parametrize(("fraction", "expected"), [(0.5, 50.0), (0.99, 99.0), (1.0, 100.0), (0.001, 1.0)])
def test_percentile_is_nearest_rank(fraction: float, expected: float) -> None:
    assert percentile([float(n) for n in range(1, 101)], fraction) == expected


def test_run_file_is_under_the_state_directory(tmp_path: Path) -> None:
    assert run_file(tmp_path, "drill-1") == tmp_path / "executions" / "drill-1.log"


@pytest.mark.parametrize("name", ["../escape", "", "a b", "x" * 65])
def test_run_file_refuses_names_that_are_not_plain(tmp_path: Path, name: str) -> None:
    with pytest.raises(ValueError, match="run name"):
        run_file(tmp_path, name)
