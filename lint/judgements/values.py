"""Reading model values: is a setting written and boolean true, or false."""

from __future__ import annotations

from typing import Any

from ..model import Value


def is_true(value: Value[Any] | None) -> bool:
    """The setting is written and is boolean true (``hostPID: true``, ``privileged: true``); not
    written, false, or a text that is not a boolean are all not true."""
    return value is not None and value.value is True


def is_false(value: Value[Any] | None) -> bool:
    """The setting is written and is boolean false (``hostUsers: false``): not merely absent."""
    return value is not None and value.value is False
