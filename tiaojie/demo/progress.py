"""A small progress bar on stderr (no dependency): redraws in place on a terminal, prints a
line every 10 % otherwise (logs, tests)."""
import time


class Progress:
    def __init__(self, stream, total: int, label: str, width: int = 30):
        self.stream, self.total, self.label, self.width = stream, max(total, 1), label, width
        self.done = 0
        self.start = time.monotonic()
        self.tty = bool(getattr(stream, "isatty", lambda: False)())
        self._last_draw = 0.0
        self._last_decile = -1
        self._draw()

    def advance(self, n: int = 1) -> None:
        self.done = min(self.done + n, self.total)
        now = time.monotonic()
        if self.tty:
            if now - self._last_draw >= 0.1 or self.done == self.total:
                self._draw()
        elif self.done * 10 // self.total != self._last_decile:
            self._draw()

    def _draw(self) -> None:
        self._last_draw = time.monotonic()
        frac = self.done / self.total
        filled = int(frac * self.width)
        bar = "█" * filled + "·" * (self.width - filled)
        line = f"{self.label:<10} [{bar}] {frac:6.1%} {self.done:>7}/{self.total} {self._last_draw - self.start:6.1f}s"
        if self.tty:
            self.stream.write("\r" + line)
        else:
            self._last_decile = self.done * 10 // self.total
            self.stream.write(line + "\n")
        self.stream.flush()

    def close(self) -> None:
        if self.done != self.total or self.tty:
            self.done = self.total
            self._draw()
        if self.tty:
            self.stream.write("\n")
            self.stream.flush()
