"""The sandbox's parts on their own: the seccomp filter, Landlock, the zygote's sweep of leftover
processes, the order of result frames, and how a missing protection is shown."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from rich.console import Console

from quizapp.grading import landlock, seccomp
from quizapp.grading.protocol import Frame, ProtocolError
from quizapp.grading.report import CheckResult, Protection, Report
from quizapp.grading.rich_view import report_view
from quizapp.grading.runner import FrameOrder
from quizapp.grading.suite import Check


def _in_fork(body: str) -> str:
    """Run `body` in a fresh Python whose forked child is confined; the child's printed lines."""
    script = (
        textwrap.dedent(
            """
        import os, sys, socket, tempfile
        from quizapp.grading.confine import confine
        tmp = tempfile.mkdtemp()
        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.dup2(w, 1)
            found = confine(tmp)
            for p in found:
                print("PROTECTION", p.name, p.active)
        """
        )
        + textwrap.indent(textwrap.dedent(body), "    ")
        + textwrap.dedent(
            """
            sys.stdout.flush()
            os._exit(0)
        os.close(w)
        data = b""
        while chunk := os.read(r, 65536):
            data += chunk
        os.waitpid(pid, 0)
        print(data.decode())
        """
        )
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def _skip_without(output: str, name: str) -> None:
    if f"PROTECTION {name} True" not in output:
        pytest.skip(f"{name} protection not available on this kernel")


def test_seccomp_refuses_sockets_processes_and_signals_to_others() -> None:
    out = _in_fork(
        """
        for what, fn in [
            ("socket", lambda: socket.socket()),
            ("fork", lambda: os.fork()),
            ("parent", lambda: os.kill(os.getppid(), 0)),
        ]:
            try:
                fn()
                print("ALLOWED", what)
            except OSError:
                print("DENIED", what)
        os.kill(os.getpid(), 0)
        print("SELF OK")
        """
    )
    _skip_without(out, "system-calls")
    assert "ALLOWED" not in out
    assert out.count("DENIED") == 3 and "SELF OK" in out


def test_landlock_allows_python_and_its_folder_only(tmp_path: Path) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_text("private")
    out = _in_fork(
        f"""
        import json, email.mime.text  # a lazy import still reads the standard library
        try:
            open({str(outside)!r}).read()
            print("ALLOWED read")
        except OSError:
            print("DENIED read")
        with open(os.path.join(tmp, "mine.txt"), "w") as fh:
            fh.write("ok")
        print("WROTE own folder")
        """
    )
    _skip_without(out, "file-system")
    assert "DENIED read" in out and "WROTE own folder" in out


def test_the_seccomp_program_only_knows_listed_architectures() -> None:
    if not seccomp.supported():
        pytest.skip("no syscall table for this architecture")
    code = seccomp.program(os.getpid(), threads=False)
    assert len(code) % 8 == 0 and len(code) // 8 < 4096  # the kernel's BPF program limit


def test_landlock_version_is_a_number() -> None:
    assert landlock.abi_version() >= 0


def test_the_zygote_sweep_kills_a_daemon_that_left_its_session(tmp_path: Path) -> None:
    marker = tmp_path / "daemon.pid"
    script = textwrap.dedent(
        f"""
        import os, time
        from quizapp.grading.confine import subreaper
        from quizapp.grading.zygote import _sweep
        assert subreaper()
        pid = os.fork()
        if pid == 0:
            os.setpgid(0, 0)
            if os.fork() == 0:
                os.setsid()
                if os.fork() == 0:
                    open({str(marker)!r}, "w").write(str(os.getpid()))
                    time.sleep(60)
                os._exit(0)
            time.sleep(0.3)
            os._exit(0)
        os.waitpid(pid, 0)
        _sweep(pid, True)
        """
    )
    subprocess.run([sys.executable, "-c", script], timeout=60, check=True)
    daemon = int(marker.read_text())
    time.sleep(0.1)
    with pytest.raises(ProcessLookupError):
        os.kill(daemon, 0)


def _frame(kind: str, **header: object) -> Frame:
    return Frame({"kind": kind, **header})


def _order() -> FrameOrder:
    def run(impl: object, inputs: object, rec: object) -> None:
        return None

    return FrameOrder([Check("a", run), Check("b", run)])


def test_frames_in_the_order_asked_are_accepted() -> None:
    order = _order()
    for frame in ("sandbox", "load", ("check", "a"), ("check", "b"), "done"):
        if isinstance(frame, tuple):
            order.accept(_frame(frame[0], name=frame[1]))
        else:
            order.accept(_frame(frame))


@pytest.mark.parametrize(
    "frames",
    [
        [("load",)],  # the sandbox report must come first
        [("sandbox",), ("load",), ("check", "b")],  # out of order
        [("sandbox",), ("load",), ("check", "zz")],  # not asked for
        [("sandbox",), ("load",), ("check", "a"), ("check", "a")],  # twice
        [("sandbox",), ("load",), ("done",)],  # done before the checks
        [("sandbox",), ("load",), ("check", "a"), ("check", "b"), ("done",), ("done",)],
        [("sandbox",), ("load", "boom"), ("check", "a")],  # a failed load sends nothing more
    ],
)
def test_any_other_sequence_is_a_corrupted_channel(frames: list[tuple[str, ...]]) -> None:
    order = _order()
    with pytest.raises(ProtocolError):
        for kind, *rest in frames:
            if kind == "check":
                order.accept(_frame(kind, name=rest[0]))
            elif kind == "load" and rest:
                order.accept(_frame(kind, error=rest[0]))
            else:
                order.accept(_frame(kind))


def test_a_missing_protection_is_said_in_the_report() -> None:
    report = Report(
        "batchnorm1d",
        True,
        (CheckResult("outputs", True),),
        protections=(
            Protection("file-system", False, "Landlock is not available on this kernel"),
            Protection("system-calls", True, "seccomp"),
        ),
    )
    console = Console(width=80, record=True)
    console.print(report_view(report, "BatchNorm1d"))
    text = console.export_text()
    assert "not every protection is in force" in text
    assert "Landlock is not available on this kernel" in text
    assert "seccomp" not in text  # protections in force are listed only with --verbose


def test_a_report_from_the_wire_keeps_its_protections() -> None:
    report = Report("d", True, (), protections=(Protection("network", True, "no sockets"),))
    again = Report.from_wire(report.to_wire())
    assert again.protections == report.protections
