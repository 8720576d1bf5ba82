"""A load that outlives a Redis master, through Sentinel, with kombu (Celery's transport).

    python redis_load.py --sentinels A,B,C --master M --user U --sentinel-user S --key-prefix P
                         [--ca-file F] [--queue Q] [--count N] [--rate R] [--seconds S]

Two lines on standard input: the data nodes' password of --user, then the Sentinels'
password of --sentinel-user (never on the command line or in the environment). With
--ca-file, every connection is TLS with the chain checked against that CA; the client
reaches the nodes by address, which the certificates do not name, so names are not
checked. A publisher sends --count numbered messages at --rate per second while a
consumer acknowledges them; when a connection fails, the client asks the Sentinels for the
master again, and the publisher sends the message it could not send again (it may arrive
twice). Stops when every number arrived or after --seconds; prints one JSON line
{"sent", "received", "lost", "duplicated", "reconnects", "nacked" (always 0 here),
"longest_gap_seconds"} (molecule/resources/drill_load.py).
"""

from __future__ import annotations

import argparse
import json
import ssl
import sys
import time
from queue import Empty
from typing import Any
from urllib.parse import quote

import drill_load
import kombu
import kombu.exceptions
from drill_load import Seen


def connection(args: argparse.Namespace, password: str, sentinel_password: str) -> kombu.Connection:
    credentials = f"{quote(args.user, safe='')}:{quote(password, safe='')}@"
    url = ";".join(f"sentinel://{credentials}{address}:26379/0" for address in args.sentinels.split(","))
    sentinel_kwargs: dict[str, Any] = {"username": args.sentinel_user, "password": sentinel_password}
    tls: dict[str, Any] = {}
    if args.ca_file:
        tls = {"ssl_ca_certs": args.ca_file, "ssl_cert_reqs": ssl.CERT_REQUIRED, "ssl_check_hostname": False}
        sentinel_kwargs |= {"ssl": True, **tls}
    return kombu.Connection(
        url,
        ssl=tls or None,
        connect_timeout=2,
        transport_options={
            "master_name": args.master,
            "sentinel_kwargs": sentinel_kwargs,
            "global_keyprefix": args.key_prefix,
            "socket_timeout": 2,
            "socket_connect_timeout": 2,
            # Messages a consumer took and did not acknowledge come back after this long.
            "visibility_timeout": 30,
        },
    )


def failures(conn: kombu.Connection) -> tuple[type[BaseException], ...]:
    """What the transport raises when the master dies, is demoted, or cannot be found."""
    return (kombu.exceptions.OperationalError, *conn.connection_errors, *conn.channel_errors)


def reconnect(
    conn: kombu.Connection, args: argparse.Namespace, passwords: tuple[str, str], seen: Seen
) -> kombu.Connection:
    conn.release()
    seen.reconnected()
    time.sleep(0.2)
    return connection(args, *passwords)


def publish(args: argparse.Namespace, passwords: tuple[str, str], seen: Seen, deadline: float) -> None:
    conn = connection(args, *passwords)
    number = 0
    while number < args.count and time.monotonic() < deadline:
        due = time.monotonic() + 1 / args.rate
        try:
            conn.SimpleQueue(args.queue).put({"number": number})
            number += 1
        except failures(conn):
            # The master failed: ask the Sentinels again.
            conn = reconnect(conn, args, passwords, seen)
            continue
        time.sleep(max(0.0, due - time.monotonic()))
    conn.release()


def consume(args: argparse.Namespace, passwords: tuple[str, str], seen: Seen, deadline: float) -> None:
    conn = connection(args, *passwords)
    queue = None
    while time.monotonic() < deadline and not seen.complete():
        try:
            queue = queue or conn.SimpleQueue(args.queue)
            message = queue.get(timeout=1)
        except Empty:
            continue
        except failures(conn):
            queue = None
            conn = reconnect(conn, args, passwords, seen)
            continue
        seen.deliver(int(message.payload["number"]))
        try:
            message.ack()
        except failures(conn):
            # Not acknowledged: the message comes back after the visibility timeout.
            queue = None
            conn = reconnect(conn, args, passwords, seen)
    conn.release()


def main() -> int:
    parser = argparse.ArgumentParser()
    for option in ("--sentinels", "--master", "--user", "--sentinel-user", "--key-prefix"):
        parser.add_argument(option, required=True)
    parser.add_argument("--ca-file", default="")
    parser.add_argument("--queue", default="drill-failover")
    parser.add_argument("--count", type=int, default=600)
    parser.add_argument("--rate", type=float, default=20.0)
    parser.add_argument("--seconds", type=float, default=120.0)
    args = parser.parse_args()
    passwords = (sys.stdin.readline().rstrip("\n"), sys.stdin.readline().rstrip("\n"))

    result = drill_load.run(
        args.count,
        args.seconds,
        lambda seen, deadline: publish(args, passwords, seen, deadline),
        lambda seen, deadline: consume(args, passwords, seen, deadline),
    )
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
