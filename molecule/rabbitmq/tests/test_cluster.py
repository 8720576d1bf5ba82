"""Three nodes in one cluster, and a quorum queue that outlives the loss of one."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable

import amqp
from testinfra.host import Host

from amqp_client import ClientCert, connection
from conftest import APP_PASSWORD, APP_USER, APP_VHOST, NODES

testinfra_hosts = NODES

NODES = ["longshore-mq1", "longshore-mq2", "longshore-mq3"]


def running_nodes(host: Host) -> list[str]:
    status = json.loads(host.check_output("rabbitmqctl --quiet cluster_status --formatter json"))
    return sorted(status["running_nodes"])


def test_three_nodes_are_running(host: Host) -> None:
    assert running_nodes(host) == [f"rabbit@{node}" for node in NODES]


def test_quorum_queue_accepts_messages_with_one_node_stopped(
    host: Host, address: str, name: str, ca_file: str, client_cert: ClientCert, inventory_host: Callable[[str], Host]
) -> None:
    stopped = inventory_host(next(node for node in NODES if node != name))
    queue = f"quorum-{uuid.uuid4().hex[:8]}"
    count = 50
    with connection(address, name, ca_file, APP_USER, APP_PASSWORD, APP_VHOST, client=client_cert) as conn:
        channel = conn.channel()
        channel.queue_declare(queue, durable=True, auto_delete=False, arguments={"x-queue-type": "quorum"})
    stopped.check_output("systemctl stop rabbitmq-server")
    try:
        with connection(address, name, ca_file, APP_USER, APP_PASSWORD, APP_VHOST, client=client_cert) as conn:
            channel = conn.channel()
            for number in range(count):
                channel.basic_publish(amqp.Message(str(number), delivery_mode=2), exchange="", routing_key=queue)
            received = []
            while (message := channel.basic_get(queue, no_ack=True)) is not None:
                received.append(int(message.body))
            channel.queue_delete(queue)
    finally:
        stopped.check_output("systemctl start rabbitmq-server")
        deadline = time.monotonic() + 120
        while len(running_nodes(host)) < len(NODES) and time.monotonic() < deadline:
            time.sleep(2)
    assert received == list(range(count))
    assert len(running_nodes(host)) == len(NODES)


def test_a_silent_peer_is_taken_for_down_after_the_inventory_net_ticktime(host: Host) -> None:
    # rabbitmq_net_ticktime (15) instead of Erlang's 60: the partition drill needs the cut-off
    # node to see it has no majority, and pause, within seconds.
    assert host.check_output("rabbitmqctl --quiet eval 'net_kernel:get_net_ticktime().'").strip() == "15"
