"""At most one PDF render at a time on the machine, across server processes."""

from __future__ import annotations

import fcntl
import tempfile
from pathlib import Path

import pytest

from milestones.reports.render import _one_render_at_a_time

LOCK = Path(tempfile.gettempdir()) / "budgetopfoelgning-pdf-render.lock"


def _try_lock() -> bool:
    with open(LOCK, "a+b") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        fcntl.flock(handle, fcntl.LOCK_UN)
        return True


def test_a_second_render_waits_while_one_runs():
    with _one_render_at_a_time():
        assert _try_lock() is False
    assert _try_lock() is True


def test_the_lock_is_released_when_a_render_fails():
    with pytest.raises(RuntimeError), _one_render_at_a_time():
        raise RuntimeError("broken template")
    assert _try_lock() is True
