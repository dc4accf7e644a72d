"""Path converters that refuse what no object can have, so a bad path is a 404, never a 500.

``<id:pk>``: at most 18 digits, so the number fits the database's 64-bit keys (Django's
``int`` takes any number of digits, and PostgreSQL refuses a key beyond 2^63 with an error).
``<code:code>``: a committee code; no slash, no control characters (a NUL byte cannot even
be sent to PostgreSQL), at most 40 characters.
"""

from __future__ import annotations

from django.urls import register_converter


class IdConverter:
    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(int(value))


class CodeConverter:
    regex = "[^/\x00-\x1f\x7f]{1,40}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


def register() -> None:
    register_converter(IdConverter, "id")
    register_converter(CodeConverter, "code")
