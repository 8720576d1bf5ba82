"""Beat and Flower (enabled on longshore-site-w1 only): sandboxed units; Flower is
HTTPS only, with basic auth."""

from __future__ import annotations

import shlex

import pytest
from testinfra.host import Host

from conftest import BEAT_UNIT, FLOWER_UNIT, SECRETS
from probes import exposure_score

testinfra_hosts = ["ansible://longshore-site-w1"]

PROBE = """
import base64, ssl, sys, urllib.request, urllib.error
url, auth = sys.argv[1], sys.stdin.read()
context = ssl.create_default_context(cafile="/etc/longshore/pki/ca.crt")
context.check_hostname = False
request = urllib.request.Request(url)
if auth:
    request.add_header("Authorization", "Basic " + base64.b64encode(auth.encode()).decode())
try:
    print(urllib.request.urlopen(request, context=context, timeout=10).status)
except urllib.error.HTTPError as error:
    print(error.code)
except Exception as error:
    print(type(error).__name__)
"""


def get(host: Host, url: str, auth: str = "") -> str:
    # The credentials go through a pipe from the shell's printf builtin, not a command line.
    return host.check_output(f"printf %s {shlex.quote(auth)} | python3 -c {shlex.quote(PROBE)} {shlex.quote(url)}")


@pytest.mark.parametrize(
    ("auth", "expected"), [("", "401"), ("admin:wrong-password", "401"), (f"admin:{SECRETS[3]}", "200")]
)
def test_flower_asks_for_its_password(host: Host, auth: str, expected: str) -> None:
    assert get(host, "https://127.0.0.1:5555/workers", auth) == expected


def test_flower_does_not_answer_plain_http(host: Host) -> None:
    assert get(host, "http://127.0.0.1:5555/workers", f"admin:{SECRETS[3]}") != "200"


@pytest.mark.parametrize("unit", [BEAT_UNIT, FLOWER_UNIT])
def test_beat_and_flower_units_are_within_the_exposure_bar(host: Host, unit: str) -> None:
    assert exposure_score(host, unit) <= 1.5
