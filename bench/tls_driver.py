"""Task throughput and latency over one RabbitMQ listener, for bench/tls-cost.yml.

Runs on a worker host as the deployment's user, with the release's Python (the
platform's client library is in every release):

    python tls_driver.py --env-file F --listener tls|plain [--plain-port 5672] [--count 2000]
                         [--round-trips 200] [--concurrency 2]

Reads the deployment's settings from the environment file. With ``--listener plain`` the
broker URL is changed, in this process only, to amqp:// on --plain-port without TLS. A
Celery worker is started in this process (Celery's own test worker, a thread pool of
--concurrency) on a queue of its own, so the host's workers take none of these tasks.
Then: --count tasks sent at once, timed from the first send to the last finish
(throughput); and --round-trips tasks one after another, each sent when the one before
finished (latency: send to finish). Prints one JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import threading
import time
from pathlib import Path

QUEUE = "bench-tls-cost"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--env-file", type=Path, required=True)
    parser.add_argument("--listener", choices=["tls", "plain"], required=True)
    parser.add_argument("--plain-port", type=int, default=5672)
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--round-trips", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=300.0)
    arguments = parser.parse_args()

    from longshore_celery import envfile

    os.environ.update(envfile.read(arguments.env_file))

    from celery import signals
    from celery.contrib.testing.worker import start_worker

    from longshore_celery.cli import client

    # A client configured like the deployment; the platform's probe tasks are registered on it.
    app = client()
    add = app.tasks["longshore.probe.add"]

    conf = app.conf
    if not conf.broker_url.startswith("amqps://"):
        print("tls_driver: the application's broker is not RabbitMQ over TLS", file=sys.stderr)
        return 2
    if arguments.listener == "plain":
        urls = []
        for url in conf.broker_url.split(";"):
            head, _, tail = url.removeprefix("amqps://").rpartition("@")
            host, _, path = tail.partition("/")
            urls.append(f"amqp://{head}@{host.rpartition(':')[0]}:{arguments.plain_port}/{path}")
        conf.update(broker_url=";".join(urls), broker_use_ssl=False)
    conf.update(task_ignore_result=True)

    finished: dict[str, float] = {}
    lock = threading.Lock()

    def on_postrun(task_id: str | None = None, **_: object) -> None:
        with lock:
            finished[task_id or ""] = time.monotonic()

    signals.task_postrun.connect(on_postrun, weak=False)

    def wait_for(ids: list[str], deadline: float) -> None:
        while time.monotonic() < deadline:
            with lock:
                if all(task_id in finished for task_id in ids):
                    return
            time.sleep(0.002)
        raise SystemExit(f"tls_driver: tasks did not finish within {arguments.timeout} s")

    with start_worker(
        app,
        pool="threads",
        concurrency=arguments.concurrency,
        queues=[QUEUE],
        perform_ping_check=False,
        loglevel="WARNING",
    ):
        deadline = time.monotonic() + arguments.timeout
        # Warm up: connections open, the queue exists.
        wait_for([add.apply_async((0, 0), queue=QUEUE).id for _ in range(20)], deadline)

        started = time.monotonic()
        ids = [add.apply_async((number, 0), queue=QUEUE).id for number in range(arguments.count)]
        wait_for(ids, deadline)
        elapsed = max(finished[task_id] for task_id in ids) - started

        latencies = []
        for number in range(arguments.round_trips):
            sent = time.monotonic()
            task_id = add.apply_async((number, 0), queue=QUEUE).id
            wait_for([task_id], deadline)
            latencies.append(finished[task_id] - sent)

    with app.connection_for_write() as connection:
        connection.default_channel.queue_delete(QUEUE)

    latencies.sort()
    print(
        json.dumps(
            {
                "listener": arguments.listener,
                "tasks": arguments.count,
                "seconds": round(elapsed, 3),
                "tasks_per_second": round(arguments.count / elapsed, 1),
                "latency_median_ms": round(statistics.median(latencies) * 1000, 2),
                "latency_p99_ms": round(latencies[int(0.99 * (len(latencies) - 1))] * 1000, 2),
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
