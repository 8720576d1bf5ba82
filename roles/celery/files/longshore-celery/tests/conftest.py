from __future__ import annotations

import pytest


@pytest.fixture
def rabbitmq_env(tmp_path) -> dict[str, str]:  # noqa: ANN001
    """A complete environment for the RabbitMQ broker with a Redis result backend."""
    return {
        "LONGSHORE_BROKER": "rabbitmq",
        "LONGSHORE_RABBITMQ_NODES": "mq1.example:5671,mq2.example:5671",
        "LONGSHORE_RABBITMQ_VHOST": "/celery",
        "LONGSHORE_RABBITMQ_USER": "celery",
        "LONGSHORE_RABBITMQ_PASSWORD": "p@ss/word:1",
        "LONGSHORE_RABBITMQ_TLS_NAME": "rabbitmq.example.internal",
        "LONGSHORE_RESULT_BACKEND": "redis",
        "LONGSHORE_SENTINELS": "r1.example:26379,r2.example:26379,r3.example:26379",
        "LONGSHORE_SENTINEL_MASTER": "longshore",
        "LONGSHORE_SENTINEL_USER": "celery",
        "LONGSHORE_SENTINEL_PASSWORD": "sentinel-secret",
        "LONGSHORE_REDIS_USER": "celery",
        "LONGSHORE_REDIS_PASSWORD": "redis-secret",
        "LONGSHORE_KEY_PREFIX": "celery:",
        "LONGSHORE_CA_FILE": "/etc/longshore/pki/ca.crt",
        "LONGSHORE_STATE_DIR": str(tmp_path),
    }


@pytest.fixture
def redis_env(rabbitmq_env: dict[str, str]) -> dict[str, str]:
    """A complete environment for the Redis broker (through Sentinel), over TLS."""
    env = {k: v for k, v in rabbitmq_env.items() if not k.startswith("LONGSHORE_RABBITMQ_")}
    env.update(LONGSHORE_BROKER="redis", LONGSHORE_REDIS_TLS="true")
    return env
