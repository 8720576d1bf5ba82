"""longshore-app: a client of the platform, run on a worker host as the service user.

    longshore-app [--env-file FILE] check
    longshore-app [--env-file FILE] connect
    longshore-app [--env-file FILE] ping [--chord N]
    longshore-app [--env-file FILE] send --run NAME --count N [--long-every K --long-seconds S]
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


def _send(run: str, count: int, long_every: int, long_seconds: float, queue: str | None) -> int:
    from longshore_app.tasks import count as counting

    if not records.RUN_NAME.match(run):
        raise SystemExit(f"longshore-app: run name {run!r} is not valid")
    for sequence in range(count):
        seconds = long_seconds if long_every and sequence % long_every == long_every - 1 else 0.0
        counting.apply_async((run, sequence, time.time(), seconds), queue=queue, ignore_result=True)
    print(f"sent {count}")
    return 0


def _tls_handshake(host: str, port: int, tls: settings.Tls) -> str:
    """Handshake with ``host:port`` trusting only the configured CA; "ok" or the error."""
    context = ssl.create_default_context(cafile=tls.ca_file)
    if tls.cert_file:
        context.load_cert_chain(tls.cert_file, tls.key_file)
    try:
        with (
            socket.create_connection((host, port), timeout=10) as raw,
            context.wrap_socket(raw, server_hostname=host),
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


def main(argv: list[str] | None = None) -> int:
    arguments = _arguments(argv)
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
        files = arguments.files or [records.run_file(Path(loaded.state_dir), arguments.run)]
        executions = [
            records.Execution.parse(line)
            for file in files
            if file.exists()
            for line in file.read_text().splitlines()
            if line.strip()
        ]
        summary = records.report(arguments.sent, executions)
        if arguments.json:
            print(json.dumps(dataclasses.asdict(summary)))
        else:
            print("\n".join(summary.lines()))
        return 0

    if arguments.command == "connect":
        return _connect(loaded)
    _app()
    if arguments.command == "ping":
        return _ping(arguments.chord, arguments.timeout)
    if arguments.command == "send":
        return _send(arguments.run, arguments.count, arguments.long_every, arguments.long_seconds, arguments.queue)
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
