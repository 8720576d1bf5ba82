"""Tasks of plaintasks."""

from plaintasks.app import app


@app.task(name="plaintasks.word_count")
def word_count(text: str) -> int:
    """Count the words of ``text``."""
    return len(text.split())


@app.task(name="plaintasks.shout")
def shout(text: str) -> str:
    """Return ``text`` in capitals."""
    return text.upper()
