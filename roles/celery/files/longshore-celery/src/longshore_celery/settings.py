"""The deployment's environment, read and checked, and the Celery configuration it gives.

Every value comes from environment variables named ``LONGSHORE_*`` (the celery role writes
them to the deployment's environment file, which the units read). ``load`` turns an
environment into ``Settings`` or raises ``SettingError`` naming the first bad variable;
``Settings.enforced`` and ``Settings.defaults`` give Celery's configuration.

Facts this module relies on (Celery 5.6+, kombu 5.6+):

- Celery declares a queue named in ``-Q`` or in ``apply_async(queue=...)`` that is not in
  ``task_queues`` with ``task_create_missing_queue_type`` (classic unless set), not with
  ``task_default_queue_type``; both are set to quorum here.
- Native delayed delivery (countdown and ETA tasks wait in RabbitMQ, not in a worker)
  skips a queue whose exchange is of type direct, Celery's default: every exchange here is
  a topic exchange.
- kombu shares one set of TLS options between the nodes of a failover URL, and fills a
  ``server_hostname`` left None with the first node's name.
"""

from __future__ import annotations

import json
import re
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

PREFIX = "LONGSHORE_"
BROKERS = ("rabbitmq", "redis")
RESULT_BACKENDS = ("redis", "rpc", "none")
PRIORITIES = ("normal", "high")
# Message priority of a "high" task: RabbitMQ 4.0+ quorum queues deliver messages of
# priority 5 and above before the others (two levels; no queue argument needed).
HIGH_PRIORITY = 9
# How a client retries sending a task (kombu's ensure): at once, then every half second, 60
# times (30 s of waits, plus the tries themselves): the next try after a failover is at
# most half a second late.
PUBLISH_RETRY_POLICY = {"max_retries": 60, "interval_start": 0, "interval_step": 0.5, "interval_max": 0.5}
# AMQP heartbeat timeout, in seconds. py-amqp declares a connection dead once nothing has
# come from the broker for two of them (amqp.Connection.heartbeat_tick): a frozen node is
# left within 2 x HEARTBEAT (+ the worker's check interval, HEARTBEAT / 2). RabbitMQ's
# guide advises 5 to 20 s; below that, a busy node may be dropped for nothing.
HEARTBEAT = 5
# Seconds a socket read or write may block (a publisher waiting for a confirm from a frozen
# node gives up after this and retries through the next node), and a connect may take.
AMQP_SOCKET_TIMEOUT = 10
CONNECT_TIMEOUT = 4
# Redis: a command, a connect and a TLS handshake wait at most REDIS_SOCKET_TIMEOUT
# seconds (a healthy Redis on the LAN answers in milliseconds; a timed-out command is
# retried once). Sentinel names the new master about 2 s after its down-after time: a
# client that gave up on the frozen master asks again at once (longshore_celery.failover)
# and reaches the new one within about a second of the switch. kombu drops a consumer's
# BRPOP connection whose reply is overdue by its brpop timeout (1 s) plus
# REDIS_HEALTH_CHECK_INTERVAL, checked every REDIS_HEALTH_CHECK_INTERVAL; redis-py PINGs a
# connection idle that long before using it.
REDIS_SOCKET_TIMEOUT = 0.25
REDIS_CONNECT_TIMEOUT = 0.25
REDIS_HEALTH_CHECK_INTERVAL = 0.5
# Deliveries of one task before it is parked in the dead-letter queue (RabbitMQ counts them
# itself, x-delivery-count, with the rabbitmq role's delivery-limit policy; on Redis the
# client library counts).
DELIVERY_LIMIT = 5
# Tries of a result store before the task is marked failed: with up to 0.5 s between them
# (Celery's backoff from 100 ms) and a socket timeout or a Sentinel lookup per try against
# a lost master, about a minute.
RESULT_STORE_RETRIES = 100
DEAD_LETTER = "longshore.dead-letter"
# A DNS name: dot-separated labels of letters, digits and inner hyphens.
LABEL = r"[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
HOST_NAME = re.compile(rf"^(?=.{{1,253}}$){LABEL}(\.{LABEL})*$")
QUEUE_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,200}$")
# A task name or a glob of task names (Celery's task_routes accept * and ?).
TASK_PATTERN = re.compile(r"^[A-Za-z0-9_.:*?-]{1,200}$")
# Characters Redis reads as glob syntax: a key prefix holding one would widen the ACL.
GLOB_CHARACTERS = set("*?[]\\")


class SettingError(ValueError):
    """A setting is missing or invalid; the message starts with the variable's name."""


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


def absolute_path(env: Mapping[str, str], name: str, *, optional: bool = False) -> str | None:
    """Return ``name`` as an absolute path (unset allowed when ``optional``)."""
    raw = env.get(name, "").strip()
    if not raw:
        if optional:
            return None
        raise SettingError(f"{name} is not set: give an absolute path")
    if not raw.startswith("/"):
        raise SettingError(f"{name}={raw!r} is not an absolute path")
    return raw


def json_list(env: Mapping[str, str], name: str) -> list[dict[str, Any]]:
    """Return ``name``, a JSON list of objects; unset gives an empty list."""
    raw = env.get(name, "").strip()
    if not raw:
        return []
    try:
        value = json.loads(raw)
    except ValueError as error:
        raise SettingError(f"{name} is not JSON: {error}") from None
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise SettingError(f"{name} must be a JSON list of objects")
    return value


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
        sentinel_kwargs.update(socket_timeout=REDIS_CONNECT_TIMEOUT, socket_connect_timeout=REDIS_CONNECT_TIMEOUT)
        return {
            "master_name": self.master,
            "sentinel_kwargs": sentinel_kwargs,
            "global_keyprefix": self.key_prefix,
            # A frozen master (SIGSTOP keeps its sockets open) is left within seconds.
            "socket_timeout": REDIS_SOCKET_TIMEOUT,
            "socket_connect_timeout": REDIS_CONNECT_TIMEOUT,
            "socket_keepalive": True,
            "health_check_interval": REDIS_HEALTH_CHECK_INTERVAL,
            "retry_on_timeout": True,
        }


@dataclass(frozen=True)
class QueueSpec:
    """One queue of the application's layout."""

    name: str
    priority: str = "normal"


@dataclass(frozen=True)
class Route:
    """Tasks whose name matches ``task`` (a name or a glob) go to ``queue``."""

    task: str
    queue: str
    priority: str | None = None


@dataclass(frozen=True)
class Layout:
    """The application's queues, its default queue and its routes."""

    queues: tuple[QueueSpec, ...]
    default_queue: str
    routes: tuple[Route, ...]

    def queue(self, name: str) -> QueueSpec:
        return next(queue for queue in self.queues if queue.name == name)

    def route_options(self, broker: str) -> dict[str, dict[str, Any]]:
        """Celery's ``task_routes``: one mapping, patterns in the order given."""
        routes: dict[str, dict[str, Any]] = {}
        for route in self.routes:
            options: dict[str, Any] = {"queue": route.queue}
            priority = route.priority or self.queue(route.queue).priority
            if broker == "rabbitmq" and priority == "high":
                options["priority"] = HIGH_PRIORITY
            routes.setdefault(route.task, options)
        return routes


@dataclass(frozen=True)
class Settings:
    """Everything the platform hands the application through its environment."""

    broker: str
    rabbitmq_url: str | None
    rabbitmq_tls_name: str | None
    sentinel: Sentinel | None
    tls: Tls
    result_backend: str
    layout: Layout
    task_time_limit: int
    task_soft_time_limit: int
    visibility_timeout: int
    state_dir: str
    delivery_limit: int = DELIVERY_LIMIT
    dead_letter: str = DEAD_LETTER

    @property
    def uses_redis(self) -> bool:
        """Whether the broker or the result backend is Redis (through Sentinel)."""
        return self.sentinel is not None

    def enforced(self) -> dict[str, Any]:
        """Settings the platform decides whatever the application's own configuration
        says: the broker and result backend with their TLS, JSON only, the queue layout
        (quorum queues on topic exchanges), the time limits the units are sized for, and
        how a client retries."""
        config: dict[str, Any] = {
            "accept_content": ["json"],
            "result_accept_content": ["json"],
            "task_serializer": "json",
            "result_serializer": "json",
            "event_serializer": "json",
            "task_time_limit": self.task_time_limit,
            "task_soft_time_limit": self.task_soft_time_limit,
            "broker_connection_retry_on_startup": True,
            "broker_connection_max_retries": None,
            # A client keeps trying to send a task for about 30 s before it raises: long
            # enough for a broker failover (Sentinel's down-after time and the election,
            # or a RabbitMQ node lost and the next one tried). Each retry connects again,
            # and through Sentinel that asks for the master again.
            "task_publish_retry": True,
            "task_publish_retry_policy": PUBLISH_RETRY_POLICY,
            # The worker's consumer: delayed delivery set up through the worker's own
            # node, dead letters, and broker reconnects at most a second apart
            # (longshore_celery.consumer).
            "worker_consumer": "longshore_celery.consumer:Consumer",
            # A channel error (a consumer timeout, a queue gone) reconnects the consumer
            # instead of ending the worker.
            "broker_channel_error_retry": True,
            **self._queue_config(),
        }
        if self.broker == "rabbitmq":
            config.update(
                broker_url=self.rabbitmq_url,
                broker_use_ssl=self.tls.amqp_options(self.rabbitmq_tls_name or ""),
                broker_heartbeat=HEARTBEAT,
                broker_connection_timeout=CONNECT_TIMEOUT,
                broker_transport_options={
                    "confirm_publish": True,
                    "read_timeout": AMQP_SOCKET_TIMEOUT,
                    "write_timeout": AMQP_SOCKET_TIMEOUT,
                },
                worker_detect_quorum_queues=True,
                # RabbitMQ returns the unacknowledged messages of a closed channel at once:
                # a task still running there would run again elsewhere while it goes on.
                # Stopping it when the connection is lost leaves one run, the redelivered
                # one (Celery 6's default). Redis returns them only after the visibility
                # timeout, and an acknowledgement still gets through after a reconnect.
                worker_cancel_long_running_tasks_on_connection_loss=True,
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
                # The backend's own connection settings (the transport options above are
                # the Sentinels' and the master's name).
                redis_socket_timeout=REDIS_SOCKET_TIMEOUT,
                redis_socket_connect_timeout=REDIS_CONNECT_TIMEOUT,
                redis_socket_keepalive=True,
                redis_retry_on_timeout=True,
                redis_backend_health_check_interval=REDIS_HEALTH_CHECK_INTERVAL,
                # A result store (and the read Celery makes before it) that meets a frozen
                # or demoted master is tried again, backing off to a second apart, until
                # the new master takes it: without this, Celery retries only the write and
                # a failed read marks a task that ran as failed.
                result_backend_always_retry=True,
                result_backend_max_retries=RESULT_STORE_RETRIES,
                result_backend_base_sleep_between_retries_ms=100,
                result_backend_max_sleep_between_retries_ms=500,
            )
            if self.sentinel.tls:
                config["redis_backend_use_ssl"] = self.sentinel.data_node_tls()
        elif self.result_backend == "rpc":
            config["result_backend"] = "rpc://"
        else:
            config["result_backend"] = None
        return config

    def defaults(self) -> dict[str, Any]:
        """Settings the platform recommends; an application that sets one keeps its own.

        Late acknowledgement with a task re-queued when its worker dies, and one message
        prefetched per process (Celery's Security and Optimizing guides)."""
        return {
            "task_acks_late": True,
            "task_reject_on_worker_lost": True,
            "worker_prefetch_multiplier": 1,
            "result_expires": 86400,
        }

    def celery_config(self) -> dict[str, Any]:
        """The whole configuration, as a configuration module gives it."""
        return {**self.defaults(), **self.enforced()}

    def _queue_config(self) -> dict[str, Any]:
        """Every queue the application uses is a quorum queue on RabbitMQ, declared ones,
        ``-Q`` ones and routed ones alike, each bound to a topic exchange of its own name
        (native delayed delivery skips direct exchanges). The routes of the inventory,
        when it gives any, replace the application's own."""
        from kombu import Exchange, Queue

        rabbitmq = self.broker == "rabbitmq"
        exchange_type = "topic" if rabbitmq else "direct"
        arguments = {"x-queue-type": "quorum"} if rabbitmq else None
        queues = tuple(
            Queue(spec.name, Exchange(spec.name, type=exchange_type), routing_key=spec.name, queue_arguments=arguments)
            for spec in self.layout.queues
        )
        config: dict[str, Any] = {
            "task_queues": queues,
            "task_default_queue": self.layout.default_queue,
            "task_default_exchange": self.layout.default_queue,
            "task_default_exchange_type": exchange_type,
            "task_default_routing_key": self.layout.default_queue,
            "task_create_missing_queues": True,
            "task_create_missing_queue_exchange_type": exchange_type,
        }
        if self.layout.routes:
            config["task_routes"] = self.layout.route_options(self.broker)
        if rabbitmq:
            config.update(
                task_default_queue_type="quorum",
                task_create_missing_queue_type="quorum",
                broker_native_delayed_delivery_queue_type="quorum",
            )
        return config


def _tls(env: Mapping[str, str]) -> Tls:
    cert = absolute_path(env, f"{PREFIX}CERT_FILE", optional=True)
    key = absolute_path(env, f"{PREFIX}KEY_FILE", optional=True)
    if bool(cert) != bool(key):
        raise SettingError(f"{PREFIX}CERT_FILE and {PREFIX}KEY_FILE go together: set both or neither")
    ca = absolute_path(env, f"{PREFIX}CA_FILE")
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


def _priority(name: str, where: str, value: object) -> str:
    if value not in PRIORITIES:
        raise SettingError(f"{name}: {where} has priority {value!r}, not one of {', '.join(PRIORITIES)}")
    return str(value)


def _layout(env: Mapping[str, str]) -> Layout:
    """The queues (LONGSHORE_QUEUES), the default queue and the routes (LONGSHORE_ROUTES)."""
    queues_name, routes_name = f"{PREFIX}QUEUES", f"{PREFIX}ROUTES"
    default = env.get(f"{PREFIX}DEFAULT_QUEUE", "").strip() or "celery"
    entries = json_list(env, queues_name) or [{"name": default}]
    queues = []
    for entry in entries:
        name = entry.get("name")
        if not isinstance(name, str) or not QUEUE_NAME.match(name):
            raise SettingError(f"{queues_name}: queue name {name!r} is not letters, digits, '.', '-', '_'")
        queues.append(QueueSpec(name, _priority(queues_name, f"queue {name}", entry.get("priority", "normal"))))
    names = [queue.name for queue in queues]
    if len(set(names)) != len(names):
        raise SettingError(f"{queues_name}: a queue is listed twice ({', '.join(names)})")
    if default not in names:
        raise SettingError(f"{PREFIX}DEFAULT_QUEUE={default!r} is not one of the queues ({', '.join(names)})")
    routes = []
    for entry in json_list(env, routes_name):
        task, queue = entry.get("task"), entry.get("queue")
        if not isinstance(task, str) or not TASK_PATTERN.match(task):
            raise SettingError(f"{routes_name}: {task!r} is not a task name or glob")
        if queue not in names:
            raise SettingError(f"{routes_name}: {task} goes to {queue!r}, which is not one of the queues")
        priority = entry.get("priority")
        routes.append(Route(task, str(queue), None if priority is None else _priority(routes_name, task, priority)))
    return Layout(tuple(queues), default, tuple(routes))


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
    state_dir = absolute_path(env, f"{PREFIX}STATE_DIR")
    assert state_dir is not None
    dead_letter = env.get(f"{PREFIX}DEAD_LETTER", "").strip() or DEAD_LETTER
    if not QUEUE_NAME.match(dead_letter):
        raise SettingError(f"{PREFIX}DEAD_LETTER={dead_letter!r} is not letters, digits, '.', '-', '_'")
    return Settings(
        broker=broker,
        rabbitmq_url=rabbitmq_url,
        rabbitmq_tls_name=rabbitmq_tls_name,
        sentinel=sentinel,
        tls=tls,
        result_backend=result_backend,
        layout=_layout(env),
        task_time_limit=hard,
        task_soft_time_limit=soft,
        visibility_timeout=visibility,
        state_dir=state_dir,
        delivery_limit=positive_int(env, f"{PREFIX}DELIVERY_LIMIT", DELIVERY_LIMIT),
        dead_letter=dead_letter,
    )
