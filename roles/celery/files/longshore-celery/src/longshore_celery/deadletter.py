"""Dead letters: tasks delivered too many times are parked, never dropped.

RabbitMQ counts deliveries itself: the rabbitmq role's policy gives every task queue a
delivery limit and this dead-letter exchange, with at-least-once dead-lettering, and a
message returned more times than the limit is moved to the dead-letter queue (headers
``x-death`` and ``x-first-death-queue`` say where from and why). The worker declares that
exchange and queue (quorum, both named ``Settings.dead_letter``) before it consumes.

Redis has no such count: ``Parking`` counts each task's deliveries in the broker (key
``<prefix>longshore.deliveries:<task id>``) as the worker receives it, and parks the
message of a task returned more than ``Settings.delivery_limit`` times (received more
than limit + 1 times, as RabbitMQ counts) in the list ``<prefix><Settings.dead_letter>``
instead of running it. On both brokers a task runs at most delivery_limit + 1 times.

``DeadLetters`` lists, requeues (to the queue each message came from) and purges them,
for the ``dead-letter`` command of ``longshore-celery``.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

from kombu import Exchange, Queue

from longshore_celery.settings import Settings

COUNTER = "longshore.deliveries:"


def redis_client(connection: Any) -> Any:  # noqa: ANN401 - a kombu Connection; a redis.Redis
    """A plain redis-py client on the broker connection's pool (the master, through
    Sentinel). kombu's own client adds the key prefix to the commands kombu uses only, so
    the keys here carry it explicitly (``Settings.sentinel.key_prefix``)."""
    import redis

    return redis.Redis(connection_pool=connection.default_channel.pool)


def redis_key(settings: Settings, name: str) -> str:
    assert settings.sentinel is not None
    return f"{settings.sentinel.key_prefix}{name}"


def rabbitmq_objects(settings: Settings) -> tuple[Exchange, Queue]:
    """The dead-letter exchange (fanout) and its quorum queue."""
    exchange = Exchange(settings.dead_letter, type="fanout", durable=True)
    queue = Queue(settings.dead_letter, exchange, queue_arguments={"x-queue-type": "quorum"}, durable=True)
    return exchange, queue


def declare(connection: Any, settings: Settings) -> None:  # noqa: ANN401 - a kombu Connection
    """Declare the dead-letter exchange and queue (RabbitMQ; nothing to declare on Redis)."""
    if settings.broker != "rabbitmq":
        return
    exchange, queue = rabbitmq_objects(settings)
    with connection.channel() as channel:
        exchange.bind(channel).declare()
        queue.bind(channel).declare()


@dataclass
class Parking:
    """Counts deliveries of each task on Redis and parks those over the limit."""

    settings: Settings

    def over_limit(self, message: Any, client: Any) -> bool:  # noqa: ANN401 - kombu Message, redis client
        """Count this delivery; park the message and return True when it is one too many."""
        task_id = (message.headers or {}).get("id")
        if not task_id:
            return False
        key = redis_key(self.settings, f"{COUNTER}{task_id}")
        pipeline = client.pipeline()
        pipeline.incr(key)
        # Long enough to outlive every redelivery the visibility timeout brings.
        pipeline.expire(key, self.settings.visibility_timeout * (self.settings.delivery_limit + 2))
        deliveries = pipeline.execute()[0]
        # The first delivery and delivery_limit returns, as RabbitMQ's delivery-limit.
        if deliveries <= self.settings.delivery_limit + 1:
            return False
        client.lpush(redis_key(self.settings, self.settings.dead_letter), json.dumps(parked(message, deliveries)))
        client.delete(key)
        return True


def parked(message: Any, deliveries: int) -> dict[str, Any]:  # noqa: ANN401 - kombu Message
    """What a parked message keeps: enough to list it and to send it again as it was."""
    body = message.body
    return {
        "id": message.headers.get("id"),
        "task": message.headers.get("task"),
        "queue": (message.delivery_info or {}).get("routing_key"),
        "deliveries": deliveries,
        "parked_at": time.time(),
        "body": body.decode() if isinstance(body, bytes) else body,
        "headers": message.headers,
        "content_type": message.content_type,
        "content_encoding": message.content_encoding,
    }


@dataclass
class DeadLetters:
    """The parked messages of a deployment, through a kombu connection."""

    settings: Settings
    connection: Any  # kombu Connection

    def list(self, limit: int = 100) -> list[dict[str, Any]]:
        """Up to ``limit`` parked messages (id, task, queue, deliveries), oldest first."""
        if self.settings.broker == "redis":
            client = redis_client(self.connection)
            key = redis_key(self.settings, self.settings.dead_letter)
            return [json.loads(item) for item in reversed(client.lrange(key, -limit, -1))]
        found = []
        with self.connection.channel() as channel:
            queue = rabbitmq_objects(self.settings)[1].bind(channel)
            messages = []
            while len(messages) < limit:
                message = queue.get(no_ack=False)
                if message is None:
                    break
                messages.append(message)
                found.append(describe(message))
            # Nothing is taken: every message goes back, in order, when the channel closes.
        return found

    def requeue(self, limit: int = 100) -> int:
        """Send up to ``limit`` parked messages back to their queues; how many."""
        moved = 0
        if self.settings.broker == "redis":
            client = redis_client(self.connection)
            producer = self.connection.Producer()
            while moved < limit:
                item = client.rpop(redis_key(self.settings, self.settings.dead_letter))
                if item is None:
                    break
                entry = json.loads(item)
                producer.publish(
                    entry["body"],
                    exchange="",
                    routing_key=entry["queue"],
                    headers=entry["headers"],
                    content_type=entry["content_type"],
                    content_encoding=entry["content_encoding"],
                )
                moved += 1
            return moved
        with self.connection.channel() as channel:
            queue = rabbitmq_objects(self.settings)[1].bind(channel)
            producer = self.connection.Producer(channel=channel)
            while moved < limit:
                message = queue.get(no_ack=False)
                if message is None:
                    break
                origin = describe(message)["queue"]
                headers = {k: v for k, v in message.headers.items() if not k.startswith("x-")}
                producer.publish(
                    message.body,
                    exchange="",
                    routing_key=origin,
                    headers=headers,
                    content_type=message.content_type,
                    content_encoding=message.content_encoding,
                    delivery_mode=2,
                )
                message.ack()
                moved += 1
        return moved

    def purge(self) -> int:
        """Delete every parked message; how many."""
        if self.settings.broker == "redis":
            client, key = redis_client(self.connection), redis_key(self.settings, self.settings.dead_letter)
            count = client.llen(key)
            client.delete(key)
            return int(count)
        with self.connection.channel() as channel:
            return rabbitmq_objects(self.settings)[1].bind(channel).purge() or 0


def describe(message: Any) -> dict[str, Any]:  # noqa: ANN401 - kombu Message
    """Id, task, origin queue and deliveries of a dead-lettered RabbitMQ message."""
    headers = message.headers or {}
    deaths = headers.get("x-death") or [{}]
    return {
        "id": headers.get("id"),
        "task": headers.get("task"),
        "queue": headers.get("x-first-death-queue") or deaths[0].get("queue"),
        "reason": headers.get("x-first-death-reason") or deaths[0].get("reason"),
        "deliveries": headers.get("x-delivery-count"),
    }
