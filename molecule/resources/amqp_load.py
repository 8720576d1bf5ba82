"""Publishes or counts persistent messages on a quorum queue over TLS, for drills.

    python amqp_load.py publish|count --address A --name N --ca-file F --user U --vhost V
                        --queue Q [--cert-file C --key-file K] [--count N] [--seconds S]
    python amqp_load.py through --nodes A=N,A=N,... --ca-file F --user U --vhost V --queue Q
                        [--cert-file C --key-file K] [--count N] [--rate R] [--seconds S]

The password comes on standard input, never on the command line or in the environment.
Prints one JSON line: {"published": n} or {"counted": n, "bodies_in_order": bool}.

``through`` is a load that outlives a node: a publisher sends --count numbered messages at
--rate per second, each confirmed by the broker, while a consumer acknowledges them; both
start on the first of --nodes (address=certificate name) and move to the next node when
their connection fails, and the publisher sends a message the broker did not confirm
(connection lost, or refused while the queue elects a leader) again. It stops when every
number has arrived or after --seconds, and prints {"sent", "received", "lost",
"duplicated", "reconnects", "nacked", "longest_gap_seconds"} (the longest time between
two deliveries).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import ssl
import sys
import time

import amqp
import drill_load
from drill_load import Seen


def connect(
    args: argparse.Namespace, password: str | None = None, node: tuple[str, str] | None = None
) -> amqp.Connection:
    """Open a TLS connection to ``node`` (address, certificate name; default --address and
    --name). The password is read from standard input when not given."""
    if password is None:
        password = sys.stdin.readline().rstrip("\n")
    address, name = node or (args.address, args.name)
    options = {"ca_certs": args.ca_file, "cert_reqs": ssl.CERT_REQUIRED, "server_hostname": name}
    if args.cert_file:
        # Mutual TLS: the client certificate and its key.
        options |= {"certfile": args.cert_file, "keyfile": args.key_file}
    conn = amqp.Connection(
        host=f"{address}:5671",
        userid=args.user,
        password=password,
        virtual_host=args.vhost,
        ssl=options,
        connect_timeout=5,
        # basic_publish waits for the broker's confirmation of each message.
        confirm_publish=True,
        heartbeat=0,
    )
    conn.connect()
    return conn


def publish(args: argparse.Namespace) -> dict[str, int]:
    conn = connect(args)
    try:
        channel = conn.channel()
        channel.queue_declare(args.queue, durable=True, auto_delete=False, arguments={"x-queue-type": "quorum"})
        for number in range(args.count):
            channel.basic_publish(amqp.Message(str(number), delivery_mode=2), exchange="", routing_key=args.queue)
    finally:
        conn.collect()
    return {"published": args.count}


def count(args: argparse.Namespace) -> dict[str, int | bool]:
    """Consume the queue until the broker reports it empty (bounded by --seconds)."""
    conn = connect(args)
    bodies: list[int] = []
    deadline = time.monotonic() + args.seconds
    try:
        channel = conn.channel()
        channel.basic_qos(0, 500, False)
        channel.basic_consume(args.queue, callback=lambda message: bodies.append(int(message.body)), no_ack=True)
        while time.monotonic() < deadline:
            try:
                conn.drain_events(timeout=2)
            except TimeoutError:
                _, ready, _ = channel.queue_declare(args.queue, passive=True)
                if ready == 0:
                    break
    finally:
        conn.collect()
    return {"counted": len(bodies), "bodies_in_order": bodies == sorted(bodies)}


# What a connection may raise when its node dies or refuses it while starting up.
CONNECTION_ERRORS = (OSError, amqp.exceptions.AMQPError, amqp.exceptions.RecoverableConnectionError)


class Nodes:
    """The cluster's nodes in order; a client that loses its node moves to the next one."""

    def __init__(self, args: argparse.Namespace, password: str) -> None:
        self.args, self.password = args, password
        self.nodes = [tuple(item.split("=", 1)) for item in args.nodes.split(",")]

    def connect(self, index: int, deadline: float, seen: Seen) -> tuple[amqp.Connection, int]:
        while time.monotonic() < deadline:
            try:
                return connect(self.args, self.password, self.nodes[index % len(self.nodes)]), index
            except CONNECTION_ERRORS:
                index += 1
                seen.reconnected()
                time.sleep(0.2)
        raise TimeoutError("no node accepted a connection before the deadline")


def declare(channel: amqp.Channel, queue: str) -> None:
    channel.queue_declare(queue, durable=True, auto_delete=False, arguments={"x-queue-type": "quorum"})


def publish_through(args: argparse.Namespace, nodes: Nodes, seen: Seen, deadline: float) -> None:
    conn, index = nodes.connect(0, deadline, seen)
    channel = conn.channel()
    declare(channel, args.queue)
    number = 0
    while number < args.count and time.monotonic() < deadline:
        due = time.monotonic() + 1 / args.rate
        try:
            channel.basic_publish(amqp.Message(str(number), delivery_mode=2), exchange="", routing_key=args.queue)
            number += 1
        except amqp.exceptions.MessageNacked:
            # The queue refused it (no leader yet, during an election): send it again.
            with seen.lock:
                seen.nacked += 1
            time.sleep(0.2)
            continue
        except CONNECTION_ERRORS:
            # Not confirmed: reconnect and send the same number again (it may arrive twice).
            conn.collect()
            seen.reconnected()
            conn, index = nodes.connect(index + 1, deadline, seen)
            channel = conn.channel()
            continue
        time.sleep(max(0.0, due - time.monotonic()))
    conn.collect()


def consume_through(args: argparse.Namespace, nodes: Nodes, seen: Seen, deadline: float) -> None:
    def on_message(message: amqp.Message) -> None:
        seen.deliver(int(message.body))
        message.channel.basic_ack(message.delivery_tag)

    index = 0
    while time.monotonic() < deadline and not seen.complete():
        conn, index = nodes.connect(index, deadline, seen)
        try:
            channel = conn.channel()
            declare(channel, args.queue)
            channel.basic_qos(0, 50, False)
            channel.basic_consume(args.queue, callback=on_message)
            while time.monotonic() < deadline and not seen.complete():
                with contextlib.suppress(TimeoutError):
                    conn.drain_events(timeout=1)
        except CONNECTION_ERRORS:
            index += 1
            seen.reconnected()
        finally:
            conn.collect()


def through(args: argparse.Namespace) -> dict[str, int | float]:
    nodes = Nodes(args, sys.stdin.readline().rstrip("\n"))
    return drill_load.run(
        args.count,
        args.seconds,
        lambda seen, deadline: publish_through(args, nodes, seen, deadline),
        lambda seen, deadline: consume_through(args, nodes, seen, deadline),
    )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("action", choices=["publish", "count", "through"])
    for option in ("--ca-file", "--user", "--vhost", "--queue"):
        parser.add_argument(option, required=True)
    parser.add_argument("--address", default="")
    parser.add_argument("--name", default="")
    parser.add_argument("--nodes", default="", help="through: address=name of each node, the first one first")
    parser.add_argument("--cert-file", default="")
    parser.add_argument("--key-file", default="")
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--rate", type=float, default=50.0)
    parser.add_argument("--seconds", type=float, default=90.0)
    args = parser.parse_args()
    actions = {"publish": publish, "count": count, "through": through}
    result = actions[args.action](args)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
