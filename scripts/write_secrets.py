"""Write an environment's secrets: a strong random value for every name listed in
inventories/<env>/group_vars/all/vault.yml.example, encrypted with ansible-vault into
vault.yml beside it. The plain text goes to ansible-vault through a pipe, never to disk.

    python scripts/write_secrets.py inventories/staging [--vault-password-file FILE]

The vault password file defaults to .secrets/<env>/vault-password; when it does not exist,
a random password is written there (mode 0600): keep it in the team's password manager.
An existing vault.yml is never overwritten (rotate a value with `ansible-vault edit`).
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

NAME = re.compile(r"^(vault_[a-z0-9_]+):")
ROOT = Path(__file__).resolve().parent.parent


def names(example: Path) -> list[str]:
    """The vault_ names an example file lists, in order."""
    found = [m[1] for line in example.read_text().splitlines() if (m := NAME.match(line))]
    if not found:
        raise SystemExit(f"secrets: {example} lists no vault_ name")
    return found


def plain_text(variables: list[str]) -> str:
    # 32 random bytes, hex: 256 bits, and safe in every server's configuration syntax.
    lines = ["---", "# Written by scripts/write_secrets.py; edit with ansible-vault edit."]
    lines += [f'{name}: "{secrets.token_hex(32)}"' for name in variables]
    return "\n".join(lines) + "\n"


def password_file(path: Path) -> Path:
    if not path.exists():
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        value = secrets.token_urlsafe(36) + "\n"
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as file:
            file.write(value)
        print(f"secrets: wrote a new vault password to {path} (mode 0600): keep it in your password manager")
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("inventory", type=Path, help="the environment's inventory directory")
    parser.add_argument("--vault-password-file", type=Path, default=None)
    arguments = parser.parse_args(argv)

    inventory = arguments.inventory.resolve()
    environment = inventory.name
    example = inventory / "group_vars" / "all" / "vault.yml.example"
    vault = example.with_name("vault.yml")
    if environment == "lab":
        print("secrets: the lab generates its own secrets on first use (.secrets/lab)", file=sys.stderr)
        return 2
    if not example.is_file():
        print(f"secrets: {example} does not exist: is {arguments.inventory} an inventory?", file=sys.stderr)
        return 2
    if vault.exists():
        print(f"secrets: {vault} exists; change a value with: ansible-vault edit {vault}", file=sys.stderr)
        return 1

    variables = names(example)
    key = password_file(arguments.vault_password_file or ROOT / ".secrets" / environment / "vault-password")
    subprocess.run(
        ["ansible-vault", "encrypt", "--vault-password-file", str(key), "--output", str(vault), "-"],
        input=plain_text(variables),
        text=True,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    print(f"secrets: wrote {len(variables)} secrets to {vault} (encrypted)")
    print(f"secrets: deploy with: ansible-playbook -i {arguments.inventory} site.yml --vault-password-file {key}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
