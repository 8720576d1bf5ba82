"""Redis through Sentinel: a master that refuses writes for want of replicas is left.

redis-py's Sentinel-managed connections already take a READONLY reply from the master as
the sign it was demoted: they disconnect and raise ConnectionError, and the next attempt
asks the Sentinels again (redis.sentinel.SentinelManagedConnection.read_response). A
master that Sentinel replaced while it was frozen or cut off, and that still believes it
is master, answers NOREPLICAS instead, as the redis role's min-replicas-to-write makes it
(the writes it would take are those the failover discards). ``install`` makes
NOREPLICAS from a master mean the same, so Celery's retries of a send or a result store
reach the new master rather than fail. It is installed once per process by
``longshore_celery.configure`` and the configuration module when the platform uses Redis.
"""

from __future__ import annotations

from typing import Any

from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ResponseError
from redis.sentinel import SentinelManagedConnection

_INSTALLED = "_longshore_noreplicas"


def install() -> None:
    """Wrap SentinelManagedConnection.read_response (once)."""
    if getattr(SentinelManagedConnection, _INSTALLED, False):
        return
    original = SentinelManagedConnection.read_response

    def read_response(self: SentinelManagedConnection, *args: Any, **kwargs: Any) -> Any:  # noqa: ANN401
        try:
            return original(self, *args, **kwargs)
        except ResponseError as error:
            if str(error).startswith("NOREPLICAS") and self.connection_pool.is_master:
                self.disconnect()
                raise RedisConnectionError("The master has lost its replicas: asking the Sentinels again") from error
            raise

    SentinelManagedConnection.read_response = read_response
    setattr(SentinelManagedConnection, _INSTALLED, True)
