"""Running a TUI in a real pseudo-terminal and timing how long until its first screen shows."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import struct
import termios
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ScreenTiming:
    """Seconds from exec to the marker on screen, and the process's resident memory then."""

    seconds: float
    rss_mb: float


def _rss_mb(pid: int) -> float:
    with Path(f"/proc/{pid}/status").open(encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def time_first_screen(
    argv: list[str], marker: bytes, env: dict[str, str], timeout: float = 60.0
) -> ScreenTiming:
    """Start `argv` in a 100x30 pty; time until `marker` appears in what it draws; quit it."""
    start = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:  # child: become the program
        os.execvpe(argv[0], argv, env)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    seen = b""
    elapsed = float("nan")
    rss = float("nan")
    try:
        while time.perf_counter() - start < timeout:
            ready, _, _ = select.select([fd], [], [], 0.05)
            if not ready:
                continue
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            seen = seen[-4096:] + chunk
            if marker in seen:
                elapsed = time.perf_counter() - start
                rss = _rss_mb(pid)
                break
    finally:
        os.write(fd, b"\x11")  # ctrl+q
        deadline = time.perf_counter() + 5
        while time.perf_counter() < deadline:
            done, _ = os.waitpid(pid, os.WNOHANG)
            if done:
                break
            try:
                select.select([fd], [], [], 0.05)
                os.read(fd, 65536)
            except OSError:
                pass
        else:
            os.kill(pid, 9)
            os.waitpid(pid, 0)
        os.close(fd)
    if elapsed != elapsed:
        raise RuntimeError(f"{argv[0]}: marker {marker!r} not seen within {timeout}s")
    return ScreenTiming(elapsed, rss)
