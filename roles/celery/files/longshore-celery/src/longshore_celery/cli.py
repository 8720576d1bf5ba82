"""longshore-celery: the platform's client, run on a worker host as the deployment's user.

    longshore-celery [--env-file FILE] check
    longshore-celery [--env-file FILE] connect
    longshore-celery [--env-file FILE] ping [--chord N] [--timeout S]
    longshore-celery [--env-file FILE] send --run NAME --count N [--queues Q1,Q2] [--long-every K
                                       --long-seconds S] [--countdown S] [--rate N] [--wait S]
    longshore-celery [--env-file FILE] call TASK [--args JSON] [--kwargs JSON] [--queue Q] [--wait S]
    longshore-celery [--env-file FILE] sleep --seconds S [--queue Q]
    longshore-celery [--env-file FILE] pickle --run NAME
    longshore-celery [--env-file FILE] idle [--queues Q1,Q2] [--timeout S]
    longshore-celery [--env-file FILE] dead-letter list|requeue|purge [--limit N]
    longshore-celery [--env-file FILE] records --run NAME
    longshore-celery [--env-file FILE] report --run NAME --sent N [--json] [RECORD_FILE ... | -]

It sends the probe tasks (``longshore.probe.*``, registered on every application the
library configures) by name, through its own Celery client configured like the
application, so it works with any deployed application. ``--env-file`` reads the
deployment's environment file (the one the units read): no setting or secret appears on
a command line. Every command is bounded in time.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import socket
import ssl
import sys
import time
from pathlib import Path
from typing import Any

from longshore_celery import EX_CONFIG, envfile, probes, records, settings

PROG = "longshore-celery"


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog=PROG, description=__doc__.splitlines()[0])
    parser.add_argument("--env-file", type=Path, help="environment file to read settings from")
    commands = parser.add_subparsers(dest="command", required=True)

    commands.add_parser("check", help="check the settings and exit")
    commands.add_parser("connect", help="connect once to the broker and the result backend")

    ping = commands.add_parser("ping", help="round-trip a task, and a chord where the backend can")
    ping.add_argument("--chord", type=int, default=10, help="tasks in the chord (default 10; 0: none)")
    ping.add_argument("--timeout", type=float, default=60.0)

    send = commands.add_parser("send", help="send counting tasks")
    send.add_argument("--run", required=True)
    send.add_argument("--count", type=int, required=True)
    send.add_argument("--queues", default="", help="comma-separated queues, used in turn (default: the default queue)")
    send.add_argument("--all-queues", action="store_true", help="use every queue of the layout in turn")
    send.add_argument("--long-every", type=int, default=0, help="every Kth task is a long one")
    send.add_argument("--long-seconds", type=float, default=5.0)
    send.add_argument("--countdown", type=float, default=0.0, help="each task waits this long in the broker first")
    send.add_argument("--poison", action="store_true", help="send the probe that kills its worker process instead")
    send.add_argument("--rate", type=float, default=0.0, help="send at most N tasks a second (default: at once)")
    send.add_argument(
        "--wait",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="wait up to SECONDS for every task to finish (for its result; without a result backend, until the"
        " queues are empty and no worker holds a task)",
    )

    call = commands.add_parser("call", help="send a task by name (routed as the application routes it)")
    call.add_argument("task")
    call.add_argument("--args", default="[]", help="positional arguments, a JSON list")
    call.add_argument("--kwargs", default="{}", help="keyword arguments, a JSON object")
    call.add_argument("--queue", default=None, help="send to this queue instead of the routed one")
    call.add_argument("--wait", type=float, default=0.0, help="wait up to SECONDS for its result")

    sleep = commands.add_parser("sleep", help="send one long task and print its id")
    sleep.add_argument("--seconds", type=float, required=True)
    sleep.add_argument("--queue", default=None)

    pickle = commands.add_parser("pickle", help="send a counting task serialized with pickle (it must never run)")
    pickle.add_argument("--run", required=True)

    idle = commands.add_parser("idle", help="wait until the queues are empty and no worker holds a task")
    idle.add_argument("--queues", default="", help="comma-separated queues (default: every queue of the layout)")
    idle.add_argument("--timeout", type=float, default=120.0)

    dead = commands.add_parser("dead-letter", help="list, requeue or purge the tasks parked after too many deliveries")
    dead.add_argument("action", choices=["list", "requeue", "purge"])
    dead.add_argument("--limit", type=int, default=100, help="at most this many messages (list, requeue)")

    records_command = commands.add_parser("records", help="print this host's execution records of a run")
    records_command.add_argument("--run", required=True)

    report = commands.add_parser("report", help="count lost and duplicated executions")
    report.add_argument("--run", required=True)
    report.add_argument("--sent", type=int, required=True)
    report.add_argument("--json", action="store_true", help="print one JSON object")
    report.add_argument("files", nargs="*", type=Path, help="record files, - for standard input (default: this host's)")

    arguments = parser.parse_args(argv)
    if arguments.command == "send":
        if not 0 < arguments.count <= 100_000:
            parser.error("--count must be between 1 and 100000")
        if not 0 <= arguments.rate <= 10_000:
            parser.error("--rate must be between 0 (no limit) and 10000 tasks a second")
        if not 0 <= arguments.wait <= 3600:
            parser.error("--wait must be between 0 and 3600 seconds")
        if not 0 <= arguments.countdown <= 3600:
            parser.error("--countdown must be between 0 and 3600 seconds")
    if arguments.command == "ping" and not 0 <= arguments.chord <= 1000:
        parser.error("--chord must be between 0 and 1000")
    if arguments.command == "call":
        try:
            arguments.args, arguments.kwargs = json.loads(arguments.args), json.loads(arguments.kwargs)
        except ValueError as error:
            parser.error(f"--args and --kwargs must be JSON: {error}")
        if not isinstance(arguments.args, list) or not isinstance(arguments.kwargs, dict):
            parser.error("--args must be a JSON list and --kwargs a JSON object")
        if not 0 <= arguments.wait <= 3600:
            parser.error("--wait must be between 0 and 3600 seconds")
    if arguments.command == "dead-letter" and not 0 < arguments.limit <= 100_000:
        parser.error("--limit must be between 1 and 100000")
    if arguments.command == "idle" and not 0 < arguments.timeout <= 3600:
        parser.error("--timeout must be between 0 and 3600 seconds")
    return arguments


def client() -> Any:  # noqa: ANN401 - a celery.Celery
    """A Celery client configured like the deployed application (probe tasks by name)."""
    from celery import Celery

    from longshore_celery import configure

    app = Celery(PROG, set_as_current=False)
    return configure(app)


def _ping(app: Any, loaded: settings.Settings, count: int, timeout: float) -> int:  # noqa: ANN401
    from celery import chord, signature

    started = time.monotonic()
    result = app.send_task(f"{probes.NAMESPACE}.add", (2, 3)).get(timeout=timeout)
    print(f"add(2, 3) = {result} in {time.monotonic() - started:.3f} s")
    if not count or loaded.result_backend != "redis":
        # Celery's rpc backend cannot join a chord; without a backend there is no result.
        print(f"chord: skipped (result backend {loaded.result_backend})")
        return 0 if result == 5 else 1
    started = time.monotonic()
    header = [signature(f"{probes.NAMESPACE}.add", args=(i, i), app=app) for i in range(count)]
    summed = chord(header, app=app)(signature(f"{probes.NAMESPACE}.total", app=app)).get(timeout=timeout)
    print(f"chord of {count} = {summed} in {time.monotonic() - started:.3f} s")
    expected = sum(2 * i for i in range(count))
    return 0 if (result, summed) == (5, expected) else 1


def _send(app: Any, loaded: settings.Settings, arguments: argparse.Namespace) -> int:  # noqa: ANN401
    if not records.RUN_NAME.match(arguments.run):
        raise SystemExit(f"{PROG}: run name {arguments.run!r} is not valid")
    if arguments.all_queues:
        queues: list[str | None] = [queue.name for queue in loaded.layout.queues]
    else:
        queues = [queue for queue in arguments.queues.split(",") if queue] or [None]
    started = time.monotonic()
    sent = []
    long_every, wait = arguments.long_every, arguments.wait
    results = wait and loaded.result_backend != "none"
    for sequence in range(arguments.count):
        if arguments.rate:
            time.sleep(max(0.0, started + sequence / arguments.rate - time.monotonic()))
        seconds = arguments.long_seconds if long_every and sequence % long_every == long_every - 1 else 0.0
        options: dict[str, Any] = {"queue": queues[sequence % len(queues)], "ignore_result": not results}
        if arguments.countdown:
            options["countdown"] = arguments.countdown
        if arguments.poison:
            task, task_args = f"{probes.NAMESPACE}.poison", (arguments.run, sequence, time.time())
        else:
            task, task_args = f"{probes.NAMESPACE}.count", (arguments.run, sequence, time.time(), seconds)
        sent.append(app.send_task(task, task_args, **options))
    used = ",".join(sorted({queue or loaded.layout.default_queue for queue in queues}))
    print(f"sent {arguments.count} in {time.monotonic() - started:.1f} s through {used}", flush=True)
    if not wait:
        return 0
    if not results:
        # No result backend: done when the queues are empty and no worker holds a task.
        return _idle(app, loaded, used, max(1.0, started + wait - time.monotonic()))
    deadline = started + wait
    pending = [result for result in sent if not result.ready()]
    while pending:
        if time.monotonic() >= deadline:
            print(f"{len(pending)} of {arguments.count} tasks not finished after {wait:.0f} s", file=sys.stderr)
            return 1
        time.sleep(0.5)
        pending = [result for result in pending if not result.ready()]
    failed = [result for result in sent if not result.successful()]
    if failed:
        print(
            f"{len(failed)} of {arguments.count} tasks finished without success, e.g. {failed[0].id}: "
            f"{failed[0].state}",
            file=sys.stderr,
        )
        return 1
    print(f"all {arguments.count} finished {time.monotonic() - started:.1f} s after the first was sent")
    return 0


def _call(app: Any, loaded: settings.Settings, arguments: argparse.Namespace) -> int:  # noqa: ANN401
    """Send a task by name; print one JSON object: its id and, after --wait, its state,
    result, and the queue and worker that ran it (when the application keeps extended
    results)."""
    options = {"queue": arguments.queue} if arguments.queue else {}
    result = app.send_task(arguments.task, args=arguments.args, kwargs=arguments.kwargs, **options)
    answer: dict[str, Any] = {"id": result.id}
    if arguments.wait:
        if loaded.result_backend == "none":
            print(f"{PROG}: call --wait needs a result backend (LONGSHORE_RESULT_BACKEND)", file=sys.stderr)
            return EX_CONFIG
        value = result.get(timeout=arguments.wait, propagate=False)
        extended = loaded.result_backend == "redis"
        answer.update(
            state=result.state,
            result=value if result.successful() else repr(value),
            queue=result.queue if extended else None,
            worker=result.worker if extended else None,
        )
    print(json.dumps(answer, default=str))
    return 0 if answer.get("state", "SUCCESS") == "SUCCESS" else 1


def _tls_handshake(host: str, port: int, tls: settings.Tls, name: str | None = None) -> str:
    """Handshake with ``host:port`` trusting only the configured CA, checking that the
    certificate carries ``name`` (default: ``host``); "ok" or the error."""
    context = ssl.create_default_context(cafile=tls.ca_file)
    if tls.cert_file:
        context.load_cert_chain(tls.cert_file, tls.key_file)
    try:
        with (
            socket.create_connection((host, port), timeout=10) as raw,
            context.wrap_socket(raw, server_hostname=name or host),
        ):
            return "ok"
    except (OSError, ssl.SSLError) as error:
        return f"{type(error).__name__}: {error}"


def _connect(app: Any, loaded: settings.Settings) -> int:  # noqa: ANN401
    """One attempt each, no retry: a TLS or login failure is printed, not retried."""
    failures = 0
    # redis-py reports a Sentinel it could not reach without the reason: say it here.
    if loaded.sentinel and loaded.sentinel.tls:
        for host, port in loaded.sentinel.addresses:
            answer = _tls_handshake(host, port, loaded.sentinel.tls)
            failures += answer != "ok"
            print(f"sentinel {host}:{port} (tls): {answer}")
    # Every RabbitMQ node must answer to the one name the client checks (a client that
    # fails over to a node whose certificate lacks it is refused).
    if loaded.broker == "rabbitmq":
        for host, port in settings.addresses(os.environ, f"{settings.PREFIX}RABBITMQ_NODES"):
            answer = _tls_handshake(host, port, loaded.tls, loaded.rabbitmq_tls_name)
            failures += answer != "ok"
            print(f"rabbitmq {host}:{port} (tls, as {loaded.rabbitmq_tls_name}): {answer}")
    try:
        with app.connection_for_write() as connection:
            connection.ensure_connection(max_retries=1, timeout=10)
        print(f"broker ({loaded.broker}): ok")
    except Exception as error:  # any failure is the answer
        failures += 1
        print(f"broker ({loaded.broker}): {type(error).__name__}: {error}")
    if loaded.result_backend == "redis":
        try:
            app.backend.client.ping()
            print("result backend (redis): ok")
        except Exception as error:  # any failure is the answer
            failures += 1
            print(f"result backend (redis): {type(error).__name__}: {error}")
    return 1 if failures else 0


def _idle(app: Any, loaded: settings.Settings, queue_list: str, timeout: float) -> int:  # noqa: ANN401
    """Wait until every queue is empty and no worker reports an active or reserved task.

    Without a result backend this is how a sender knows its tasks are done."""
    queues = [name for name in queue_list.split(",") if name] or [queue.name for queue in loaded.layout.queues]
    deadline = time.monotonic() + timeout
    while True:
        with app.connection_for_write() as connection:
            channel = connection.default_channel
            waiting = {queue: channel.queue_declare(queue=queue, passive=True).message_count for queue in queues}
        inspect = app.control.inspect(timeout=2.0)
        busy = sum(
            len(tasks) for reply in (inspect.active() or {}, inspect.reserved() or {}) for tasks in reply.values()
        )
        if not any(waiting.values()) and not busy:
            print(f"idle: {', '.join(queues)} empty, no task held by a worker")
            return 0
        if time.monotonic() >= deadline:
            print(f"not idle after {timeout:.0f} s: waiting {waiting}, held by workers {busy}", file=sys.stderr)
            return 1
        time.sleep(1.0)


def _dead_letter(app: Any, loaded: settings.Settings, action: str, limit: int) -> int:  # noqa: ANN401
    """List (one JSON object per line), requeue or purge the parked messages."""
    from longshore_celery.deadletter import DeadLetters

    with app.connection_for_write() as connection:
        connection.ensure_connection(max_retries=3)
        letters = DeadLetters(loaded, connection)
        if action == "list":
            entries = letters.list(limit)
            for entry in entries:
                shown = {key: entry.get(key) for key in ("id", "task", "queue", "deliveries", "reason", "parked_at")}
                print(json.dumps({key: value for key, value in shown.items() if value is not None}, default=str))
            print(f"{len(entries)} parked in {loaded.dead_letter}", file=sys.stderr)
        elif action == "requeue":
            print(f"requeued {letters.requeue(limit)} from {loaded.dead_letter}")
        else:
            print(f"purged {letters.purge()} from {loaded.dead_letter}")
    return 0


def _record_lines(files: list[Path]) -> list[str]:
    lines: list[str] = []
    for file in files:
        if str(file) == "-":
            lines += sys.stdin.read().splitlines()
        elif file.exists():
            lines += file.read_text().splitlines()
    return lines


def _report(run: str, sent: int, files: list[Path], as_json: bool) -> int:
    executions = [
        records.Execution.parse(line)
        for line in _record_lines(files)
        if line.strip() and line.split(maxsplit=1)[0] == run
    ]
    summary = records.report(sent, executions)
    if as_json:
        print(json.dumps(dataclasses.asdict(summary)))
    else:
        print("\n".join(summary.lines()))
    return 0


def main(argv: list[str] | None = None) -> int:
    arguments = _arguments(argv)
    if arguments.command == "report" and arguments.files:
        return _report(arguments.run, arguments.sent, arguments.files, arguments.json)
    if arguments.env_file is not None:
        os.environ.update(envfile.read(arguments.env_file))
    try:
        loaded = settings.load(os.environ)
    except settings.SettingError as error:
        print(f"{PROG}: {error}", file=sys.stderr)
        return EX_CONFIG
    if arguments.command == "check":
        print(f"settings ok: broker {loaded.broker}, result backend {loaded.result_backend}")
        return 0
    if arguments.command in ("report", "records"):
        path = records.run_file(Path(loaded.state_dir), arguments.run)
        if arguments.command == "records":
            print(path.read_text() if path.exists() else "", end="")
            return 0
        return _report(arguments.run, arguments.sent, [path], arguments.json)
    if arguments.command == "ping" and loaded.result_backend == "none":
        print("round trip: skipped (result backend none)")
        return 0
    app = client()
    if arguments.command == "connect":
        return _connect(app, loaded)
    if arguments.command == "idle":
        return _idle(app, loaded, arguments.queues, arguments.timeout)
    if arguments.command == "dead-letter":
        return _dead_letter(app, loaded, arguments.action, arguments.limit)
    if arguments.command == "ping":
        return _ping(app, loaded, arguments.chord, arguments.timeout)
    if arguments.command == "send":
        return _send(app, loaded, arguments)
    if arguments.command == "call":
        return _call(app, loaded, arguments)
    if arguments.command == "sleep":
        print(app.send_task(f"{probes.NAMESPACE}.sleep", (arguments.seconds,), queue=arguments.queue).id)
        return 0
    # pickle: the workers accept JSON only, so this task must never run.
    app.send_task(f"{probes.NAMESPACE}.count", (arguments.run, 0, time.time()), serializer="pickle", ignore_result=True)
    print("sent 1 pickle message")
    return 0


if __name__ == "__main__":
    sys.exit(main())
