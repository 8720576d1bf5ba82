from __future__ import annotations

import json
from pathlib import Path

import pytest

from longshore_celery import cli
from longshore_celery.records import Execution


def write_env(path: Path, env: dict[str, str]) -> Path:
    path.write_text("".join(f'{key}="{value}"\n' for key, value in env.items()))
    return path


def test_check_reads_the_environment_file(
    rabbitmq_env: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in rabbitmq_env:
        monkeypatch.delenv(name, raising=False)
    env_file = write_env(tmp_path / "app.env", rabbitmq_env)
    assert cli.main(["--env-file", str(env_file), "check"]) == 0
    assert capsys.readouterr().out == "settings ok: broker rabbitmq, result backend redis\n"


def test_check_names_a_bad_setting(
    rabbitmq_env: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in rabbitmq_env:
        monkeypatch.delenv(name, raising=False)
    rabbitmq_env["LONGSHORE_BROKER"] = "kafka"
    env_file = write_env(tmp_path / "app.env", rabbitmq_env)
    assert cli.main(["--env-file", str(env_file), "check"]) == 78
    assert capsys.readouterr().err.startswith("longshore-celery: LONGSHORE_BROKER='kafka' is not one of")


def test_report_merges_record_files_of_several_hosts(
    rabbitmq_env: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in rabbitmq_env.items():
        monkeypatch.setenv(name, value)
    first, second = tmp_path / "worker1.log", tmp_path / "worker2.log"
    first.write_text(Execution("r", 0, 1.0, 1.0, 2.0, "w1", "a").line())
    second.write_text(Execution("r", 2, 1.0, 1.0, 4.0, "w2", "b").line() * 2)
    assert cli.main(["report", "--run", "r", "--sent", "3", "--json", str(first), str(second)]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert (summary["completed"], summary["lost"], summary["duplicated"]) == (2, 1, 1)


def test_send_refuses_an_unbounded_count() -> None:
    with pytest.raises(SystemExit):
        cli.main(["send", "--run", "r", "--count", "0"])


def test_report_of_record_files_needs_no_settings(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    records_file = tmp_path / "w1.log"
    records_file.write_text(
        Execution("r", 0, 1.0, 1.0, 2.0, "w1", "a").line() + Execution("other", 1, 1.0, 1.0, 2.0, "w1", "b").line()
    )
    assert cli.main(["report", "--run", "r", "--sent", "2", "--json", str(records_file)]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert (summary["completed"], summary["lost"]) == (1, 1)


def test_ping_without_a_result_backend_is_skipped(
    monkeypatch: pytest.MonkeyPatch, rabbitmq_env: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    for name, value in rabbitmq_env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("LONGSHORE_RESULT_BACKEND", "none")
    assert cli.main(["ping"]) == 0
    assert capsys.readouterr().out == "round trip: skipped (result backend none)\n"


def test_send_refuses_an_unbounded_wait() -> None:
    with pytest.raises(SystemExit):
        cli.main(["send", "--run", "r", "--count", "1", "--wait", "7200"])


def test_send_refuses_an_unbounded_rate() -> None:
    with pytest.raises(SystemExit):
        cli.main(["send", "--run", "r", "--count", "1", "--rate", "-1"])
