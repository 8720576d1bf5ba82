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
  failover would discard). So does a new master for the second or two until a replica
  has reconnected to it after a failover. redis-py treats READONLY from a demoted master
  as a lost connection (``SentinelManagedConnection.read_response``) but NOREPLICAS as an
  ordinary error, and a connection error is retried at once, once: kombu then gives up
  on the second (``Connection.ensure`` raises when a new connection fails again).

- kombu reads a message of its pub/sub connection (broadcasts, remote control) when the
  event loop finds the socket readable, with ``PubSub.parse_response()``: since redis-py
  8 that read blocks without any timeout. When kombu has just dropped that connection as
  stale (a frozen master), the call connects again and waits for a message that may never
  come: the worker's event loop stops for good (seen in the molecule redis scenario after
  a frozen master: no task taken for minutes, the main process in ``recv``).

``install`` makes any connect of a master-pool connection ask the Sentinels first (once:
``connect_to`` keeps the address it was just given), without retrying the socket connect
on the old address (the connection's retry asks again), and makes
NOREPLICAS from a master a ConnectionError (NoReplicasError) that the master connection's
retry (MasterRetry) tries again, asking the Sentinels each time, with a pause growing from
0.1 s to 0.5 s, for up to NOREPLICAS_RETRY_SECONDS: a command, a pipeline, a send or a
result store waits until the master may write or Sentinel names another one. A
transaction that WATCHes keys (kombu's restore of unacknowledged messages) gets the
NoReplicasError itself, once: redis-py would turn the dropped connection into a
WatchError, which ``Redis.transaction`` retries at once, without a pause or a limit.
The worker's records of a delivery and its acknowledgements (idempotent: ZADD/HSET,
ZREM/HDEL) are tried again until they reach a master, for at most STORE_RETRY_SECONDS.
A pub/sub read asked for with no arguments (kombu's) waits at most PUBSUB_READ_SECONDS:
it returns a message, or None. It is installed once per process
by ``longshore_celery.configure`` and the configuration module when the platform uses
Redis.
"""

from __future__ import annotations

import logging
import socket
import time
from collections.abc import Callable
from typing import Any, TypeVar

from kombu.transport import redis as kombu_redis
from redis.backoff import NoBackoff
from redis.client import Pipeline, PubSub
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ResponseError
from redis.exceptions import TimeoutError as RedisTimeoutError
from redis.retry import Retry
from redis.sentinel import SentinelManagedConnection

_INSTALLED = "_longshore_failover"
# Seconds a worker keeps trying to record a delivery or an acknowledgement, and between
# tries. A failover (Sentinel's down-after, 5 s by default in the redis role, then the
# promotion) takes well under the first.
STORE_RETRY_SECONDS = 30.0
STORE_RETRY_INTERVAL = 0.5
# Seconds a command refused with NOREPLICAS is tried again (a demoted master is replaced
# within Sentinel's down-after plus the promotion; a new master has its replicas back
# within a second or two). Short, because the callers retry too (a send through kombu's
# ensure, a result store through Celery's backend retries). The pause between tries:
# NOREPLICAS_PAUSE times the tries so far, at most NOREPLICAS_PAUSE_MAX.
NOREPLICAS_RETRY_SECONDS = 10.0
NOREPLICAS_PAUSE = 0.1
NOREPLICAS_PAUSE_MAX = 0.5
# Seconds a pub/sub read waits for a message when kombu's event loop found the socket
# readable: long enough for the rest of a message that arrived in parts, short enough
# that a reconnected, silent subscription does not hold the loop.
PUBSUB_READ_SECONDS = 0.25
CONNECTION_ERRORS = (RedisConnectionError, RedisTimeoutError, socket.timeout)

T = TypeVar("T")
logger = logging.getLogger(__name__)


class NoReplicasError(RedisConnectionError):
    """A master answered NOREPLICAS: it may not write now (min-replicas-to-write)."""


class MasterRetry(Retry):
    """The retry of a connection to the master.

    NoReplicasError: tried again until NOREPLICAS_RETRY_SECONDS have passed, pausing
    ``min(NOREPLICAS_PAUSE * tries, NOREPLICAS_PAUSE_MAX)`` seconds between tries. Any other
    connection error or timeout: tried again at once, at most ``retries`` times (what
    redis-py does with retry_on_timeout). ``fail`` (redis-py's) disconnects before each
    try, so the next one asks the Sentinels for the master.
    """

    def __init__(self, retries: int) -> None:
        super().__init__(NoBackoff(), retries, supported_errors=CONNECTION_ERRORS)

    def call_with_retry(
        self,
        do: Callable[[], T],
        fail: Callable[..., Any],
        is_retryable: Callable[[Exception], bool] | None = None,
        with_failure_count: bool = False,
    ) -> T:
        deadline = time.monotonic() + NOREPLICAS_RETRY_SECONDS
        failures = 0
        other_failures = 0
        while True:
            try:
                return do()
            except CONNECTION_ERRORS as error:
                if is_retryable and not is_retryable(error):
                    raise
                failures += 1
                if with_failure_count:
                    fail(error, failures)
                else:
                    fail(error)
                if isinstance(error, NoReplicasError):
                    if time.monotonic() >= deadline:
                        raise
                    time.sleep(min(NOREPLICAS_PAUSE * failures, NOREPLICAS_PAUSE_MAX))
                    continue
                other_failures += 1
                if other_failures > self.get_retries():
                    raise


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


def _brief_by_default(parse_response: Callable[..., Any]) -> Callable[..., Any]:
    """``parse_response`` (PubSub's) that, called with no arguments, waits at most
    PUBSUB_READ_SECONDS and returns None when no message came; explicit arguments pass."""

    def patched(self: PubSub, *args: Any, **kwargs: Any) -> Any:  # noqa: ANN401
        if not args and not kwargs:
            kwargs = {"block": False, "timeout": PUBSUB_READ_SECONDS}
        return parse_response(self, *args, **kwargs)

    return patched


def install() -> None:
    """Patch SentinelManagedConnection's __init__ (MasterRetry), connect_check_health,
    connect_to and read_response, Pipeline._disconnect_raise_on_watching (NOREPLICAS under
    WATCH), PubSub.parse_response without arguments (never blocks), and kombu's Redis QoS
    append and ack (once per process)."""
    if getattr(SentinelManagedConnection, _INSTALLED, False):
        return
    original_init = SentinelManagedConnection.__init__
    original_connect = SentinelManagedConnection.connect_check_health
    original_read = SentinelManagedConnection.read_response

    def __init__(self: SentinelManagedConnection, **kwargs: Any) -> None:  # noqa: ANN401
        original_init(self, **kwargs)
        if self.connection_pool.is_master:
            self.retry = MasterRetry(self.retry.get_retries())

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
                raise NoReplicasError("The master may not write (NOREPLICAS): asking the Sentinels again") from error
            raise

    original_raise_on_watching = Pipeline._disconnect_raise_on_watching

    def disconnect_raise_on_watching(self: Pipeline, conn: Any, error: Exception, *args: Any, **kwargs: Any) -> None:  # noqa: ANN401
        if self.watching and isinstance(error, NoReplicasError):
            conn.disconnect()
            raise error
        original_raise_on_watching(self, conn, error, *args, **kwargs)

    Pipeline._disconnect_raise_on_watching = disconnect_raise_on_watching
    PubSub.parse_response = _brief_by_default(PubSub.parse_response)
    SentinelManagedConnection.__init__ = __init__
    SentinelManagedConnection.connect_check_health = connect_check_health
    SentinelManagedConnection.connect_to = connect_to
    SentinelManagedConnection.read_response = read_response
    kombu_redis.QoS.append = _until_stored(kombu_redis.QoS.append, "a delivery")
    kombu_redis.QoS.ack = _until_stored(kombu_redis.QoS.ack, "an acknowledgement")
    setattr(SentinelManagedConnection, _INSTALLED, True)
