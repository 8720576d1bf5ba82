from __future__ import annotations

import json

import pytest

from longshore_celery import settings
from longshore_celery.settings import SettingError

LAYOUT = {
    "LONGSHORE_DEFAULT_QUEUE": "default",
    "LONGSHORE_QUEUES": json.dumps([{"name": "default"}, {"name": "critical", "priority": "high"}, {"name": "batch"}]),
    "LONGSHORE_ROUTES": json.dumps(
        [
            {"task": "proj.tasks.send_email", "queue": "critical"},
            {"task": "proj.tasks.batch_*", "queue": "batch"},
            {"task": "proj.tasks.report", "queue": "batch", "priority": "high"},
        ]
    ),
}


def test_without_a_layout_there_is_one_queue_named_celery(rabbitmq_env: dict[str, str]) -> None:
    config = settings.load(rabbitmq_env).enforced()
    assert [queue.name for queue in config["task_queues"]] == ["celery"]
    assert config["task_default_queue"] == "celery"
    assert "task_routes" not in config


def test_every_declared_queue_is_a_quorum_queue_on_a_topic_exchange(rabbitmq_env: dict[str, str]) -> None:
    config = settings.load({**rabbitmq_env, **LAYOUT}).enforced()
    queues = {queue.name: queue for queue in config["task_queues"]}
    assert list(queues) == ["default", "critical", "batch"]
    for name, queue in queues.items():
        assert queue.queue_arguments == {"x-queue-type": "quorum"}
        # Native delayed delivery skips queues bound to direct exchanges.
        assert (queue.exchange.name, queue.exchange.type, queue.routing_key) == (name, "topic", name)


def test_queues_celery_creates_on_the_fly_are_quorum_queues_too(rabbitmq_env: dict[str, str]) -> None:
    config = settings.load({**rabbitmq_env, **LAYOUT}).enforced()
    assert config["task_create_missing_queues"] is True
    assert config["task_create_missing_queue_type"] == "quorum"
    assert config["task_create_missing_queue_exchange_type"] == "topic"
    assert config["task_default_queue_type"] == "quorum"
    assert config["task_default_exchange_type"] == "topic"


def test_routes_keep_their_order_and_carry_the_queue_priority(rabbitmq_env: dict[str, str]) -> None:
    routes = settings.load({**rabbitmq_env, **LAYOUT}).enforced()["task_routes"]
    assert list(routes) == ["proj.tasks.send_email", "proj.tasks.batch_*", "proj.tasks.report"]
    assert routes["proj.tasks.send_email"] == {"queue": "critical", "priority": settings.HIGH_PRIORITY}
    assert routes["proj.tasks.batch_*"] == {"queue": "batch"}
    assert routes["proj.tasks.report"] == {"queue": "batch", "priority": settings.HIGH_PRIORITY}


def test_redis_queues_are_plain_and_routes_carry_no_priority(redis_env: dict[str, str]) -> None:
    config = settings.load({**redis_env, **LAYOUT}).enforced()
    assert all(queue.queue_arguments is None for queue in config["task_queues"])
    assert "task_create_missing_queue_type" not in config
    assert config["task_routes"]["proj.tasks.send_email"] == {"queue": "critical"}


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("LONGSHORE_QUEUES", "default,batch", "is not JSON"),
        ("LONGSHORE_QUEUES", '{"name": "default"}', "must be a JSON list of objects"),
        ("LONGSHORE_QUEUES", '[{"name": "de fault"}]', "is not letters, digits"),
        ("LONGSHORE_QUEUES", '[{"name": "default"}, {"name": "default"}]', "a queue is listed twice"),
        ("LONGSHORE_QUEUES", '[{"name": "default", "priority": "urgent"}]', "not one of normal, high"),
        ("LONGSHORE_QUEUES", '[{"name": "batch"}]', "'default' is not one of the queues"),
        ("LONGSHORE_ROUTES", '[{"task": "a.b", "queue": "nowhere"}]', "which is not one of the queues"),
        ("LONGSHORE_ROUTES", '[{"task": "a b", "queue": "batch"}]', "is not a task name or glob"),
    ],
)
def test_a_bad_layout_is_named(rabbitmq_env: dict[str, str], name: str, value: str, message: str) -> None:
    env = {**rabbitmq_env, **LAYOUT, name: value}
    with pytest.raises(SettingError, match=rf"^LONGSHORE_(QUEUES|ROUTES|DEFAULT_QUEUE).*{message}"):
        settings.load(env)
