"""Settings from environment variables, refused with one line naming the variable."""

from __future__ import annotations

from collections.abc import Mapping


class SettingError(ValueError):
    """A setting is missing or invalid; the message names the variable."""


def required(env: Mapping[str, str], name: str) -> str:
    """Return the non-empty value of ``name`` from ``env``."""
    value = env.get(name, "").strip()
    if not value:
        raise SettingError(f"{name} is not set: give it a value in the environment file")
    return value


def positive_int(env: Mapping[str, str], name: str, default: int) -> int:
    """Return ``name`` as an integer of at least 1, or ``default`` when it is unset."""
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingError(f"{name}={raw!r} is not a whole number") from None
    if value < 1:
        raise SettingError(f"{name}={value} must be 1 or more")
    return value
