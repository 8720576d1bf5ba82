"""Redis through Sentinel: every reconnect reaches the master the Sentinels name now.

Two gaps in redis-py (8.1) keep a client on a master that Sentinel has replaced:

- A connection whose socket was dropped (a command or a health-check PING timed out on a
  frozen master) reconnects from ``send_packed_command`` through ``connect_check_health``,
  which uses the address it had, not ``SentinelManagedConnection.connect``, which asks the
  Sentinels. With SIGSTOP the old master's kernel still accepts TCP connections, so each
  attempt waits out the socket timeout in the TLS handshake, and the client sits on the
  frozen node for as long as it stays frozen (redis/redis-py#3874, open). The worker's
  event loop, blocked there, stops consuming; prefork children stop storing results.
- kombu's Redis transport takes a task off its queue (BRPOP), then records it as
  unacknowledged (ZADD and HSET, ``kombu.transport.redis.QoS.append``). When the master
  freezes between the two, the record fails, the connection is dropped, and the task,
  in no list and in no worker, is lost. A failed acknowledgement is as bad the other
  way: the task that ran is restored and runs again.
- A master replaced while it was frozen or cut off, still believing it is master, answers
  NOREPLICAS (the redis role's min-replicas-to-write makes it refuse the writes the
  failover would discard). redis-py treats READONLY from a demoted master as a lost
  connection (``SentinelManagedConnection.read_response``) but NOREPLICAS as an ordinary
  error.

``install`` makes any connect of a master-pool connection ask the Sentinels first (once:
``connect_to`` keeps the address it was just given), without retrying the socket connect
on the old address (the connection's retry asks again), and makes
NOREPLICAS from a master a ConnectionError, so kombu's and Celery's retries of a send or a
result store reach the new master. The worker's records of a delivery and its
acknowledgements (idempotent: ZADD/HSET, ZREM/HDEL) are tried again until they reach a
master, for at most STORE_RETRY_SECONDS. It is installed once per process
by ``longshore_celery.configure`` and the configuration module when the platform uses
Redis.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from kombu.transport import redis as kombu_redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ResponseError
from redis.sentinel import SentinelManagedConnection

_INSTALLED = "_longshore_failover"
# Seconds a worker keeps trying to record a delivery or an acknowledgement, and between
# tries. A failover (Sentinel's down-after, 5 s by default in the redis role, then the
# promotion) takes well under the first.
STORE_RETRY_SECONDS = 30.0
STORE_RETRY_INTERVAL = 0.5

logger = logging.getLogger(__name__)


def _until_stored(operation: Callable[..., Any], what: str) -> Callable[..., Any]:
    """``operation`` (a QoS method), tried again on a connection error until it succeeds or
    STORE_RETRY_SECONDS have passed; then the last error is raised."""

    def patched(self: kombu_redis.QoS, *args: Any, **kwargs: Any) -> Any:  # noqa: ANN401
        deadline = time.monotonic() + STORE_RETRY_SECONDS
        while True:
            try:
                return operation(self, *args, **kwargs)
            except self.channel.connection_errors as error:
                if time.monotonic() >= deadline:
                    raise
                logger.warning("Redis did not record %s (%r): trying again", what, error)
                time.sleep(STORE_RETRY_INTERVAL)

    return patched


def install() -> None:
    """Patch SentinelManagedConnection's connect_check_health, connect_to and read_response,
    and kombu's Redis QoS append and ack (once per process)."""
    if getattr(SentinelManagedConnection, _INSTALLED, False):
        return
    original_connect = SentinelManagedConnection.connect_check_health
    original_read = SentinelManagedConnection.read_response

    def connect_check_health(
        self: SentinelManagedConnection, check_health: bool = True, retry_socket_connect: bool = True
    ) -> None:
        if self._sock:
            return
        if self.connection_pool.is_master:
            # MasterNotFoundError (a ConnectionError) when no Sentinel names one: retried.
            self.host, self.port = self.connection_pool.get_master_address()
        del retry_socket_connect  # a retry must ask the Sentinels again, not reuse the address
        original_connect(self, check_health=check_health, retry_socket_connect=False)

    def connect_to(self: SentinelManagedConnection, address: tuple[str, int]) -> None:
        self.host, self.port = address
        original_connect(self, check_health=self.connection_pool.check_connection, retry_socket_connect=False)

    def read_response(self: SentinelManagedConnection, *args: Any, **kwargs: Any) -> Any:  # noqa: ANN401
        try:
            return original_read(self, *args, **kwargs)
        except ResponseError as error:
            if str(error).startswith("NOREPLICAS") and self.connection_pool.is_master:
                self.disconnect()
                raise RedisConnectionError("The master has lost its replicas: asking the Sentinels again") from error
            raise

    SentinelManagedConnection.connect_check_health = connect_check_health
    SentinelManagedConnection.connect_to = connect_to
    SentinelManagedConnection.read_response = read_response
    kombu_redis.QoS.append = _until_stored(kombu_redis.QoS.append, "a delivery")
    kombu_redis.QoS.ack = _until_stored(kombu_redis.QoS.ack, "an acknowledgement")
    setattr(SentinelManagedConnection, _INSTALLED, True)
