from __future__ import annotations

import pytest

from longshore_celery import envfile


def test_reads_plain_and_quoted_values() -> None:
    text = '# comment\n\nA=one\nB="two words"\nC="say \\"hi\\" \\\\ bye"\n'
    assert envfile.parse(text) == {"A": "one", "B": "two words", "C": 'say "hi" \\ bye'}


def test_keeps_equal_signs_inside_values() -> None:
    assert envfile.parse("URL=a=b=c") == {"URL": "a=b=c"}


@pytest.mark.parametrize("line", ["no equals sign", "1BAD=x", "=value"])
def test_refuses_lines_that_are_not_assignments(line: str) -> None:
    with pytest.raises(ValueError, match=r"^line 1: not KEY=VALUE"):
        envfile.parse(line)
