"""Node loss under load (side_effect): the node that led quorum queue drill-node-loss, and
held both clients' connections, was killed while 600 messages went through the queue."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from conftest import NODES

testinfra_hosts = NODES

PREFETCH = 50  # amqp_load.py's consumer


@pytest.fixture(scope="module")
def load() -> dict[str, int | float]:
    return json.loads((Path(os.environ["MOLECULE_EPHEMERAL_DIRECTORY"]) / "node-loss.json").read_text())


def test_the_clients_lost_their_node(load: dict[str, int | float]) -> None:
    assert load["reconnects"] >= 2, f"the clients never moved to another node: the drill proved nothing: {load}"


def test_no_message_was_lost(load: dict[str, int | float]) -> None:
    assert (load["received"], load["lost"]) == (load["sent"], 0), load


def test_only_messages_in_flight_arrived_twice(load: dict[str, int | float]) -> None:
    # At least once: the consumer's unacknowledged window and the publisher's unconfirmed
    # message may arrive again, nothing more.
    assert load["duplicated"] <= PREFETCH + 1, load
