"""longshore-app: a client of the platform, run on a worker host as the service user.

    longshore-app [--env-file FILE] check
    longshore-app [--env-file FILE] connect
    longshore-app [--env-file FILE] ping [--chord N]
    longshore-app [--env-file FILE] send --run NAME --count N [--long-every K --long-seconds S]
                                    [--rate N] [--wait S]
    longshore-app [--env-file FILE] sleep --seconds S
    longshore-app [--env-file FILE] pickle --run NAME
    longshore-app [--env-file FILE] report --run NAME --sent N [RECORD_FILE ...]

``--env-file`` reads the deployment's environment file (the same one the units read), so
no setting or secret appears on a command line. Every command is bounded in time.
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

from longshore_app import envfile, records, settings


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="longshore-app", description=__doc__.splitlines()[0])
    parser.add_argument("--env-file", type=Path, help="environment file to read settings from")
    commands = parser.add_subparsers(dest="command", required=True)

    commands.add_parser("check", help="check the settings and exit")
    commands.add_parser("connect", help="connect once to the broker and the result backend")

    ping = commands.add_parser("ping", help="round-trip a task and a chord")
    ping.add_argument("--chord", type=int, default=10, help="tasks in the chord (default 10)")
    ping.add_argument("--timeout", type=float, default=60.0)

    send = commands.add_parser("send", help="send counting tasks")
    send.add_argument("--run", required=True)
    send.add_argument("--count", type=int, required=True)
    send.add_argument("--long-every", type=int, default=0, help="every Kth task is a long one")
    send.add_argument("--long-seconds", type=float, default=5.0)
    send.add_argument("--queue", default=None)
    send.add_argument("--rate", type=float, default=0.0, help="send at most N tasks a second (default: at once)")
    send.add_argument(
        "--wait",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="keep the results and wait up to SECONDS for every task to finish (needs a result backend)",
    )

    sleep = commands.add_parser("sleep", help="send one long task and print its id")
    sleep.add_argument("--seconds", type=float, required=True)

    pickle = commands.add_parser("pickle", help="send a counting task serialized with pickle")
    pickle.add_argument("--run", required=True)

    report = commands.add_parser("report", help="count lost and duplicated executions")
    report.add_argument("--run", required=True)
    report.add_argument("--sent", type=int, required=True)
    report.add_argument("--json", action="store_true", help="print one JSON object")
    report.add_argument("files", nargs="*", type=Path, help="record files (default: this host's)")

    arguments = parser.parse_args(argv)
    if arguments.command == "send" and not 0 < arguments.count <= 100_000:
        parser.error("--count must be between 1 and 100000")
    if arguments.command == "send" and not 0 <= arguments.rate <= 10_000:
        parser.error("--rate must be between 0 (no limit) and 10000 tasks a second")
    if arguments.command == "send" and not 0 <= arguments.wait <= 3600:
        parser.error("--wait must be between 0 and 3600 seconds")
    return arguments


def _load_environment(path: Path | None) -> None:
    if path is not None:
        os.environ.update(envfile.read(path))


def _app():  # noqa: ANN202
    from longshore_app.app import app

    app.loader.import_default_modules()
    return app


def _ping(count: int, timeout: float) -> int:
    from celery import chord

    from longshore_app.tasks import add, total

    started = time.monotonic()
    result = add.delay(2, 3).get(timeout=timeout)
    print(f"add(2, 3) = {result} in {time.monotonic() - started:.3f} s")
    started = time.monotonic()
    summed = chord(add.s(i, i) for i in range(count))(total.s()).get(timeout=timeout)
    print(f"chord of {count} = {summed} in {time.monotonic() - started:.3f} s")
    expected = sum(2 * i for i in range(count))
    return 0 if (result, summed) == (5, expected) else 1


def _send(
    run: str, count: int, long_every: int, long_seconds: float, queue: str | None, rate: float, wait: float
) -> int:
    from longshore_app.tasks import count as counting

    if not records.RUN_NAME.match(run):
        raise SystemExit(f"longshore-app: run name {run!r} is not valid")
    started = time.monotonic()
    sent = []
    for sequence in range(count):
        if rate:
            time.sleep(max(0.0, started + sequence / rate - time.monotonic()))
        seconds = long_seconds if long_every and sequence % long_every == long_every - 1 else 0.0
        sent.append(counting.apply_async((run, sequence, time.time(), seconds), queue=queue, ignore_result=not wait))
    print(f"sent {count} in {time.monotonic() - started:.1f} s", flush=True)
    if not wait:
        return 0
    deadline = started + wait
    pending = [result for result in sent if not result.ready()]
    while pending:
        if time.monotonic() >= deadline:
            print(f"{len(pending)} of {count} tasks not finished after {wait:.0f} s", file=sys.stderr)
            return 1
        time.sleep(0.5)
        pending = [result for result in pending if not result.ready()]
    print(f"all {count} finished {time.monotonic() - started:.1f} s after the first was sent")
    return 0


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


def _connect(loaded: settings.Settings) -> int:
    """One attempt each, no retry: a TLS or login failure is printed, not retried."""
    app = _app()
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


def _report(run: str, sent: int, files: list[Path], as_json: bool) -> int:
    executions = [
        records.Execution.parse(line)
        for file in files
        if file.exists()
        for line in file.read_text().splitlines()
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
    _load_environment(arguments.env_file)
    try:
        loaded = settings.load(os.environ)
    except settings.SettingError as error:
        print(f"longshore-app: {error}", file=sys.stderr)
        return 78
    if arguments.command == "check":
        print(f"settings ok: broker {loaded.broker}, result backend {loaded.result_backend}")
        return 0
    if arguments.command == "report":
        return _report(
            arguments.run, arguments.sent, [records.run_file(Path(loaded.state_dir), arguments.run)], arguments.json
        )

    if arguments.command == "connect":
        return _connect(loaded)
    _app()
    if arguments.command == "ping":
        return _ping(arguments.chord, arguments.timeout)
    if arguments.command == "send":
        if arguments.wait and loaded.result_backend == "none":
            print("longshore-app: send --wait needs a result backend (LONGSHORE_RESULT_BACKEND)", file=sys.stderr)
            return 78
        return _send(
            arguments.run,
            arguments.count,
            arguments.long_every,
            arguments.long_seconds,
            arguments.queue,
            arguments.rate,
            arguments.wait,
        )
    from longshore_app.tasks import count as counting
    from longshore_app.tasks import sleep

    if arguments.command == "sleep":
        print(sleep.delay(arguments.seconds).id)
        return 0
    # pickle: the workers accept JSON only, so this task must never run.
    counting.apply_async((arguments.run, 0, time.time()), serializer="pickle", ignore_result=True)
    print("sent 1 pickle message")
    return 0


if __name__ == "__main__":
    sys.exit(main())
