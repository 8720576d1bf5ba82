"""What the drills' loads share (amqp_load.py through, redis_load.py): a publisher in the
main thread and a consumer in another, until every number arrived or the deadline, and
one summary of what the consumer saw."""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Seen:
    """What a load saw; the two clients share it under ``lock``."""

    count: int
    received: list[int] = field(default_factory=list)
    delivered_at: list[float] = field(default_factory=list)
    reconnects: int = 0
    nacked: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def deliver(self, number: int) -> None:
        with self.lock:
            self.received.append(number)
            self.delivered_at.append(time.monotonic())

    def reconnected(self) -> None:
        with self.lock:
            self.reconnects += 1

    def complete(self) -> bool:
        with self.lock:
            return len(set(self.received)) >= self.count


def run(
    count: int, seconds: float, publish: Callable[[Seen, float], None], consume: Callable[[Seen, float], None]
) -> dict[str, int | float]:
    """Run ``publish`` here and ``consume`` in a thread, each given what they share and the
    deadline; return {"sent", "received", "lost", "duplicated", "reconnects", "nacked",
    "longest_gap_seconds"} (the longest time between two deliveries)."""
    seen = Seen(count)
    started = time.monotonic()
    deadline = started + seconds
    consumer = threading.Thread(target=consume, args=(seen, deadline), daemon=True)
    consumer.start()
    try:
        publish(seen, deadline)
    finally:
        # Never leave the consumer's socket to the interpreter's shutdown.
        consumer.join(max(0.0, deadline - time.monotonic()) + 5)
    distinct = set(seen.received)
    gaps = [later - earlier for earlier, later in itertools.pairwise([started, *seen.delivered_at])]
    return {
        "sent": count,
        "received": len(distinct),
        "lost": len(set(range(count)) - distinct),
        "duplicated": len(seen.received) - len(distinct),
        "reconnects": seen.reconnects,
        "nacked": seen.nacked,
        "longest_gap_seconds": round(max(gaps, default=0.0), 2),
    }
