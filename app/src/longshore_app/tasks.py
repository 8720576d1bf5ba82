"""The example application's tasks: one per queue of the lab's layout.

The lab routes ``notify`` to the ``critical`` queue and ``batch_*`` to ``batch``
(inventories/lab/group_vars/celery); everything else goes to ``default``.
"""

from __future__ import annotations

import time

from celery import shared_task


@shared_task(name="longshore_app.tasks.heartbeat")
def heartbeat() -> float:
    """Return the time: the beat sends it every minute."""
    return time.time()


@shared_task(name="longshore_app.tasks.notify")
def notify(recipient: str, message: str) -> str:
    """Pretend to notify ``recipient``; return what was sent."""
    return f"to {recipient}: {message}"


@shared_task(name="longshore_app.tasks.batch_total")
def batch_total(values: list[float]) -> float:
    """Sum a batch of values."""
    return sum(values)
