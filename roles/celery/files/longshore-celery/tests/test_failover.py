"""longshore_celery.failover: what a master connection does with NOREPLICAS and lost sockets.

No Redis here: the retry is driven with operations that fail the way redis-py reports a
master refusing writes (NoReplicasError) or a dropped socket (ConnectionError). The
molecule redis scenario shows the same on real Valkey nodes (a poison task sent right
after a failover)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ResponseError

from longshore_celery import failover


def failing(errors: list[Exception]) -> tuple[Callable[[], str], list[int]]:
    """An operation raising ``errors`` in turn, then returning "OK"; and its call count."""
    calls = [0]

    def operation() -> str:
        calls[0] += 1
        if errors:
            raise errors.pop(0)
        return "OK"

    return operation, calls


@pytest.fixture(autouse=True)
def no_pauses(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    pauses: list[float] = []
    monkeypatch.setattr(failover.time, "sleep", pauses.append)
    return pauses


def test_a_master_without_replicas_is_tried_again_with_growing_pauses(no_pauses: list[float]) -> None:
    operation, calls = failing([failover.NoReplicasError("NOREPLICAS")] * 7)
    closed: list[int] = []

    result = failover.MasterRetry(1).call_with_retry(
        operation, lambda _error, count: closed.append(count), with_failure_count=True
    )

    assert result == "OK"
    assert calls[0] == 8
    assert closed == [1, 2, 3, 4, 5, 6, 7]  # the connection is dropped before each try
    assert no_pauses == pytest.approx([0.1, 0.2, 0.3, 0.4, 0.5, 0.5, 0.5])


def test_a_master_that_never_gets_its_replicas_back_is_given_up(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = iter(range(0, 1000, 4))
    monkeypatch.setattr(failover.time, "monotonic", lambda: float(next(clock)))
    operation, calls = failing([failover.NoReplicasError("NOREPLICAS")] * 100)

    with pytest.raises(failover.NoReplicasError):
        failover.MasterRetry(1).call_with_retry(operation, lambda _error: None)

    # Started at 0 s, tried at 4, 8, 12 s (the clock moves 4 s a reading): 10 s is the limit.
    assert calls[0] == 3


def test_a_lost_socket_is_tried_again_once_at_once(no_pauses: list[float]) -> None:
    operation, calls = failing([RedisConnectionError("reset"), RedisConnectionError("reset")])

    with pytest.raises(RedisConnectionError):
        failover.MasterRetry(1).call_with_retry(operation, lambda _error: None)

    assert calls[0] == 2
    assert no_pauses == []


def test_other_errors_are_not_retried() -> None:
    operation, calls = failing([ResponseError("WRONGTYPE")])

    with pytest.raises(ResponseError):
        failover.MasterRetry(1).call_with_retry(operation, lambda _error: None)

    assert calls[0] == 1


def test_installed_master_connections_retry_noreplicas() -> None:
    failover.install()
    from redis.sentinel import Sentinel

    sentinel = Sentinel([("127.0.0.1", 1)], socket_timeout=0.1)
    master = sentinel.master_for("longshore").connection_pool.make_connection()
    replica = sentinel.slave_for("longshore").connection_pool.make_connection()

    assert isinstance(master.retry, failover.MasterRetry)
    assert not isinstance(replica.retry, failover.MasterRetry)


def test_a_pubsub_read_without_arguments_never_blocks() -> None:
    # kombu reads its subscription with parse_response() when its event loop finds the
    # socket readable; redis-py 8 makes that read block with no timeout.
    seen: list[dict[str, object]] = []

    def original(_self: object, *args: object, **kwargs: object) -> None:
        seen.append({"args": args, **kwargs})

    patched = failover._brief_by_default(original)
    patched(object())
    patched(object(), block=True)

    assert seen == [
        {"args": (), "block": False, "timeout": failover.PUBSUB_READ_SECONDS},
        {"args": (), "block": True},
    ]


def test_installed_pubsub_reads_are_brief() -> None:
    from redis.client import PubSub

    failover.install()
    assert PubSub.parse_response.__qualname__.startswith("_brief_by_default")


def test_a_watching_transaction_gets_noreplicas_once_not_a_watch_error() -> None:
    # Redis.transaction() retries a WatchError at once, forever; NOREPLICAS under WATCH
    # must reach its caller instead (kombu's restore of unacknowledged messages).
    from redis.client import Pipeline
    from redis.exceptions import WatchError

    failover.install()

    class Connection:
        disconnected = 0
        retry = failover.MasterRetry(1)
        host, port, db = "127.0.0.1", 6379, 0

        def disconnect(self) -> None:
            self.disconnected += 1

    pipeline = Pipeline.__new__(Pipeline)
    pipeline.watching = True
    connection = Connection()
    with pytest.raises(failover.NoReplicasError):
        pipeline._disconnect_raise_on_watching(connection, failover.NoReplicasError("NOREPLICAS"), 1, 0.0, "MULTI")
    assert connection.disconnected == 1
    with pytest.raises(WatchError):
        pipeline._disconnect_raise_on_watching(connection, RedisConnectionError("reset"), 1, 0.0, "MULTI")
