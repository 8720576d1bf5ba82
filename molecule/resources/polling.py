"""Waiting for a condition in a test, bounded."""

from __future__ import annotations

import time
from collections.abc import Callable


def wait_for(condition: Callable[[], bool], timeout: float, interval: float = 1.0) -> bool:
    """Poll ``condition`` every ``interval`` seconds until it is true or ``timeout`` seconds
    pass; returns its last answer."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return bool(condition())
