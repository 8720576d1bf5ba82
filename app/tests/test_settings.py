from __future__ import annotations

import pytest

from longshore_app.settings import SettingError, positive_int, required


def test_required_returns_the_value() -> None:
    assert required({"BROKER_URL": " amqps://broker:5671// "}, "BROKER_URL") == "amqps://broker:5671//"


@pytest.mark.parametrize("env", [{}, {"BROKER_URL": ""}, {"BROKER_URL": "   "}])
def test_required_names_the_missing_variable(env: dict[str, str]) -> None:
    with pytest.raises(SettingError, match=r"^BROKER_URL is not set"):
        required(env, "BROKER_URL")


def test_positive_int_takes_the_default_when_unset() -> None:
    assert positive_int({}, "CONCURRENCY", 4) == 4


def test_positive_int_parses_the_value() -> None:
    assert positive_int({"CONCURRENCY": "8"}, "CONCURRENCY", 4) == 8


@pytest.mark.parametrize(("raw", "message"), [("eight", "not a whole number"), ("0", "must be 1 or more")])
def test_positive_int_refuses_bad_values(raw: str, message: str) -> None:
    with pytest.raises(SettingError, match=rf"^CONCURRENCY.*{message}"):
        positive_int({"CONCURRENCY": raw}, "CONCURRENCY", 4)
