"""The example application: a thin user of longshore-celery, configured by the platform."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[1]
PATHS = [str(ROOT / "src"), str(ROOT.parent / "roles/celery/files/longshore-celery/src")]
ENVIRONMENT = {
    "LONGSHORE_BROKER": "rabbitmq",
    "LONGSHORE_RABBITMQ_NODES": "mq1.example:5671",
    "LONGSHORE_RABBITMQ_VHOST": "celery",
    "LONGSHORE_RABBITMQ_USER": "celery",
    "LONGSHORE_RABBITMQ_PASSWORD": "secret-of-the-example",
    "LONGSHORE_CA_FILE": "/etc/longshore/pki/ca.crt",
    "LONGSHORE_STATE_DIR": "/var/lib/longshore-app",
    "LONGSHORE_DEFAULT_QUEUE": "default",
    "LONGSHORE_QUEUES": '[{"name": "default"}, {"name": "critical", "priority": "high"}, {"name": "batch"}]',
    "LONGSHORE_ROUTES": '[{"task": "longshore_app.tasks.notify", "queue": "critical"},'
    ' {"task": "longshore_app.tasks.batch_*", "queue": "batch"}]',
}


def run_python(code: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code],
        env={"PATH": os.environ["PATH"], "PYTHONPATH": os.pathsep.join(PATHS), **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_the_module_imports_without_an_environment() -> None:
    result = run_python("import longshore_app.app", {})
    assert result.returncode == 0, result.stderr


def test_tasks_go_to_the_queues_the_platform_routes_them_to() -> None:
    code = (
        "import json\nfrom longshore_app.app import app\napp.loader.import_default_modules()\n"
        "route = lambda name: app.amqp.router.route({}, name)['queue'].name\n"
        "names = ['longshore_app.tasks.notify', 'longshore_app.tasks.batch_total', 'longshore_app.tasks.heartbeat']\n"
        "print(json.dumps([route(name) for name in names] + [sorted(app.conf.beat_schedule)]))\n"
    )
    result = run_python(code, ENVIRONMENT)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == ["critical", "batch", "default", ["heartbeat"]]


def test_the_tasks_compute() -> None:
    sys.path[:0] = PATHS
    from longshore_app.tasks import batch_total, notify

    assert batch_total([1.5, 2.5]) == 4.0
    assert notify("ops", "hi") == "to ops: hi"
