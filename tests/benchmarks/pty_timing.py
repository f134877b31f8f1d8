"""Running a TUI in a real pseudo-terminal: time to a marker on screen, keys, resident memory."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import struct
import termios
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ScreenTiming:
    """Seconds from exec to the first marker on screen, and the process's RSS at the end."""

    seconds: float
    rss_mb: float


def _rss_mb(pid: int) -> float:
    with Path(f"/proc/{pid}/status").open(encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


class _Terminal:
    """A child process on a 100x30 pty, with what it has drawn so far."""

    def __init__(self, argv: list[str], env: dict[str, str]) -> None:
        self.start = time.perf_counter()
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child becomes the program
            os.execvpe(argv[0], argv, env)
        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
        self.seen = b""

    def wait_for(self, marker: bytes, timeout: float) -> float:
        """Seconds since start when `marker` was drawn (after the last `send`)."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            ready, _, _ = select.select([self.fd], [], [], 0.02)
            if not ready:
                continue
            try:
                chunk = os.read(self.fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            self.seen = self.seen[-8192:] + chunk
            if marker in self.seen:
                return time.perf_counter() - self.start
        raise RuntimeError(f"marker {marker!r} not seen within {timeout}s")

    def send(self, keys: bytes) -> None:
        self.seen = b""
        os.write(self.fd, keys)

    def close(self) -> None:
        os.write(self.fd, b"\x11")  # ctrl+q
        deadline = time.perf_counter() + 5
        while time.perf_counter() < deadline:
            done, _ = os.waitpid(self.pid, os.WNOHANG)
            if done:
                break
            try:
                select.select([self.fd], [], [], 0.05)
                os.read(self.fd, 65536)
            except OSError:
                pass
        else:
            os.kill(self.pid, 9)
            os.waitpid(self.pid, 0)
        os.close(self.fd)


def time_first_screen(
    argv: list[str],
    marker: bytes,
    env: dict[str, str],
    *,
    then: Sequence[tuple[bytes, bytes]] = (),
    timeout: float = 60.0,
) -> ScreenTiming:
    """Time until `marker` is drawn; then send each (keys, wait-for) step; RSS at the end."""
    term = _Terminal(argv, env)
    try:
        seconds = term.wait_for(marker, timeout)
        for keys, wait in then:
            time.sleep(0.2)  # let the screen settle before typing, as a person would
            term.send(keys)
            term.wait_for(wait, timeout)
        rss = _rss_mb(term.pid)
    finally:
        term.close()
    return ScreenTiming(seconds, rss)
