"""configure(app) and the configuration module, on applications written the usual ways.

Each case runs in a fresh interpreter: Celery keeps process-wide state (shared tasks, the
current application)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

SOURCE = str(Path(__file__).parents[1] / "src")


def run_python(code: str, env: dict[str, str], *, extra_path: Path | None = None) -> subprocess.CompletedProcess[str]:
    paths = [SOURCE] + ([str(extra_path)] if extra_path else [])
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        env={"PATH": os.environ["PATH"], "PYTHONPATH": os.pathsep.join(paths), **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def settings_of(result: subprocess.CompletedProcess[str]) -> dict[str, object]:
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


SHOW = """
import json
conf = app.conf
print(json.dumps({
    "broker_url": conf.broker_url.split("@")[-1],
    "result_backend": conf.result_backend,
    "task_serializer": conf.task_serializer,
    "accept_content": list(conf.accept_content),
    "task_acks_late": conf.task_acks_late,
    "worker_prefetch_multiplier": conf.worker_prefetch_multiplier,
    "result_expires": conf.result_expires if isinstance(conf.result_expires, int) else None,
    "task_time_limit": conf.task_time_limit,
    "queues": sorted(conf.task_queues and [q.name for q in conf.task_queues] or []),
    "probes": sorted(name for name in app.tasks if name.startswith("longshore.probe.")),
    "timezone": conf.timezone,
}))
"""


def test_a_plain_app_gets_the_platform_with_one_line(rabbitmq_env: dict[str, str]) -> None:
    code = "from celery import Celery\nimport longshore_celery\napp = Celery('shop')\nlongshore_celery.configure(app)\n"
    shown = settings_of(run_python(code + SHOW, rabbitmq_env))
    assert shown["broker_url"] == "mq2.example:5671/%2Fcelery"
    assert shown["accept_content"] == ["json"]
    assert (shown["task_acks_late"], shown["worker_prefetch_multiplier"]) == (True, 1)
    assert shown["probes"] == [
        "longshore.probe.add",
        "longshore.probe.count",
        "longshore.probe.poison",
        "longshore.probe.sleep",
        "longshore.probe.total",
    ]


# A Django project's settings, as `config_from_object('django.conf:settings', namespace='CELERY')` reads them.
DJANGO_STYLE = """
from celery import Celery
import longshore_celery

class Settings:
    CELERY_BROKER_URL = "amqp://guest:guest@127.0.0.1:5672//"
    CELERY_RESULT_BACKEND = "django-db"
    CELERY_TASK_SERIALIZER = "pickle"
    CELERY_ACCEPT_CONTENT = ["json", "pickle"]
    CELERY_TASK_ACKS_LATE = False
    CELERY_RESULT_EXPIRES = 600
    CELERY_TASK_TIME_LIMIT = 99999
    CELERY_TIMEZONE = "Europe/Paris"

app = Celery("proj")
"""


@pytest.mark.parametrize("order", ["after", "before"])
def test_platform_values_win_over_a_django_style_configuration(rabbitmq_env: dict[str, str], order: str) -> None:
    lines = ["app.config_from_object(Settings, namespace='CELERY')", "longshore_celery.configure(app)"]
    if order == "before":
        lines.reverse()
    shown = settings_of(run_python(DJANGO_STYLE + "\n".join(lines) + "\n" + SHOW, rabbitmq_env))
    # The platform decides the broker, the backend, serialisation and the time limits ...
    assert shown["broker_url"] == "mq2.example:5671/%2Fcelery"
    assert shown["result_backend"].startswith("sentinel://")
    assert (shown["task_serializer"], shown["accept_content"]) == ("json", ["json"])
    assert shown["task_time_limit"] == 300
    # ... and the application's own choices stand for the rest.
    assert (shown["task_acks_late"], shown["result_expires"], shown["timezone"]) == (False, 600, "Europe/Paris")


def test_the_platform_recommends_where_the_application_is_silent(rabbitmq_env: dict[str, str]) -> None:
    code = (
        "from celery import Celery\nimport longshore_celery\n"
        "class Settings:\n    CELERY_TIMEZONE = 'UTC'\n"
        "app = Celery('proj')\napp.config_from_object(Settings, namespace='CELERY')\nlongshore_celery.configure(app)\n"
    )
    shown = settings_of(run_python(code + SHOW, rabbitmq_env))
    assert (shown["task_acks_late"], shown["result_expires"]) == (True, 86400)


def test_an_app_that_configures_nothing_gets_everything_from_the_config_module(
    rabbitmq_env: dict[str, str], tmp_path: Path
) -> None:
    (tmp_path / "plainapp.py").write_text("from celery import Celery\napp = Celery('plainapp')\n")
    code = "from plainapp import app\napp.loader.import_default_modules()\n"
    env = {**rabbitmq_env, "CELERY_CONFIG_MODULE": "longshore_celery.config"}
    shown = settings_of(run_python(code + SHOW, env, extra_path=tmp_path))
    assert shown["broker_url"] == "mq2.example:5671/%2Fcelery"
    assert (shown["task_acks_late"], shown["accept_content"]) == (True, ["json"])
    assert "longshore.probe.count" in shown["probes"]


@pytest.mark.parametrize("style", ["configure", "config module"])
def test_a_missing_setting_stops_with_one_line_naming_it(rabbitmq_env: dict[str, str], style: str) -> None:
    del rabbitmq_env["LONGSHORE_RABBITMQ_PASSWORD"]
    if style == "configure":
        code = "from celery import Celery\nimport longshore_celery\napp = longshore_celery.configure(Celery('x'))\n"
    else:
        code = "from celery import Celery\napp = Celery('x')\n"
        rabbitmq_env["CELERY_CONFIG_MODULE"] = "longshore_celery.config"
    result = run_python(code + "app.conf.broker_url\n", rabbitmq_env)
    assert result.returncode == 78
    assert result.stderr.splitlines() == [
        "longshore-celery: LONGSHORE_RABBITMQ_PASSWORD is not set: give it a value in the environment file"
    ]


def test_the_module_imports_without_an_environment() -> None:
    result = run_python("import longshore_celery, longshore_celery.probes, longshore_celery.cli", {})
    assert result.returncode == 0, result.stderr


def test_queues_named_only_at_run_time_are_quorum_queues_on_topic_exchanges(rabbitmq_env: dict[str, str]) -> None:
    # -Q reports and apply_async(queue="adhoc") name queues the layout does not list.
    code = """
    import json
    from celery import Celery
    import longshore_celery
    app = longshore_celery.configure(Celery('proj'))
    app.conf.task_routes = {"proj.tasks.adhoc": {"queue": "adhoc"}}
    queues = app.amqp.queues
    queues.select(["celery", "reports"])
    routed = app.amqp.router.route({}, "proj.tasks.adhoc")["queue"]
    described = {q.name: [q.queue_arguments, q.exchange.type] for q in [queues["reports"], routed]}
    print(json.dumps(described))
    """
    described = settings_of(run_python(code, rabbitmq_env))
    assert described == {
        "reports": [{"x-queue-type": "quorum"}, "topic"],
        "adhoc": [{"x-queue-type": "quorum"}, "topic"],
    }


def test_a_routed_task_goes_to_its_queue_with_its_priority(rabbitmq_env: dict[str, str]) -> None:
    rabbitmq_env.update(
        LONGSHORE_QUEUES='[{"name": "celery"}, {"name": "critical", "priority": "high"}]',
        LONGSHORE_ROUTES='[{"task": "proj.tasks.send_*", "queue": "critical"}]',
    )
    code = """
    import json
    from celery import Celery
    import longshore_celery
    app = longshore_celery.configure(Celery('proj'))
    options = app.amqp.router.route({}, "proj.tasks.send_email")
    other = app.amqp.router.route({}, "proj.tasks.other")
    print(json.dumps([options["queue"].name, options.get("priority"), other["queue"].name]))
    """
    assert settings_of(run_python(code, rabbitmq_env)) == ["critical", 9, "celery"]


def test_configure_twice_changes_nothing(rabbitmq_env: dict[str, str]) -> None:
    code = """
    from celery import Celery
    import longshore_celery
    app = Celery('x')
    assert longshore_celery.configure(app) is longshore_celery.configure(app)
    print(len(app.on_configure.receivers))
    """
    result = run_python(code, rabbitmq_env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "1"
