"""The worker's consumer: Celery's, with delayed delivery set up through one node only,
the dead-letter queue declared before it consumes, tasks delivered too many times parked
(Redis; RabbitMQ parks them itself), and broker connections that retry at most a second
apart.

With quorum queues Celery declares its delayed-delivery exchanges and queues when a worker
(re)connects, through every node in the broker URL in turn, retrying a node that does not
answer for about ten seconds before the worker consumes. A worker that reconnects because
its node died would wait for the dead node. Those exchanges and queues belong to the
cluster: declaring them through the node the worker is connected to is enough.
"""

from __future__ import annotations

from typing import Any

from celery import bootsteps
from celery.utils.log import get_logger
from celery.worker.consumer import consumer as celery_consumer
from celery.worker.consumer import delayed_delivery
from kombu.utils.functional import retry_over_time
from kombu.utils.url import maybe_sanitize_url

from longshore_celery import deadletter, load_or_exit
from longshore_celery.connection import Connection

logger = get_logger(__name__)

CELERY_STEP = "celery.worker.consumer.delayed_delivery:DelayedDelivery"


class DelayedDelivery(delayed_delivery.DelayedDelivery):
    """Declares delayed delivery through the worker's own broker connection."""

    def start(self, c: celery_consumer.Consumer) -> None:
        self._validate_configuration(c.app)
        url = c.connection.as_uri(include_password=True)
        try:
            retry_over_time(
                self._setup_delayed_delivery,
                args=(c, url),
                catch=delayed_delivery.RETRIED_EXCEPTIONS,
                errback=self._on_retry,
                interval_start=delayed_delivery.RETRY_INTERVAL,
                max_retries=delayed_delivery.MAX_RETRIES,
            )
        except Exception as error:
            # As Celery's step does: the worker consumes without delayed delivery.
            logger.warning("Failed to set up delayed delivery through %s: %s", maybe_sanitize_url(url), error)


class DeadLetters(bootsteps.StartStopStep):
    """Declares the dead-letter exchange and queue through the worker's connection."""

    requires = ("celery.worker.consumer.connection:Connection",)

    def start(self, c: celery_consumer.Consumer) -> None:
        deadletter.declare(c.connection, c.longshore_settings)


class Consumer(celery_consumer.Consumer):
    """Celery's consumer, with the step above in place of Celery's. The worker's broker
    connections (consuming, and publishing from the pool) use ``Connection``."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.app.amqp.Connection = Connection
        self.longshore_settings = load_or_exit()
        self._parking = (
            deadletter.Parking(self.longshore_settings) if self.longshore_settings.broker == "redis" else None
        )

    def create_task_handler(self, *args: Any, **kwargs: Any) -> Any:  # noqa: ANN401
        """Celery's handler, after the delivery count (Redis): a task received more than
        the delivery limit is parked in the dead-letter list, not run."""
        handler = super().create_task_handler(*args, **kwargs)
        if self._parking is None:
            return handler

        def on_task_received(message: Any) -> Any:  # noqa: ANN401
            if self._parking.over_limit(message, deadletter.redis_client(self.connection)):
                logger.error(
                    "Task %s[%s] was delivered more than %d times: parked in %s, not run",
                    message.headers.get("task"),
                    message.headers.get("id"),
                    self.longshore_settings.delivery_limit,
                    self.longshore_settings.dead_letter,
                )
                message.ack()
                return None
            return handler(message)

        return on_task_received

    class Blueprint(celery_consumer.Consumer.Blueprint):
        # The dead-letter step comes right after the connection, before anything consumes.
        default_steps = tuple(
            name
            for step in celery_consumer.Consumer.Blueprint.default_steps
            for name in (
                [f"{__name__}:DelayedDelivery"]
                if step == CELERY_STEP
                else [step, f"{__name__}:DeadLetters"]
                if step.endswith(":Connection")
                else [step]
            )
        )
