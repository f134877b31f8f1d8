"""The zygote: a warm, clean process that forks one confined child per submission.

The grading server forks it right after warm-up (torch imported, kernels initialised), before it
computes any reference result or reads a request. A child forked from the zygote therefore holds
nothing worth stealing: no reference arrays, no catalogued mistakes' results, no server pipes. The
server hands over exactly the two pipe ends the child may hold (its result channel and its output)
with each request; the zygote forks, confines the child, passes a pidfd back so the server can
watch and kill it, reaps it, kills whatever it left behind (the zygote is a subreaper, so even a
daemon that left its session is adopted here), removes its temporary folder and reports the exit
status. The zygote and the server are both made non-dumpable.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import struct
import sys
import tempfile
from pathlib import Path
from typing import Any

from quizapp.grading.confine import die_with_parent, non_dumpable, subreaper
from quizapp.grading.report import Protection

_LEN = struct.Struct("<I")
MAX_MESSAGE = 64 * 1024 * 1024
CLEAN = Protection(
    "clean-process",
    True,
    "forked from a warm process that never computed a reference result or held the server's "
    "channels; one result channel, validated by the server",
)


class ZygoteError(Exception):
    """The zygote died or answered out of turn: the grader itself failed."""


def send_message(
    sock: socket.socket, message: dict[str, Any], fds: tuple[int, ...] | list[int] = ()
) -> None:
    """One length-prefixed JSON message, with file descriptors attached to its first byte."""
    data = json.dumps(message).encode()
    packet = _LEN.pack(len(data)) + data
    sent = socket.send_fds(sock, [packet], list(fds)) if fds else sock.send(packet)
    if sent < len(packet):
        sock.sendall(packet[sent:])


def recv_message(sock: socket.socket) -> tuple[dict[str, Any] | None, list[int]]:
    """The next message and the descriptors that came with it; (None, []) at end of stream."""
    head, fds, _, _ = socket.recv_fds(sock, _LEN.size, 4)
    if not head:
        return None, fds
    while len(head) < _LEN.size:
        more = sock.recv(_LEN.size - len(head))
        if not more:
            raise ZygoteError("the stream ended inside a message")
        head += more
    (length,) = _LEN.unpack(head)
    if length > MAX_MESSAGE:
        raise ZygoteError("message over the size limit")
    body = bytearray()
    while len(body) < length:
        more = sock.recv(min(1 << 20, length - len(body)))
        if not more:
            raise ZygoteError("the stream ended inside a message")
        body.extend(more)
    message = json.loads(body)
    if not isinstance(message, dict):
        raise ZygoteError("a message is a JSON object")
    return message, fds


class Zygote:
    """The server's handle on its zygote."""

    def __init__(self, sock: socket.socket, pid: int, protections: list[Protection]) -> None:
        self.sock = sock
        self.pid = pid
        # The server's and the zygote's own (the child reports the OS ones on each run).
        self.protections = protections

    @classmethod
    def start(cls) -> Zygote:
        """Fork the zygote from this (warm, still clean) process."""
        parent_end, child_end = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the zygote's own process
            code = 1
            try:
                parent_end.close()
                code = _serve(child_end)
            finally:
                os._exit(code)
        child_end.close()
        hello, fds = recv_message(parent_end)
        for fd in fds:
            os.close(fd)
        if hello is None or not isinstance(hello.get("protections"), list):
            raise ZygoteError(f"the zygote did not start: {hello}")
        found = [Protection.from_json(p) for p in hello["protections"]]
        return cls(parent_end, pid, [CLEAN, *(p for p in found if p is not None)])

    def spawn(self, request: dict[str, Any], frames_w: int, out_w: int) -> tuple[int, int]:
        """Have the zygote fork a confined child for `request`; (child pid, pidfd)."""
        try:
            send_message(self.sock, {"op": "run", **request}, [frames_w, out_w])
            reply, fds = recv_message(self.sock)
        except OSError as exc:
            raise ZygoteError(f"the zygote is gone ({exc})") from exc
        if reply is None or "pid" not in reply or len(fds) != 1:
            for fd in fds:
                os.close(fd)
            raise ZygoteError(f"the zygote could not start a child: {reply}")
        return int(reply["pid"]), fds[0]

    def wait_status(self) -> int:
        """The raw wait status of the child last spawned (after it ended and was swept)."""
        try:
            reply, fds = recv_message(self.sock)
        except OSError as exc:
            raise ZygoteError(f"the zygote is gone ({exc})") from exc
        for fd in fds:
            os.close(fd)
        if reply is None or "status" not in reply:
            raise ZygoteError(f"the zygote did not report the child's end: {reply}")
        return int(reply["status"])

    def close(self) -> None:
        self.sock.close()
        with contextlib.suppress(ChildProcessError, OSError):
            os.waitpid(self.pid, 0)


def _serve(sock: socket.socket) -> int:  # pragma: no cover - runs in the zygote
    """The zygote's loop: one child per request until the server closes the socket."""
    die_with_parent(signal.SIGKILL)
    keep = sock.fileno()
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 0)
    os.dup2(devnull, 1)  # the server's protocol pipe: never the zygote's to write to
    os.closerange(3, keep)
    os.closerange(keep + 1, 1 << 16)
    hidden = non_dumpable()
    adopted = subreaper()
    reaper = Protection(
        "leftover-processes",
        adopted,
        "every process the submission starts is killed when the run ends, daemons included"
        if adopted
        else "PR_SET_CHILD_SUBREAPER refused: a daemon that leaves its session may outlive the run",
    )
    zygote = Protection(
        "zygote-memory",
        hidden,
        "the zygote cannot be read through /proc or ptrace"
        if hidden
        else "PR_SET_DUMPABLE refused",
    )
    send_message(sock, {"protections": [reaper.to_json(), zygote.to_json()]})
    suites: dict[str, Any] = {}
    while True:
        message, fds = recv_message(sock)
        if message is None:
            return 0
        if message.get("op") != "run" or len(fds) != 2:
            for fd in fds:
                os.close(fd)
            send_message(sock, {"error": "expected a run request with two descriptors"})
            continue
        _run_one(sock, message, fds[0], fds[1], suites, adopted)


def _run_one(  # pragma: no cover - runs in the zygote
    sock: socket.socket,
    message: dict[str, Any],
    frames_w: int,
    out_w: int,
    suites: dict[str, Any],
    adopted: bool,
) -> None:
    from quizapp.grading.child import run_submission
    from quizapp.grading.sandbox import Limits, enter_child

    drill_id = str(message["drill"])
    if drill_id not in suites:
        from quizapp.grading.registry import load_suite

        # Inputs only (seeded by check name, so equal to the server's); never a reference run.
        suite = load_suite(drill_id)
        checks = suite.build_checks()
        inputs = {c.name: c.make_inputs() for c in checks}
        _warm(suite.reference, checks, inputs)
        suites[drill_id] = (checks, inputs)
    checks, inputs = suites[drill_id]
    limits = Limits(float(message["time_s"]), int(message["memory_mib"]))
    tmpdir = tempfile.mkdtemp(prefix="quizapp-run-")
    pid = os.fork()
    if pid == 0:
        code = 70
        try:
            sock.close()
            protections = enter_child(frames_w, out_w, limits, tmpdir)
            run_submission(
                frames_w,
                source=str(message["source"]),
                filename=str(message["filename"]),
                entry=str(message["entry"]),
                checks=checks,
                inputs=inputs,
                protections=protections,
            )
            code = 0
        finally:
            os._exit(code)
    with contextlib.suppress(OSError):
        os.setpgid(pid, pid)  # also done in the child: whichever runs first wins the race
    os.close(frames_w)
    os.close(out_w)
    pidfd = os.pidfd_open(pid)
    try:
        send_message(sock, {"pid": pid}, [pidfd])
    finally:
        os.close(pidfd)
    _, status = os.waitpid(pid, 0)
    _sweep(pid, adopted)
    shutil.rmtree(tmpdir, ignore_errors=True)
    send_message(sock, {"status": status, "swept": adopted})


def _warm(reference: Any, checks: list[Any], inputs: dict[str, Any]) -> None:  # pragma: no cover
    """Run every check once on other numbers, so each child finds the code paths initialised.

    The inputs are scaled and shifted first: what this computes is not a reference result, and
    it is dropped at once.
    """
    import torch

    from quizapp.grading.child import OpLog
    from quizapp.grading.suite import Recorder

    def other(value: Any) -> Any:
        if isinstance(value, torch.Tensor):
            copy = value.detach().clone()
            return copy * 1.5 + 0.25 if copy.is_floating_point() else copy
        if isinstance(value, dict):
            return {k: other(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return type(value)(other(v) for v in value)
        return value

    for check in checks:
        with contextlib.suppress(Exception), OpLog():
            check.run(reference, other(inputs[check.name]), Recorder())


def _sweep(pid: int, adopted: bool) -> None:  # pragma: no cover - runs in the zygote
    """Kill and reap every process the child left behind (its group, and orphans we adopted)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)
    if not adopted:
        return
    while True:
        children = _children()
        if not children:
            break
        for child in children:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(child, signal.SIGKILL)
        for child in children:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(child, 0)


def _children() -> list[int]:  # pragma: no cover - runs in the zygote
    """This process's children, from /proc (every thread's list)."""
    found: list[int] = []
    try:
        tasks = list(Path("/proc/self/task").iterdir())
    except OSError:
        return found
    for task in tasks:
        try:
            found.extend(int(p) for p in (task / "children").read_text().split())
        except (OSError, ValueError):
            continue
    return found


if __name__ == "__main__":  # pragma: no cover
    sys.exit("the zygote is started by the grading server")
