"""A progress line on stderr for long interactive runs: only on a terminal, cleared when done."""

from __future__ import annotations

import sys
import time
from types import TracebackType
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    import threading

FRAMES = "|/-\\"


class Progress:
    """``with Progress(enabled):`` shows ``isolint: linting... 3.1s`` after ``delay`` seconds."""

    def __init__(self, enabled: bool, stream: TextIO | None = None, delay: float = 0.5, interval: float = 0.1):
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = enabled
        self.delay, self.interval = delay, interval
        self._stop: threading.Event | None = None
        self._thread: threading.Thread | None = None
        self._shown = False

    def __enter__(self) -> Progress:
        if self.enabled:
            import threading  # only on a terminal: not worth its import in a pre-commit run

            self._stop = threading.Event()
            self._thread = threading.Thread(target=self._run, name="isolint-progress", daemon=True)
            self._thread.start()
        return self

    def _run(self) -> None:
        assert self._stop is not None
        start = time.monotonic()
        if self._stop.wait(self.delay):
            return
        frame = 0
        while not self._stop.is_set():
            self.stream.write(f"\r{FRAMES[frame % len(FRAMES)]} isolint: linting... {time.monotonic() - start:.1f}s")
            self.stream.flush()
            self._shown = True
            frame += 1
            self._stop.wait(self.interval)

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if self._stop is not None and self._thread is not None:
            self._stop.set()
            self._thread.join()
        if self._shown:
            self.stream.write("\r\x1b[2K")
            self.stream.flush()
