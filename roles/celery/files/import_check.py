"""Load a Celery application from a release's wheels with this host's Python.

    python3 import_check.py RELEASE_DIR TARGET APP

Run by the celery role (tasks/import_check.py) on one host of each kind before any host
changes: it unpacks the wheels listed in RELEASE_DIR/targets/TARGET into RELEASE_DIR/site
(nothing is installed anywhere else), then loads APP as `celery --app APP` would. The
platform's settings are not read. Prints "APP imports"; otherwise one line on standard
error and exit status 1.
"""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path


def main() -> int:
    release, target, app = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
    site = release / "site"
    for name in (release / "targets" / target).read_text().split():
        with zipfile.ZipFile(release / "wheels" / name) as wheel:
            wheel.extractall(site)
    sys.path.insert(0, str(site))
    try:
        from celery import Celery
        from celery.app.utils import find_app

        loaded = find_app(app)
    except BaseException as error:  # any failure, SystemExit included, is the answer
        print(f"{type(error).__name__}: {error}".splitlines()[0], file=sys.stderr)
        return 1
    if not isinstance(loaded, Celery):
        print(f"{app} is a {type(loaded).__name__}, not a Celery application", file=sys.stderr)
        return 1
    print(f"{app} imports")
    return 0


if __name__ == "__main__":
    sys.exit(main())
