"""Load a Celery application from a release's wheels with this host's Python.

    python3 import_check.py RELEASE_DIR TARGET APP

Run by the celery role (tasks/import_check.yml) on one host of each kind before any host
changes: it unpacks the wheels listed in RELEASE_DIR/targets/TARGET into RELEASE_DIR/site
(nothing is installed anywhere else), then loads APP as `celery --app APP worker` would,
task modules included (a Django project's are found through Django, which is set up), so
a compiled dependency built for another Python fails here. The deployment's settings are
not known yet: placeholders stand in for them, and nothing connects anywhere. Prints
"APP imports, N tasks"; otherwise one line on standard error and exit status 1.
"""

from __future__ import annotations

import os
import sys
import zipfile
from pathlib import Path

# Valid but unreachable settings, as the units would give (longshore_celery reads them).
PLACEHOLDERS = {
    "CELERY_CONFIG_MODULE": "longshore_celery.config",
    "LONGSHORE_BROKER": "rabbitmq",
    "LONGSHORE_RABBITMQ_NODES": "placeholder.invalid:5671",
    "LONGSHORE_RABBITMQ_VHOST": "placeholder",
    "LONGSHORE_RABBITMQ_USER": "placeholder",
    "LONGSHORE_RABBITMQ_PASSWORD": "placeholder",
    "LONGSHORE_RESULT_BACKEND": "none",
    "LONGSHORE_CA_FILE": "/nonexistent/ca.crt",
}


def main() -> int:
    release, target, app = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
    site = release / "site"
    for name in (release / "targets" / target).read_text().split():
        with zipfile.ZipFile(release / "wheels" / name) as wheel:
            wheel.extractall(site)
    sys.path.insert(0, str(site))
    state = release / "state"
    state.mkdir(exist_ok=True)
    os.environ.update(PLACEHOLDERS, LONGSHORE_STATE_DIR=str(state))
    try:
        from celery import Celery
        from celery.app.utils import find_app

        loaded = find_app(app)
        if not isinstance(loaded, Celery):
            print(f"{app} is a {type(loaded).__name__}, not a Celery application", file=sys.stderr)
            return 1
        loaded.loader.import_default_modules()
        tasks = [name for name in loaded.tasks if not name.startswith("celery.")]
    except BaseException as error:  # any failure, SystemExit included, is the answer
        print(f"{type(error).__name__}: {error}".splitlines()[0], file=sys.stderr)
        return 1
    print(f"{app} imports, {len(tasks)} tasks")
    return 0


if __name__ == "__main__":
    sys.exit(main())
