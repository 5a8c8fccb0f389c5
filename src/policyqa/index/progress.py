"""Progress of long work (embedding) that shows on a terminal and in a plain log alike."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TextIO

LOG_EVERY_S = 5.0

OnProgress = Callable[[str, int, int], None]
"""Told of every step of long work: ``(what, done, total)``, e.g. ``("clauses", 32, 120)``."""


class Progress:
    """Counts done/total; on a terminal a tqdm bar, otherwise one line every few seconds
    (``embedding clauses: 160/497 (32%), 9.7/s, about 35 s left``) and one at the end.

    ``report``, if given, is called with ``(what, done, total)`` at the start and after every
    update, whether or not lines are shown (the web page's upload progress).
    """

    def __init__(
        self,
        total: int,
        what: str,
        enabled: bool = True,
        stream: TextIO | None = None,
        every_s: float = LOG_EVERY_S,
        report: OnProgress | None = None,
        step: str = "",
    ) -> None:
        self.total, self.what, self.enabled = total, what, enabled and total > 0
        self.report, self.step = report, step or what
        self.stream = stream or sys.stderr
        self.every_s = every_s
        self.done = 0
        self._start = self._last = time.monotonic()
        self._bar = None
        if self.enabled and self.stream.isatty():
            from tqdm import tqdm

            self._bar = tqdm(total=total, desc=what, unit="text", file=self.stream)
        if self.report is not None:
            self.report(self.step, 0, total)

    def update(self, n: int) -> None:
        self.done += n
        if self.report is not None:
            self.report(self.step, self.done, self.total)
        if not self.enabled:
            return
        if self._bar is not None:
            self._bar.update(n)
            return
        now = time.monotonic()
        if now - self._last >= self.every_s or self.done >= self.total:
            self._last = now
            self._line(now)

    def _line(self, now: float) -> None:
        elapsed = max(now - self._start, 1e-9)
        rate = self.done / elapsed
        left = (self.total - self.done) / rate if rate > 0 else 0.0
        tail = (
            f"about {_duration(left)} left"
            if self.done < self.total
            else (f"done in {_duration(elapsed)}")
        )
        pct = 100 * self.done // self.total
        print(
            f"{self.what}: {self.done}/{self.total} ({pct}%), {rate:.1f}/s, {tail}",
            file=self.stream,
            flush=True,
        )

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()


def _duration(seconds: float) -> str:
    s = round(seconds)
    return f"{s // 60} min {s % 60:02d} s" if s >= 60 else f"{s} s"
