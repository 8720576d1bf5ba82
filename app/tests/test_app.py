from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from longshore_app import records


def run_python(code: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    source = str(Path(__file__).parents[1] / "src")
    return subprocess.run(
        [sys.executable, "-c", code],
        env={"PATH": os.environ["PATH"], "PYTHONPATH": source, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_the_module_imports_without_an_environment() -> None:
    result = run_python("import longshore_app.app", {})
    assert result.returncode == 0, result.stderr


def test_a_missing_setting_stops_with_one_line_naming_it(rabbitmq_env: dict[str, str]) -> None:
    del rabbitmq_env["LONGSHORE_RABBITMQ_PASSWORD"]
    result = run_python("from longshore_app.app import app; app.conf.broker_url", rabbitmq_env)
    assert result.returncode == 78
    assert result.stderr.splitlines() == [
        "longshore-app: LONGSHORE_RABBITMQ_PASSWORD is not set: give it a value in the environment file"
    ]


def test_the_configured_app_refuses_pickle(rabbitmq_env: dict[str, str]) -> None:
    result = run_python(
        "from longshore_app.app import app; print(app.conf.accept_content, app.conf.task_acks_late)", rabbitmq_env
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "['json'] True"


def test_counting_task_records_each_execution(rabbitmq_env: dict[str, str], tmp_path: Path) -> None:
    code = (
        "from longshore_app.app import app\n"
        "from longshore_app.tasks import count\n"
        "app.conf.task_always_eager = True\n"
        "for sequence in (0, 1, 1):\n"
        "    count.apply(('run7', sequence, 0.0))\n"
    )
    result = run_python(code, rabbitmq_env)
    assert result.returncode == 0, result.stderr
    lines = records.run_file(tmp_path, "run7").read_text().splitlines()
    summary = records.report(3, [records.Execution.parse(line) for line in lines])
    assert (summary.completed, summary.lost, summary.duplicated) == (2, 1, 1)


def test_chord_tasks_compute_the_sum() -> None:
    from longshore_app.tasks import add, total

    assert total([add(1, 2), add(3, 4)]) == 10


def test_send_runs_every_task_and_waits_for_them(rabbitmq_env: dict[str, str], tmp_path: Path) -> None:
    # Eager mode runs each task in this process: the command's own path from the
    # arguments to the records, without a broker.
    code = (
        "import sys\n"
        "from longshore_app import cli\n"
        "from longshore_app.app import app\n"
        "app.conf.task_always_eager = True\n"
        "sys.exit(cli.main(['send', '--run', 'run8', '--count', '4', '--long-every', '2', '--long-seconds', '0.01',\n"
        "                   '--rate', '200', '--wait', '10']))\n"
    )
    result = run_python(code, rabbitmq_env)
    assert result.returncode == 0, result.stderr
    assert "all 4 finished" in result.stdout
    lines = records.run_file(tmp_path, "run8").read_text().splitlines()
    summary = records.report(4, [records.Execution.parse(line) for line in lines])
    assert (summary.completed, summary.lost, summary.duplicated) == (4, 0, 0)


def test_a_lost_broker_is_retried_at_most_a_second_apart(monkeypatch: pytest.MonkeyPatch) -> None:
    from kombu import Connection as KombuConnection

    from longshore_app.app import app

    seen: dict[str, object] = {}

    def record(self: KombuConnection, *args: object, **kwargs: object) -> None:
        seen.update(kwargs, args=args)

    monkeypatch.setattr(KombuConnection, "_ensure_connection", record)
    connection = app.amqp.Connection("memory://")
    # As Celery's worker calls it: errback, max_retries, callback.
    connection.ensure_connection(print, None, callback=print)
    assert (seen["interval_start"], seen["interval_step"], seen["interval_max"]) == (0.5, 0.5, 1.0)
    assert seen["args"] == (print, None)


def test_the_worker_sets_up_delayed_delivery_through_its_own_node_only(rabbitmq_env: dict[str, str]) -> None:
    from celery.worker.consumer import consumer as celery_consumer
    from celery.worker.consumer.delayed_delivery import DelayedDelivery as CeleryDelayedDelivery

    from longshore_app import consumer, settings

    assert settings.load(rabbitmq_env).celery_config()["worker_consumer"] == "longshore_app.consumer:Consumer"
    steps = consumer.Consumer.Blueprint.default_steps
    assert consumer.CELERY_STEP not in steps
    assert "longshore_app.consumer:DelayedDelivery" in steps
    # Celery's step replaced in place, nothing else changed.
    assert f"{CeleryDelayedDelivery.__module__}:DelayedDelivery" == consumer.CELERY_STEP
    celery_steps = list(celery_consumer.Consumer.Blueprint.default_steps)
    assert list(steps) == [
        step.replace(consumer.CELERY_STEP, "longshore_app.consumer:DelayedDelivery") for step in celery_steps
    ]
    # The private methods this step calls still exist in the pinned Celery.
    for name in ("_validate_configuration", "_setup_delayed_delivery", "_on_retry"):
        assert callable(getattr(consumer.DelayedDelivery, name))
