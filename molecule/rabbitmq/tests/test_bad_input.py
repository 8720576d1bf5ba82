"""Bad inventory values stop the play before any node changes, naming the variable."""

from __future__ import annotations

import json

import pytest

from playbook_runs import once_per_scenario, run_playbook

testinfra_hosts = ["ansible://longshore-mq1"]

CASES = {
    "short cookie": ({"rabbitmq_erlang_cookie": "tooShort123"}, "rabbitmq_erlang_cookie"),
    "weak password": (
        {"rabbitmq_users": [{"name": "celery", "password": "guest", "vhost": "celery"}]},
        "password of RabbitMQ user celery",
    ),
    "misspelt option": ({"rabbitmq_tls_verfy_peer": False}, "rabbitmq_tls_verfy_peer"),
    "certificate of another file": ({"rabbitmq_tls_cert_src": "/etc/longshore/pki/ca.crt"}, "rabbitmq_tls_"),
    "TLS 1.1": ({"rabbitmq_tls_versions": ["tlsv1.2", "tlsv1.1"]}, "rabbitmq_tls_versions"),
    "CBC cipher": ({"rabbitmq_tls_ciphers": ["ECDHE-ECDSA-AES128-SHA256"]}, "rabbitmq_tls_ciphers"),
    "unknown partition handling": (
        {"rabbitmq_cluster_partition_handling": "pause_majority"},
        "rabbitmq_cluster_partition_handling",
    ),
    "net ticktime of 1 s": ({"rabbitmq_net_ticktime": 1}, "rabbitmq_net_ticktime"),
    "delivery limit 0": ({"rabbitmq_delivery_limit": 0}, "rabbitmq_delivery_limit"),
    "management on every interface": ({"rabbitmq_management_address": "0.0.0.0"}, "rabbitmq_management_address"),
    "policy applied to an unknown kind": (
        {
            "rabbitmq_policies": [
                {
                    "name": "ttl",
                    "vhost": "celery",
                    "pattern": "^x$",
                    "apply_to": "topics",
                    "definition": {"message-ttl": 1000},
                }
            ]
        },
        "rabbitmq_policies",
    ),
    "policy definition not a mapping": (
        {"rabbitmq_policies": [{"name": "ttl", "vhost": "celery", "pattern": "^x$", "definition": "message-ttl=1000"}]},
        "rabbitmq_policies",
    ),
}


@once_per_scenario
@pytest.mark.parametrize("case", CASES)
def test_bad_input_stops_before_any_change(request: pytest.FixtureRequest, case: str) -> None:
    extra, named = CASES[case]
    run = run_playbook("playbooks/rabbitmq.yml", request.config.option.ansible_inventory, json.dumps(extra), check=True)
    assert run.rc != 0, run.output
    assert named in run.output
    assert run.changed(), run.output
    assert set(run.changed().values()) == {0}
