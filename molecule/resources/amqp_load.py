"""Publishes or counts persistent messages on a quorum queue over TLS, for drills.

    python amqp_load.py publish|count --address A --name N --ca-file F --user U --vhost V
                        --queue Q [--cert-file C --key-file K] [--count N] [--seconds S]

The password comes on standard input, never on the command line or in the environment.
Prints one JSON line: {"published": n} or {"counted": n, "bodies_in_order": bool}.
"""

from __future__ import annotations

import argparse
import json
import ssl
import sys
import time

import amqp


def connect(args: argparse.Namespace) -> amqp.Connection:
    password = sys.stdin.readline().rstrip("\n")
    options = {"ca_certs": args.ca_file, "cert_reqs": ssl.CERT_REQUIRED, "server_hostname": args.name}
    if args.cert_file:
        # Mutual TLS: the client certificate and its key.
        options |= {"certfile": args.cert_file, "keyfile": args.key_file}
    conn = amqp.Connection(
        host=f"{args.address}:5671",
        userid=args.user,
        password=password,
        virtual_host=args.vhost,
        ssl=options,
        connect_timeout=10,
        # basic_publish waits for the broker's confirmation of each message.
        confirm_publish=True,
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


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("action", choices=["publish", "count"])
    for option in ("--address", "--name", "--ca-file", "--user", "--vhost", "--queue"):
        parser.add_argument(option, required=True)
    parser.add_argument("--cert-file", default="")
    parser.add_argument("--key-file", default="")
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=90.0)
    args = parser.parse_args()
    result = publish(args) if args.action == "publish" else count(args)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
