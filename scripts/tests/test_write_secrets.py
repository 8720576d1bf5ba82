"""scripts/write_secrets.py against a copy of the staging inventory: every secret is written
once, encrypted, strong, and the groups that share one resolve to the same value."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "write_secrets.py"


@pytest.fixture
def staging(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "inventories", tmp_path / "inventories")
    return tmp_path / "inventories" / "staging"


def write(inventory: Path, password_file: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), str(inventory), "--vault-password-file", str(password_file)],
        capture_output=True,
        text=True,
        check=False,
    )


def host_vars(inventory: Path, password_file: Path, host: str) -> dict[str, object]:
    # `ansible -m debug` templates the variables the way a play would.
    names = ["rabbitmq_users", "celery_rabbitmq_password", "redis_app_password", "celery_redis_password"]
    names += ["redis_sentinel_client_password", "celery_sentinel_password"]
    command = ["ansible", "-i", str(inventory), host, "-m", "ansible.builtin.debug", "-a", f"var=[{','.join(names)}]"]
    result = subprocess.run(
        [*command, "--vault-password-file", str(password_file), "-c", "local", "-o"],
        capture_output=True,
        text=True,
        check=True,
    )
    listed = json.loads(result.stdout.split("=>", 1)[1])
    return dict(zip(names, next(iter(listed.values())), strict=True))


def test_secrets_are_encrypted_strong_and_shared(staging: Path, tmp_path: Path) -> None:
    password_file = tmp_path / "vault-password"
    result = write(staging, password_file)
    assert result.returncode == 0, result.stderr
    vault = staging / "group_vars" / "all" / "vault.yml"
    assert vault.read_text().startswith("$ANSIBLE_VAULT;1.1;AES256")
    assert oct(password_file.stat().st_mode & 0o777) == "0o600"

    plain = subprocess.run(
        ["ansible-vault", "view", "--vault-password-file", str(password_file), str(vault)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    values = [line.split('"')[1] for line in plain.splitlines() if line.startswith("vault_")]
    example = (staging / "group_vars" / "all" / "vault.yml.example").read_text()
    assert len(values) == example.count("\nvault_") > 0
    assert len(set(values)) == len(values)
    assert all(len(value) == 64 for value in values)

    # Inside the vault the values are not in clear; the worker and the brokers agree.
    for value in values:
        assert value not in vault.read_text()
    worker = host_vars(staging, password_file, "stag-worker1.example.internal")
    broker = host_vars(staging, password_file, "stag-mq1.example.internal")
    redis = host_vars(staging, password_file, "stag-redis1.example.internal")
    assert worker["celery_rabbitmq_password"] == broker["rabbitmq_users"][0]["password"]
    assert worker["celery_redis_password"] == redis["redis_app_password"]
    assert worker["celery_sentinel_password"] == redis["redis_sentinel_client_password"]


def test_an_existing_vault_is_never_overwritten(staging: Path, tmp_path: Path) -> None:
    password_file = tmp_path / "vault-password"
    assert write(staging, password_file).returncode == 0
    vault = staging / "group_vars" / "all" / "vault.yml"
    before = vault.read_text()
    result = write(staging, password_file)
    assert result.returncode == 1
    assert "exists" in result.stderr
    assert vault.read_text() == before


def test_the_lab_is_refused(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "inventories", tmp_path / "inventories")
    result = write(tmp_path / "inventories" / "lab", tmp_path / "vault-password")
    assert result.returncode == 2
    assert "generates its own secrets" in result.stderr
