"""The broker connection of every process of the application (workers, beat, clients).

kombu waits 2, 4, 6 ... up to 30 seconds between rounds of attempts when a broker
connection is lost, so a worker may sit idle several seconds after the broker is back (a
RabbitMQ node reached, a Redis replica promoted by Sentinel). This connection tries again
every second at most, unless a caller asks for other intervals.
"""

from __future__ import annotations

from kombu import Connection as KombuConnection

# Seconds before the second round of attempts, added each round, and at most.
RECONNECT_INTERVALS = {"interval_start": 0.5, "interval_step": 0.5, "interval_max": 1.0}


class Connection(KombuConnection):
    """A kombu connection that retries the broker at most a second apart."""

    def ensure_connection(self, *args: object, **kwargs: object) -> Connection:
        # Intervals given by position (after errback and max_retries) win.
        if len(args) <= 2:
            for name, value in RECONNECT_INTERVALS.items():
                kwargs.setdefault(name, value)
        return super().ensure_connection(*args, **kwargs)
