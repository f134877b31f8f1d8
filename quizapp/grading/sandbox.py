"""Running untrusted code in a confined child, and collecting what it sends back.

The server makes two pipes (result frames, printed output) and asks the zygote to fork a child
holding only their write ends. The child gets its own process group, an address-space ceiling
relative to what the (torch-laden) zygote already maps, CPU-time and file-size limits, no stdin,
its own temporary folder, and the OS protections of `confine`. The server reads both pipes,
enforces a wall-clock limit with SIGKILL to the whole group and reports how the child ended.
"""

from __future__ import annotations

import contextlib
import os
import resource
import select
import signal
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from quizapp.grading.protocol import Frame, FrameReader, ProtocolError
from quizapp.grading.report import Protection

if TYPE_CHECKING:
    from quizapp.grading.zygote import Zygote

OUTPUT_LIMIT = 8 * 1024
# More output than this fails the run; past the kill limit the child is stopped.
OUTPUT_FAIL_BYTES = 1024 * 1024
OUTPUT_KILL_BYTES = 32 * 1024 * 1024
MAX_TOTAL_FRAME_BYTES = 512 * 1024 * 1024
FILE_SIZE_LIMIT = 16 * 1024 * 1024
DEFAULT_MEMORY_MIB = 2048


@dataclass(frozen=True, slots=True)
class Limits:
    """Wall-clock seconds, extra address space in MiB beyond the server's own."""

    time_s: float = 10.0
    memory_mib: int = DEFAULT_MEMORY_MIB


@dataclass(slots=True)
class ChildRun:
    """What the parent saw of one child."""

    frames: list[Frame] = field(default_factory=list)
    output: str = ""
    output_bytes: int = 0
    exit_status: int | None = None
    signal: int | None = None
    timed_out: bool = False
    flooded: bool = False
    cancelled: bool = False
    protocol_error: str | None = None
    duration_s: float = 0.0
    # Bytes of an unfinished frame when the channel closed.
    leftover: int = 0

    def ending(self, time_limit: float) -> str:
        """How the child ended, in a sentence (empty if it ended normally)."""
        if self.cancelled:
            return "the run was cancelled"
        if self.flooded:
            return (
                f"the submission printed more than {OUTPUT_KILL_BYTES // 2**20} MiB and was "
                "stopped; remove the prints inside loops"
            )
        if self.timed_out:
            return (
                f"the submission ran past the {time_limit:g} s time limit and was stopped "
                "(an infinite loop, or far too much work?)"
            )
        if self.protocol_error:
            return f"the submission corrupted the result channel ({self.protocol_error})"
        if self.signal is not None:
            return _signal_message(self.signal)
        return ""


def _signal_message(signum: int) -> str:
    try:
        name = signal.Signals(signum).name
    except ValueError:
        name = f"signal {signum}"
    if signum == signal.SIGXCPU:
        return "the submission used up its CPU time limit and was stopped"
    if signum == signal.SIGSEGV:
        return "the process crashed with a segmentation fault (SIGSEGV)"
    if signum == signal.SIGKILL:
        return "the process was killed (SIGKILL), possibly for using too much memory"
    return f"the process was killed by {name}"


def address_space_in_use() -> int:
    """Bytes of address space this process maps now (torch alone maps a lot)."""
    try:
        with open("/proc/self/statm") as fh:  # noqa: PTH123 - a procfs read, not a path op
            pages = int(fh.read().split()[0])
        return pages * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return 0


def _apply_limits(limits: Limits) -> None:
    """In the child: resource ceilings relative to what it already uses."""
    base = address_space_in_use()
    if base:
        ceiling = base + limits.memory_mib * 1024 * 1024
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_AS, (ceiling, ceiling))
    cpu = int(limits.time_s) + 2
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_FSIZE, (FILE_SIZE_LIMIT, FILE_SIZE_LIMIT))
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def enter_child(frames_w: int, out_w: int, limits: Limits, tmpdir: str) -> list[Protection]:
    """Isolate the freshly forked child: own group, no stdin, captured output, limits, and the
    OS protections; returns the protections in force."""
    from quizapp.grading.confine import confine

    with contextlib.suppress(OSError):
        os.setpgid(0, 0)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.dup2(out_w, 1)
    os.dup2(out_w, 2)
    # Close everything else inherited from the server, above all its protocol pipes: the
    # submission must have no way to talk to the client.
    keep = frames_w
    os.closerange(3, keep)
    os.closerange(keep + 1, 1 << 16)
    _apply_limits(limits)  # before confining: it reads /proc/self
    os.chdir(tmpdir)
    os.environ.update({"HOME": tmpdir, "TMPDIR": tmpdir})
    tempfile.tempdir = tmpdir
    sys.dont_write_bytecode = True  # the packages' folders are read-only to the child
    return confine(tmpdir)


def run_child(
    zygote: Zygote,
    request: dict[str, Any],
    *,
    limits: Limits,
    on_frame: Callable[[Frame], None] | None = None,
    control_fd: int | None = None,
    on_control: Callable[[], bool] | None = None,
) -> ChildRun:
    """Have the zygote run `request` in a confined child; collect until it ends or is stopped.

    `control_fd` is watched while waiting; when readable, `on_control()` is called and a True
    result cancels the run.
    """
    frames_r, frames_w = os.pipe()
    out_r, out_w = os.pipe()
    start = time.monotonic()
    try:
        limit_fields = {"time_s": limits.time_s, "memory_mib": limits.memory_mib}
        pid, pidfd = zygote.spawn({**request, **limit_fields}, frames_w, out_w)
    except BaseException:
        for fd in (frames_r, out_r):
            os.close(fd)
        raise
    finally:
        os.close(frames_w)
        os.close(out_w)
    run = ChildRun()
    try:
        _collect(pidfd, frames_r, out_r, run, start, limits, on_frame, control_fd, on_control)
    finally:
        _reap(zygote, pid, pidfd, run)
        os.close(pidfd)
        os.close(frames_r)
        os.close(out_r)
        run.duration_s = time.monotonic() - start
    stopped = run.timed_out or run.cancelled or run.flooded or run.signal is not None
    if run.leftover and not stopped and run.protocol_error is None:
        # A child that ended on its own left half a frame: someone wrote to the channel.
        run.protocol_error = f"{run.leftover} bytes after the last complete frame"
    return run


def _collect(
    pidfd: int,
    frames_r: int,
    out_r: int,
    run: ChildRun,
    start: float,
    limits: Limits,
    on_frame: Callable[[Frame], None] | None,
    control_fd: int | None,
    on_control: Callable[[], bool] | None,
) -> None:
    reader = FrameReader()
    captured = bytearray()
    open_fds = {frames_r, out_r}
    total = 0
    exited = False
    deadline = start + limits.time_s
    try:
        while True:
            watch = [*open_fds, pidfd] if not exited else list(open_fds)
            if control_fd is not None:
                watch.append(control_fd)
            if not open_fds and exited:
                break
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                run.timed_out = True
                break
            if exited:
                # Exited but a grandchild may hold a pipe open: only drain what is there.
                remaining = min(remaining, 0.05)
            ready, _, _ = select.select(watch, [], [], remaining)
            if exited and not ready:
                break
            for fd in ready:
                if fd == pidfd:
                    exited = True
                elif fd == control_fd:
                    if on_control is not None and on_control():
                        run.cancelled = True
                elif fd == out_r:
                    chunk = os.read(out_r, 65536)
                    if not chunk:
                        open_fds.discard(out_r)
                    run.output_bytes += len(chunk)
                    if len(captured) < OUTPUT_LIMIT:
                        captured.extend(chunk[: OUTPUT_LIMIT - len(captured)])
                    if run.output_bytes > OUTPUT_KILL_BYTES:
                        run.flooded = True
                elif fd == frames_r:
                    chunk = os.read(frames_r, 1 << 20)
                    if not chunk:
                        open_fds.discard(frames_r)
                        continue
                    total += len(chunk)
                    if total > MAX_TOTAL_FRAME_BYTES:
                        raise ProtocolError("more result data than any check needs")
                    for frame in reader.feed(chunk):
                        run.frames.append(frame)
                        if on_frame is not None:
                            on_frame(frame)
            if run.cancelled or run.flooded:
                break
        run.leftover = reader.pending
    except ProtocolError as exc:
        run.protocol_error = str(exc)
    finally:
        run.output = captured.decode("utf-8", "replace")


def _reap(zygote: Zygote, pid: int, pidfd: int, run: ChildRun) -> None:
    """Kill the child and its group; the zygote reaps it, sweeps what it left, and says how it
    ended."""
    with contextlib.suppress(OSError):
        signal.pidfd_send_signal(pidfd, signal.SIGKILL)  # the pidfd cannot name a reused pid
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)
    status = zygote.wait_status()
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        # Our own SIGKILL after a normal exit is not news; after a timeout it is expected.
        if not (sig == signal.SIGKILL and (run.timed_out or run.cancelled or run.flooded)):
            run.signal = sig
    elif os.WIFEXITED(status):
        run.exit_status = os.WEXITSTATUS(status)
