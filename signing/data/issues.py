"""The problems found while checking a document's fields, and how a user's value is quoted."""

from __future__ import annotations

from signing.errors import FieldIssue


class Issues:
    """The errors of the field checks, and the paths they concern."""

    def __init__(self) -> None:
        self.errors: list[FieldIssue] = []

    def add(self, path: str, message: str) -> None:
        self.errors.append(FieldIssue(path, message))

    def covers(self, path: str) -> bool:
        """True when `path` or one of its parents already has an error (said once is enough)."""
        return any(
            path == e.field or path.startswith((f"{e.field}.", f"{e.field}[")) for e in self.errors
        )


def shown(value: object, limit: int = 40) -> str:
    """A user's value quoted in a message: printable, and cut when long."""
    text = "".join(c if c.isprintable() else "?" for c in str(value))
    return text if len(text) <= limit else f"{text[:limit]}…"
