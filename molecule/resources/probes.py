"""Probes the scenarios' tests share: TLS handshakes, listeners, unit scores."""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass

from testinfra.host import Host

# Modern OpenSSL will not offer TLS 1.0/1.1 at its default security level, so a probe
# for an old protocol would "fail" even against a server that allows it. Level 0 makes
# the client offer it; only the server's refusal then fails the handshake.
LEGACY_CLIENT = "DEFAULT:@SECLEVEL=0"


@dataclass(frozen=True)
class Handshake:
    ok: bool
    protocol: str
    cipher: str
    verify_code: int | None
    output: str


def tls_handshake(
    host: Host,
    server: str,
    port: int,
    *,
    ca_file: str,
    version: str = "",
    cipher: str = "",
    ciphersuites: str = "",
    verify_name: str = "",
    cert: str = "",
    key: str = "",
) -> Handshake:
    """Run `openssl s_client` on ``host`` against ``server:port`` and report the outcome;
    ``cert`` and ``key`` (files on ``host``) are the client's, for mutual TLS."""
    args = ["openssl", "s_client", "-connect", f"{server}:{port}", "-servername", server, "-CAfile", ca_file]
    if version:
        args.append(f"-{version}")
    if cipher:
        args += ["-cipher", cipher]
    if ciphersuites:
        args += ["-ciphersuites", ciphersuites]
    if verify_name:
        args += ["-verify_hostname", verify_name]
    if cert:
        args += ["-cert", cert, "-key", key]
    result = host.run("timeout 10 " + shlex.join(args) + " </dev/null")
    output = result.stdout + result.stderr
    # "New, TLSv1.3, Cipher is TLS_AES_256_GCM_SHA384"; "New, (NONE), Cipher is (NONE)" on failure.
    protocol = re.search(r"^New, (\S+), Cipher is", output, re.MULTILINE)
    cipher_used = re.search(r"Cipher is (\S+)", output)
    code = re.search(r"Verify return code: (\d+)", output)
    chosen = cipher_used.group(1) if cipher_used else "(NONE)"
    return Handshake(
        ok=result.rc == 0 and chosen != "(NONE)",
        protocol=protocol.group(1) if protocol else "",
        cipher=chosen,
        verify_code=int(code.group(1)) if code else None,
        output=output,
    )


def listening_addresses(host: Host, port: int) -> list[str]:
    """Local addresses on which something listens on TCP ``port``."""
    out = host.check_output(f"ss -Hltn 'sport = :{port}'")
    return [line.split()[3].rsplit(":", 1)[0] for line in out.splitlines() if line.strip()]


def exposure_score(host: Host, unit: str) -> float:
    """The overall exposure level `systemd-analyze security` prints for ``unit``."""
    out = host.check_output(f"systemd-analyze security --no-pager {shlex.quote(unit)}")
    match = re.search(r"Overall exposure level for \S+: ([0-9.]+)", out)
    assert match, out
    return float(match.group(1))


def denied_calls_in_journal(host: Host, *units: str) -> list[str]:
    """Journal lines of ``units`` that report a refused operation or a filtered syscall."""
    selectors = " ".join(f"-u {shlex.quote(unit)}" for unit in units)
    with host.sudo():
        out = host.run(f"journalctl --no-pager -q {selectors}").stdout
    return [line for line in out.splitlines() if "Operation not permitted" in line or "SIGSYS" in line]
