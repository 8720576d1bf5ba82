from __future__ import annotations

import ssl

import pytest

from longshore_celery import settings
from longshore_celery.settings import SettingError, positive_int, required


def test_required_returns_the_value() -> None:
    assert required({"BROKER_URL": " amqps://broker:5671// "}, "BROKER_URL") == "amqps://broker:5671//"


@pytest.mark.parametrize("env", [{}, {"BROKER_URL": ""}, {"BROKER_URL": "   "}])
def test_required_names_the_missing_variable(env: dict[str, str]) -> None:
    with pytest.raises(SettingError, match=r"^BROKER_URL is not set"):
        required(env, "BROKER_URL")


def test_positive_int_takes_the_default_when_unset() -> None:
    assert positive_int({}, "CONCURRENCY", 4) == 4


def test_positive_int_parses_the_value() -> None:
    assert positive_int({"CONCURRENCY": "8"}, "CONCURRENCY", 4) == 8


@pytest.mark.parametrize(("raw", "message"), [("eight", "not a whole number"), ("0", "must be 1 or more")])
def test_positive_int_refuses_bad_values(raw: str, message: str) -> None:
    with pytest.raises(SettingError, match=rf"^CONCURRENCY.*{message}"):
        positive_int({"CONCURRENCY": raw}, "CONCURRENCY", 4)


def test_rabbitmq_config_is_json_only_with_late_acks(rabbitmq_env: dict[str, str]) -> None:
    config = settings.load(rabbitmq_env).celery_config()
    assert config["accept_content"] == ["json"]
    assert config["result_accept_content"] == ["json"]
    assert config["task_serializer"] == "json"
    assert config["task_acks_late"] is True
    assert config["task_reject_on_worker_lost"] is True
    assert config["worker_prefetch_multiplier"] == 1


@pytest.mark.parametrize("env_fixture", ["rabbitmq_env", "redis_env"])
def test_a_client_keeps_retrying_a_send_through_a_broker_failover(
    env_fixture: str, request: pytest.FixtureRequest
) -> None:
    config = settings.load(request.getfixturevalue(env_fixture)).celery_config()
    policy = config["task_publish_retry_policy"]
    assert config["task_publish_retry"] is True
    # kombu waits interval_start, then step more each time, at most interval_max.
    waits = [
        min(policy["interval_start"] + number * policy["interval_step"], policy["interval_max"])
        for number in range(policy["max_retries"])
    ]
    # Celery's default gives up after 0.4 s; a Sentinel failover takes down-after (5 s) and more.
    assert sum(waits) >= 20


def test_rabbitmq_url_lists_every_node_over_tls_with_quoted_credentials(rabbitmq_env: dict[str, str]) -> None:
    url = settings.load(rabbitmq_env).celery_config()["broker_url"]
    assert url == (
        "amqps://celery:p%40ss%2Fword%3A1@mq1.example:5671/%2Fcelery;"
        "amqps://celery:p%40ss%2Fword%3A1@mq2.example:5671/%2Fcelery"
    )


def test_rabbitmq_tls_requires_the_ca_and_checks_the_cluster_name(rabbitmq_env: dict[str, str]) -> None:
    rabbitmq_env["LONGSHORE_RABBITMQ_TLS_NAME"] = "rabbitmq.example.internal"
    options = settings.load(rabbitmq_env).celery_config()["broker_use_ssl"]
    assert options["ca_certs"] == "/etc/longshore/pki/ca.crt"
    assert options["cert_reqs"] == ssl.CERT_REQUIRED
    assert options["server_hostname"] == "rabbitmq.example.internal"
    assert "certfile" not in options


def test_several_rabbitmq_nodes_need_one_tls_name(rabbitmq_env: dict[str, str]) -> None:
    # Left to kombu, the first node's name would be checked on every node: failover refused.
    rabbitmq_env.pop("LONGSHORE_RABBITMQ_TLS_NAME", None)
    with pytest.raises(SettingError, match=r"^LONGSHORE_RABBITMQ_TLS_NAME is not set: with 2 RabbitMQ nodes"):
        settings.load(rabbitmq_env)


def test_one_rabbitmq_node_is_checked_by_its_own_name(rabbitmq_env: dict[str, str]) -> None:
    rabbitmq_env["LONGSHORE_RABBITMQ_NODES"] = "mq1.example:5671"
    del rabbitmq_env["LONGSHORE_RABBITMQ_TLS_NAME"]
    options = settings.load(rabbitmq_env).celery_config()["broker_use_ssl"]
    assert options["server_hostname"] == "mq1.example"


@pytest.mark.parametrize("name", ["rabbitmq example", "-rabbitmq", "rabbit*.example"])
def test_a_bad_rabbitmq_tls_name_is_refused(rabbitmq_env: dict[str, str], name: str) -> None:
    rabbitmq_env["LONGSHORE_RABBITMQ_TLS_NAME"] = name
    with pytest.raises(SettingError, match=r"^LONGSHORE_RABBITMQ_TLS_NAME=.* is not a host name"):
        settings.load(rabbitmq_env)


def test_rabbitmq_client_certificate_when_given(rabbitmq_env: dict[str, str]) -> None:
    rabbitmq_env.update(LONGSHORE_CERT_FILE="/etc/app/client.crt", LONGSHORE_KEY_FILE="/etc/app/client.key")
    options = settings.load(rabbitmq_env).celery_config()["broker_use_ssl"]
    assert (options["certfile"], options["keyfile"]) == ("/etc/app/client.crt", "/etc/app/client.key")


def test_rabbitmq_uses_quorum_queues_and_publisher_confirms(rabbitmq_env: dict[str, str]) -> None:
    config = settings.load(rabbitmq_env).celery_config()
    assert config["task_default_queue_type"] == "quorum"
    assert config["worker_detect_quorum_queues"] is True
    assert config["broker_transport_options"]["confirm_publish"] is True


def test_result_backend_goes_through_sentinel_with_the_key_prefix(rabbitmq_env: dict[str, str]) -> None:
    config = settings.load(rabbitmq_env).celery_config()
    assert config["result_backend"].startswith("sentinel://celery:redis-secret@r1.example:26379/0;")
    options = config["result_backend_transport_options"]
    assert options["master_name"] == "longshore"
    assert options["global_keyprefix"] == "celery:"
    assert (options["sentinel_kwargs"]["username"], options["sentinel_kwargs"]["password"]) == (
        "celery",
        "sentinel-secret",
    )
    assert "redis_backend_use_ssl" not in config


def test_redis_broker_uses_sentinel_prefix_and_visibility_timeout(redis_env: dict[str, str]) -> None:
    config = settings.load(redis_env).celery_config()
    assert config["broker_url"].count("sentinel://") == 3
    options = config["broker_transport_options"]
    assert options["global_keyprefix"] == "celery:"
    assert options["visibility_timeout"] == 3600
    assert "task_default_queue_type" not in config


def test_redis_tls_verifies_the_chain_and_the_sentinels_names(redis_env: dict[str, str]) -> None:
    config = settings.load(redis_env).celery_config()
    assert config["broker_use_ssl"]["ssl_cert_reqs"] == ssl.CERT_REQUIRED
    assert config["broker_use_ssl"]["ssl_ca_certs"] == "/etc/longshore/pki/ca.crt"
    assert config["redis_backend_use_ssl"]["ssl_cert_reqs"] == ssl.CERT_REQUIRED
    sentinel_kwargs = config["broker_transport_options"]["sentinel_kwargs"]
    assert sentinel_kwargs["ssl"] is True
    assert sentinel_kwargs["ssl_check_hostname"] is True


@pytest.mark.parametrize(
    "missing",
    [
        "LONGSHORE_BROKER",
        "LONGSHORE_CA_FILE",
        "LONGSHORE_RABBITMQ_NODES",
        "LONGSHORE_RABBITMQ_PASSWORD",
        "LONGSHORE_SENTINELS",
        "LONGSHORE_SENTINEL_PASSWORD",
        "LONGSHORE_REDIS_PASSWORD",
        "LONGSHORE_KEY_PREFIX",
        "LONGSHORE_STATE_DIR",
    ],
)
def test_a_missing_setting_is_named(rabbitmq_env: dict[str, str], missing: str) -> None:
    del rabbitmq_env[missing]
    with pytest.raises(SettingError, match=rf"^{missing}"):
        settings.load(rabbitmq_env)


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("LONGSHORE_BROKER", "sqs", "is not one of rabbitmq, redis"),
        ("LONGSHORE_RESULT_BACKEND", "database", "is not one of redis, rpc, none"),
        ("LONGSHORE_RABBITMQ_NODES", "mq1.example", "is not host:port"),
        ("LONGSHORE_SENTINELS", "r1:26379,r2:0", "is not host:port"),
        ("LONGSHORE_KEY_PREFIX", "celery*", "holds glob characters"),
        ("LONGSHORE_CA_FILE", "ca.crt", "is not an absolute path"),
        ("LONGSHORE_REDIS_TLS", "maybe", "is not true or false"),
        ("LONGSHORE_TASK_TIME_LIMIT", "-5", "must be 1 or more"),
        ("LONGSHORE_TASK_SOFT_TIME_LIMIT", "900", "is above LONGSHORE_TASK_TIME_LIMIT=300"),
        ("LONGSHORE_VISIBILITY_TIMEOUT", "300", "must be above LONGSHORE_TASK_TIME_LIMIT=300"),
        ("LONGSHORE_CERT_FILE", "/etc/app/client.crt", "go together"),
    ],
)
def test_a_bad_setting_is_named(rabbitmq_env: dict[str, str], name: str, value: str, message: str) -> None:
    rabbitmq_env[name] = value
    with pytest.raises(SettingError, match=rf"^{name}.*{message}"):
        settings.load(rabbitmq_env)


def test_rpc_results_need_rabbitmq(redis_env: dict[str, str]) -> None:
    redis_env["LONGSHORE_RESULT_BACKEND"] = "rpc"
    with pytest.raises(SettingError, match=r"^LONGSHORE_RESULT_BACKEND=rpc needs LONGSHORE_BROKER=rabbitmq"):
        settings.load(redis_env)


def test_no_result_backend_needs_no_sentinel(rabbitmq_env: dict[str, str]) -> None:
    rabbitmq_env["LONGSHORE_RESULT_BACKEND"] = "none"
    for name in [n for n in rabbitmq_env if "SENTINEL" in n or "REDIS" in n or "PREFIX" in n]:
        del rabbitmq_env[name]
    config = settings.load(rabbitmq_env).celery_config()
    assert config["result_backend"] is None


def test_time_limits_default_to_five_minutes_with_a_soft_limit_before(rabbitmq_env: dict[str, str]) -> None:
    config = settings.load(rabbitmq_env).celery_config()
    assert (config["task_time_limit"], config["task_soft_time_limit"]) == (300, 270)


def test_a_frozen_rabbitmq_node_is_left_within_seconds(rabbitmq_env: dict[str, str]) -> None:
    config = settings.load(rabbitmq_env).celery_config()
    # py-amqp gives up on a connection after two heartbeat timeouts without a frame.
    assert 2 * config["broker_heartbeat"] <= 10
    options = config["broker_transport_options"]
    # A publisher waiting for a confirm from a frozen node gives up and retries elsewhere.
    assert options["read_timeout"] <= 10
    assert options["write_timeout"] <= 10
    assert config["broker_connection_timeout"] <= 5


@pytest.mark.parametrize("env_fixture", ["rabbitmq_env", "redis_env"])
def test_a_frozen_redis_master_is_left_within_seconds(env_fixture: str, request: pytest.FixtureRequest) -> None:
    config = settings.load(request.getfixturevalue(env_fixture)).celery_config()
    backend = config["result_backend_transport_options"]
    assert backend["sentinel_kwargs"]["socket_timeout"] <= 2
    assert config["redis_socket_timeout"] <= 5
    assert config["redis_socket_connect_timeout"] <= 2
    assert config["redis_backend_health_check_interval"] <= 2
    if env_fixture == "redis_env":
        broker = config["broker_transport_options"]
        # kombu drops a BRPOP connection whose reply is overdue by 1 s + this interval.
        assert broker["health_check_interval"] <= 2
        assert broker["socket_timeout"] <= 5


def test_dead_letters_have_a_limit_and_a_place(rabbitmq_env: dict[str, str]) -> None:
    loaded = settings.load(rabbitmq_env)
    assert (loaded.delivery_limit, loaded.dead_letter) == (5, "longshore.dead-letter")
    loaded = settings.load({**rabbitmq_env, "LONGSHORE_DELIVERY_LIMIT": "3", "LONGSHORE_DEAD_LETTER": "parked"})
    assert (loaded.delivery_limit, loaded.dead_letter) == (3, "parked")


@pytest.mark.parametrize(("name", "value"), [("LONGSHORE_DELIVERY_LIMIT", "0"), ("LONGSHORE_DEAD_LETTER", "a b")])
def test_a_bad_dead_letter_setting_is_named(rabbitmq_env: dict[str, str], name: str, value: str) -> None:
    with pytest.raises(SettingError, match=rf"^{name}"):
        settings.load({**rabbitmq_env, name: value})


def test_a_running_task_never_runs_twice_at_once_after_a_channel_error(rabbitmq_env: dict[str, str]) -> None:
    config = settings.load(rabbitmq_env).celery_config()
    assert config["broker_channel_error_retry"] is True
    assert config["worker_cancel_long_running_tasks_on_connection_loss"] is True


def test_redis_lets_running_tasks_finish_through_a_reconnect(redis_env: dict[str, str]) -> None:
    config = settings.load(redis_env).celery_config()
    assert "worker_cancel_long_running_tasks_on_connection_loss" not in config
