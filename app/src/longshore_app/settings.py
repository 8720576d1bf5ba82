"""Settings from environment variables, refused with one line naming the variable.

Every value the application needs comes from the environment (the deployment writes it
to an environment file); nothing is read from a file in the package. ``load`` turns the
environment into ``Settings``; ``Settings.celery_config`` turns those into Celery's
configuration.
"""

from __future__ import annotations

import re
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

PREFIX = "LONGSHORE_"
BROKERS = ("rabbitmq", "redis")
RESULT_BACKENDS = ("redis", "rpc", "none")
# How a client retries sending a task (kombu's ensure): 0, 0.5, then 1 s between tries.
PUBLISH_RETRY_POLICY = {"max_retries": 30, "interval_start": 0, "interval_step": 0.5, "interval_max": 1}
# A DNS name: dot-separated labels of letters, digits and inner hyphens.
LABEL = r"[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
HOST_NAME = re.compile(rf"^(?=.{{1,253}}$){LABEL}(\.{LABEL})*$")
# Characters Redis reads as glob syntax: a key prefix holding one would widen the ACL.
GLOB_CHARACTERS = set("*?[]\\")


class SettingError(ValueError):
    """A setting is missing or invalid; the message names the variable."""


def required(env: Mapping[str, str], name: str) -> str:
    """Return the non-empty value of ``name`` from ``env``."""
    value = env.get(name, "").strip()
    if not value:
        raise SettingError(f"{name} is not set: give it a value in the environment file")
    return value


def positive_int(env: Mapping[str, str], name: str, default: int) -> int:
    """Return ``name`` as an integer of at least 1, or ``default`` when it is unset."""
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingError(f"{name}={raw!r} is not a whole number") from None
    if value < 1:
        raise SettingError(f"{name}={value} must be 1 or more")
    return value


def choice(env: Mapping[str, str], name: str, choices: tuple[str, ...], default: str | None) -> str:
    """Return ``name`` when it is one of ``choices``; unset gives ``default`` (None: required)."""
    raw = env.get(name, "").strip()
    if not raw:
        if default is None:
            raise SettingError(f"{name} is not set: use one of {', '.join(choices)}")
        return default
    if raw not in choices:
        raise SettingError(f"{name}={raw!r} is not one of {', '.join(choices)}")
    return raw


def boolean(env: Mapping[str, str], name: str, default: bool) -> bool:
    """Return ``name`` as a boolean written true/false (also yes/no, 1/0)."""
    raw = env.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in ("true", "yes", "1"):
        return True
    if raw in ("false", "no", "0"):
        return False
    raise SettingError(f"{name}={raw!r} is not true or false")


def addresses(env: Mapping[str, str], name: str) -> tuple[tuple[str, int], ...]:
    """Return ``name``, a comma-separated list of host:port, as (host, port) pairs."""
    result = []
    for item in required(env, name).split(","):
        host, _, port = item.strip().rpartition(":")
        if not host or not port.isdigit() or not 0 < int(port) < 65536:
            raise SettingError(f"{name}: {item.strip()!r} is not host:port")
        result.append((host, int(port)))
    return tuple(result)


def readable_path(env: Mapping[str, str], name: str, *, optional: bool = False) -> str | None:
    """Return ``name`` as an absolute path (unset allowed when ``optional``)."""
    raw = env.get(name, "").strip()
    if not raw:
        if optional:
            return None
        raise SettingError(f"{name} is not set: give the absolute path of the file")
    if not raw.startswith("/"):
        raise SettingError(f"{name}={raw!r} is not an absolute path")
    return raw


@dataclass(frozen=True)
class Tls:
    """Files a client verifies servers with, and presents when mutual TLS is on."""

    ca_file: str
    cert_file: str | None
    key_file: str | None

    def amqp_options(self, server_name: str) -> dict[str, Any]:
        """Options for py-amqp: CA required, every node's certificate checked for
        ``server_name``. One name for all nodes: kombu shares these options between the
        nodes it fails over to (left None, it would fill in the first node's name and
        refuse every other node)."""
        options: dict[str, Any] = {
            "ca_certs": self.ca_file,
            "cert_reqs": ssl.CERT_REQUIRED,
            "server_hostname": server_name,
            "tls_minimum_version": ssl.TLSVersion.TLSv1_2,
        }
        if self.cert_file:
            options.update(certfile=self.cert_file, keyfile=self.key_file)
        return options

    def redis_options(self, *, check_hostname: bool) -> dict[str, Any]:
        """Options for redis-py: certificate chain checked against the CA."""
        options: dict[str, Any] = {
            "ssl_ca_certs": self.ca_file,
            "ssl_cert_reqs": ssl.CERT_REQUIRED,
            "ssl_check_hostname": check_hostname,
            "ssl_min_version": ssl.TLSVersion.TLSv1_2,
        }
        if self.cert_file:
            options.update(ssl_certfile=self.cert_file, ssl_keyfile=self.key_file)
        return options


@dataclass(frozen=True)
class Sentinel:
    """Where the Sentinels are, how to log in to them and to the data nodes."""

    addresses: tuple[tuple[str, int], ...]
    master: str
    sentinel_user: str
    sentinel_password: str
    redis_user: str
    redis_password: str
    key_prefix: str
    tls: Tls | None

    def data_node_tls(self) -> dict[str, Any]:
        """TLS options for the data nodes. Sentinel hands out their IP addresses, which
        the certificates do not name: the chain is checked, the name is not."""
        assert self.tls is not None
        return self.tls.redis_options(check_hostname=False)

    def url(self) -> str:
        """kombu/Celery URL of the Sentinels; the credentials are the data nodes' user."""
        credentials = f"{quote(self.redis_user, safe='')}:{quote(self.redis_password, safe='')}@"
        return ";".join(f"sentinel://{credentials}{host}:{port}/0" for host, port in self.addresses)

    def transport_options(self) -> dict[str, Any]:
        """Transport options shared by the broker and the result backend."""
        sentinel_kwargs: dict[str, Any] = {
            "username": self.sentinel_user,
            "password": self.sentinel_password,
        }
        if self.tls:
            # Sentinels are reached by the names the certificates carry.
            sentinel_kwargs.update(ssl=True, **self.tls.redis_options(check_hostname=True))
        return {
            "master_name": self.master,
            "sentinel_kwargs": sentinel_kwargs,
            "global_keyprefix": self.key_prefix,
        }


@dataclass(frozen=True)
class Settings:
    """Everything the application reads from its environment."""

    broker: str
    rabbitmq_url: str | None
    rabbitmq_tls_name: str | None
    sentinel: Sentinel | None
    tls: Tls
    result_backend: str
    default_queue: str
    task_time_limit: int
    task_soft_time_limit: int
    visibility_timeout: int
    state_dir: str

    def celery_config(self) -> dict[str, Any]:
        """Celery's configuration: JSON only, late acknowledgement, time limits."""
        config: dict[str, Any] = {
            "accept_content": ["json"],
            "result_accept_content": ["json"],
            "task_serializer": "json",
            "result_serializer": "json",
            "event_serializer": "json",
            "task_acks_late": True,
            "task_reject_on_worker_lost": True,
            "worker_prefetch_multiplier": 1,
            "task_time_limit": self.task_time_limit,
            "task_soft_time_limit": self.task_soft_time_limit,
            "task_default_queue": self.default_queue,
            "broker_connection_retry_on_startup": True,
            "broker_connection_max_retries": None,
            # A client keeps trying to send a task for about 30 s before it raises: long
            # enough for a broker failover (Sentinel's down-after time and the election,
            # or a RabbitMQ node lost and the next one tried). Each retry connects again,
            # and through Sentinel that asks for the master again.
            "task_publish_retry": True,
            "task_publish_retry_policy": PUBLISH_RETRY_POLICY,
            # Delayed delivery set up through the worker's own node (longshore_app.consumer).
            "worker_consumer": "longshore_app.consumer:Consumer",
            "result_expires": 86400,
            "worker_hijack_root_logger": True,
            # Beat's one periodic task: proves the single beat sends on schedule.
            "beat_schedule": {
                "heartbeat": {"task": "longshore.add", "schedule": 60.0, "args": (0, 0), "options": {"expires": 55}}
            },
        }
        if self.broker == "rabbitmq":
            config.update(
                broker_url=self.rabbitmq_url,
                broker_use_ssl=self.tls.amqp_options(self.rabbitmq_tls_name or ""),
                broker_transport_options={"confirm_publish": True},
                task_default_queue_type="quorum",
                worker_detect_quorum_queues=True,
            )
        else:
            assert self.sentinel is not None
            config.update(
                broker_url=self.sentinel.url(),
                broker_transport_options={
                    **self.sentinel.transport_options(),
                    "visibility_timeout": self.visibility_timeout,
                },
            )
            if self.sentinel.tls:
                config["broker_use_ssl"] = self.sentinel.data_node_tls()
        if self.result_backend == "redis":
            assert self.sentinel is not None
            config.update(
                result_backend=self.sentinel.url(),
                result_backend_transport_options=self.sentinel.transport_options(),
            )
            if self.sentinel.tls:
                config["redis_backend_use_ssl"] = self.sentinel.data_node_tls()
        elif self.result_backend == "rpc":
            config["result_backend"] = "rpc://"
        return config


def _tls(env: Mapping[str, str]) -> Tls:
    cert = readable_path(env, f"{PREFIX}CERT_FILE", optional=True)
    key = readable_path(env, f"{PREFIX}KEY_FILE", optional=True)
    if bool(cert) != bool(key):
        raise SettingError(f"{PREFIX}CERT_FILE and {PREFIX}KEY_FILE go together: set both or neither")
    ca = readable_path(env, f"{PREFIX}CA_FILE")
    assert ca is not None
    return Tls(ca_file=ca, cert_file=cert, key_file=key)


def _rabbitmq_url(env: Mapping[str, str]) -> str:
    nodes = addresses(env, f"{PREFIX}RABBITMQ_NODES")
    vhost = required(env, f"{PREFIX}RABBITMQ_VHOST")
    user = quote(required(env, f"{PREFIX}RABBITMQ_USER"), safe="")
    password = quote(required(env, f"{PREFIX}RABBITMQ_PASSWORD"), safe="")
    return ";".join(f"amqps://{user}:{password}@{host}:{port}/{quote(vhost, safe='')}" for host, port in nodes)


def _rabbitmq_tls_name(env: Mapping[str, str]) -> str:
    """The name every RabbitMQ node's certificate carries; one node's own name will do."""
    nodes = addresses(env, f"{PREFIX}RABBITMQ_NODES")
    name = env.get(f"{PREFIX}RABBITMQ_TLS_NAME", "").strip()
    if not name:
        if len(nodes) > 1:
            raise SettingError(
                f"{PREFIX}RABBITMQ_TLS_NAME is not set: with {len(nodes)} RabbitMQ nodes, give the name that"
                " every node's certificate carries (a client checks one name, whichever node it reaches)"
            )
        return nodes[0][0]
    if not HOST_NAME.match(name):
        raise SettingError(f"{PREFIX}RABBITMQ_TLS_NAME={name!r} is not a host name")
    return name


def _sentinel(env: Mapping[str, str], tls: Tls) -> Sentinel:
    prefix = required(env, f"{PREFIX}KEY_PREFIX")
    if GLOB_CHARACTERS & set(prefix):
        raise SettingError(f"{PREFIX}KEY_PREFIX={prefix!r} holds glob characters (* ? [ ] \\)")
    return Sentinel(
        addresses=addresses(env, f"{PREFIX}SENTINELS"),
        master=required(env, f"{PREFIX}SENTINEL_MASTER"),
        sentinel_user=required(env, f"{PREFIX}SENTINEL_USER"),
        sentinel_password=required(env, f"{PREFIX}SENTINEL_PASSWORD"),
        redis_user=required(env, f"{PREFIX}REDIS_USER"),
        redis_password=required(env, f"{PREFIX}REDIS_PASSWORD"),
        key_prefix=prefix,
        tls=tls if boolean(env, f"{PREFIX}REDIS_TLS", False) else None,
    )


def load(env: Mapping[str, str]) -> Settings:
    """Read and check every setting; the first bad one raises ``SettingError``."""
    broker = choice(env, f"{PREFIX}BROKER", BROKERS, None)
    result_backend = choice(env, f"{PREFIX}RESULT_BACKEND", RESULT_BACKENDS, "none")
    tls = _tls(env)
    rabbitmq_url = _rabbitmq_url(env) if broker == "rabbitmq" else None
    rabbitmq_tls_name = _rabbitmq_tls_name(env) if broker == "rabbitmq" else None
    needs_sentinel = broker == "redis" or result_backend == "redis"
    sentinel = _sentinel(env, tls) if needs_sentinel else None
    if result_backend == "rpc" and broker != "rabbitmq":
        raise SettingError(f"{PREFIX}RESULT_BACKEND=rpc needs {PREFIX}BROKER=rabbitmq")

    hard = positive_int(env, f"{PREFIX}TASK_TIME_LIMIT", 300)
    soft = positive_int(env, f"{PREFIX}TASK_SOFT_TIME_LIMIT", max(hard - 30, 1))
    if soft > hard:
        raise SettingError(f"{PREFIX}TASK_SOFT_TIME_LIMIT={soft} is above {PREFIX}TASK_TIME_LIMIT={hard}")
    visibility = positive_int(env, f"{PREFIX}VISIBILITY_TIMEOUT", max(3600, 2 * hard))
    if visibility <= hard:
        raise SettingError(
            f"{PREFIX}VISIBILITY_TIMEOUT={visibility} must be above {PREFIX}TASK_TIME_LIMIT={hard}:"
            " a task still running would be delivered a second time"
        )
    state_dir = readable_path(env, f"{PREFIX}STATE_DIR")
    assert state_dir is not None
    return Settings(
        broker=broker,
        rabbitmq_url=rabbitmq_url,
        rabbitmq_tls_name=rabbitmq_tls_name,
        sentinel=sentinel,
        tls=tls,
        result_backend=result_backend,
        default_queue=env.get(f"{PREFIX}DEFAULT_QUEUE", "").strip() or "celery",
        task_time_limit=hard,
        task_soft_time_limit=soft,
        visibility_timeout=visibility,
        state_dir=state_dir,
    )
