"""How far a run is: a bar on a terminal, a line every few seconds in a log, nothing with --quiet.

The bar shows files done of the total, the rate, the time left and the unit being judged, redrawn
at most ten times a second on standard error (standard output keeps the per-unit summary lines).
A caller that keeps the count elsewhere (the web service's database) passes `on_progress`: it is told
(done, total) at the start and after every file, whatever the mode.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TextIO

from kiemchung.pipeline.labels import Lang, score
from kiemchung.pipeline.messages import text

_BAR_WIDTH = 24
_REDRAW_SECONDS = 0.1
_LINE_SECONDS = 10.0


class Progress:
    """Counts finished files; `mode` is "bar", "lines" or "quiet" ("auto" picks bar on a terminal)."""

    def __init__(
        self,
        total: int,
        mode: str = "auto",
        stream: TextIO | None = None,
        *,
        lang: Lang = Lang.VI,
        on_progress: Callable[[int, int], None] | None = None,
    ) -> None:
        self._stream = stream or sys.stderr
        self._lang = lang
        if mode == "auto":
            mode = "bar" if self._stream.isatty() else "lines"
        self._mode = mode
        self._total = total
        self._done = 0
        self._cached = 0
        self._unit = ""
        self._started = time.monotonic()
        self._last_drawn = 0.0
        self._shown = -1  # files done when the status was last written
        self._on_progress = on_progress
        if on_progress is not None:
            on_progress(0, total)

    def unit(self, name: str) -> None:
        """The unit now being judged (shown on the bar)."""
        self._unit = name
        self._draw()

    def advance(self, files: int = 1, *, cached: bool = False) -> None:
        self._done += files
        if cached:
            self._cached += files
        if self._on_progress is not None:
            self._on_progress(self._done, self._total)
        self._draw(force=self._done == self._total)

    def message(self, text: str) -> None:
        """A line for standard output (a unit's summary) that the bar must not tear."""
        if self._mode == "bar":
            self._stream.write("\r\033[K")
            self._stream.flush()
        print(text, flush=True)
        self._draw(force=self._mode == "bar")

    def close(self) -> None:
        """Clear the bar, or write the closing line."""
        if self._mode == "bar":
            self._stream.write("\r\033[K")
        elif self._mode == "lines" and self._shown != self._done:
            self._stream.write(self._status() + "\n")
        self._stream.flush()

    def _draw(self, *, force: bool = False) -> None:
        if self._mode == "quiet":
            return
        now = time.monotonic()
        interval = _REDRAW_SECONDS if self._mode == "bar" else _LINE_SECONDS
        if not force and now - self._last_drawn < interval:
            return
        self._last_drawn = now
        self._shown = self._done
        if self._mode == "bar":
            filled = round(_BAR_WIDTH * self._done / self._total) if self._total else _BAR_WIDTH
            bar = "█" * filled + "░" * (_BAR_WIDTH - filled)
            self._stream.write(f"\r\033[K{bar} {self._status()}")
        else:
            self._stream.write(self._status() + "\n")
        self._stream.flush()

    def _status(self) -> str:
        elapsed = max(time.monotonic() - self._started, 1e-9)
        rate = self._done / elapsed
        left = (self._total - self._done) / rate if rate else 0.0
        lang = self._lang
        parts = [
            text("progress_files", lang, done=self._done, total=self._total),
            text("progress_rate", lang, rate=score(round(rate, 1), lang)),
            text("progress_left", lang, left=_clock(left)),
        ]
        if self._cached:
            parts.append(text("progress_cached", lang, n=self._cached))
        if self._unit:
            parts.append(text("progress_unit", lang, unit=self._unit))
        return " · ".join(parts)


def _clock(seconds: float) -> str:
    minutes, secs = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
