"""The attack suite: one test per technique a hostile submission could use, each asserting the
attack fails and the machine is left as it was.

Every attack runs through the real grader (`GradingClient`), as `quizapp check` runs it. Where
the kernel lacks what a defence needs, the test is skipped with the reason, read from the
protections the grader itself reports.
"""

from __future__ import annotations

import os
import socket
import time
from pathlib import Path

import pytest

from quizapp.grading.client import GradingClient
from quizapp.grading.report import Report

pytestmark = pytest.mark.slow

SOLUTION = (Path(__file__).resolve().parents[2] / "solutions" / "batchnorm1d.py").read_text()
CHANNEL = "result channel"


def _grade(grader: GradingClient, source: str, limit: float = 5.0) -> Report:
    return grader.grade("batchnorm1d", source, "/tmp/attack.py", time_limit=limit)


def _messages(report: Report) -> str:
    return "\n".join(f"{c.name}: {c.message}" for c in report.checks if not c.passed)


def _needs(report: Report, name: str) -> None:
    """Skip, with the grader's own reason, when this machine lacks the protection `name`."""
    found = {p.name: p for p in report.protections}
    if name not in found:
        pytest.skip(f"the grader did not report a '{name}' protection")
    if not found[name].active:
        pytest.skip(f"not available on this machine: {found[name].detail}")


def _attempts(lines: list[str]) -> str:
    """Submission code that runs each attempt and prints ALLOWED or DENIED for it."""
    body = "".join(
        f"try:\n    {line}\n    print('ALLOWED', {line!r})\n"
        f"except BaseException as exc:\n    print('DENIED', {line!r}, type(exc).__name__)\n"
        for line in lines
    )
    return body + SOLUTION


# --- Forged results ----------------------------------------------------------------------------


def _forged_frames(kinds: str) -> str:
    """Submission code that writes frames of the grader's format to every open descriptor."""
    return (
        "import json, os, struct\n"
        "def frame(header):\n"
        "    head = json.dumps({**header, 'arrays': []}).encode()\n"
        "    return b'QZ' + struct.pack('<I', len(head)) + head\n"
        f"data = b''.join(frame(h) for h in {kinds})\n"
        "for fd in range(3, 64):\n"
        "    try:\n"
        "        os.write(fd, data)\n"
        "    except OSError:\n"
        "        pass\n"
    )


def test_a_forged_end_of_run_is_a_corrupted_channel(grader: GradingClient) -> None:
    # At import, before the harness reports anything: "loaded fine, all done".
    source = (
        _forged_frames("[{'kind': 'load', 'error': None}, {'kind': 'done'}]") + "raise SystemExit"
    )
    report = _grade(grader, source)
    assert not report.passed
    assert CHANNEL in _messages(report)


def test_frames_for_checks_the_server_did_not_ask_for_are_refused(grader: GradingClient) -> None:
    source = _forged_frames("[{'kind': 'check', 'name': 'made up', 'meta': {}}]") + SOLUTION
    report = _grade(grader, source)
    assert not report.passed
    assert CHANNEL in _messages(report)


def test_bytes_after_the_end_are_refused(grader: GradingClient) -> None:
    # The real solution, plus half a frame written to the channel as the process exits.
    tail = (
        "import os, atexit\n"
        "def _tail():\n"
        "    for fd in range(3, 64):\n"
        "        try:\n"
        "            os.write(fd, b'QZ')\n"
        "        except OSError:\n"
        "            pass\n"
        "atexit.register(_tail)\n"
    )
    report = _grade(grader, SOLUTION.replace("import torch\n", "import torch\n" + tail, 1))
    assert not report.passed


# --- Reading the grader ------------------------------------------------------------------------


def test_the_child_holds_no_reference_results(grader: GradingClient) -> None:
    probe = (
        "import gc, sys\n"
        "kinds = {type(o).__name__ for o in gc.get_objects()}\n"
        "print('HELD', sorted(kinds & {'PreparedSuite', 'Recorded', 'Server'}))\n"
    )
    report = _grade(grader, probe + SOLUTION)
    assert "HELD []" in report.output, report.output


def test_proc_of_the_server_and_zygote_cannot_be_read(grader: GradingClient) -> None:
    report = _grade(grader, SOLUTION)
    _needs(report, "file-system")
    lines = [
        f"open('/proc/{{os.getppid()}}/{leaf}', 'rb').read(64)"
        for leaf in ("maps", "mem", "environ", "cmdline")
    ] + ["os.listdir(f'/proc/{os.getppid()}/fd')", "open('/proc/1/environ', 'rb').read(1)"]
    report = _grade(grader, "import os\n" + _attempts(lines))
    assert "ALLOWED" not in report.output, report.output
    assert report.output.count("DENIED") == len(lines)


def test_memory_of_other_processes_cannot_be_read(grader: GradingClient) -> None:
    report = _grade(grader, SOLUTION)
    _needs(report, "system-calls")
    # PTRACE_ATTACH to the zygote; a refusal returns -1 and the division fails.
    attach = "ctypes.CDLL(None).ptrace(16, os.getppid(), 0, 0) == 0 or 1/0"
    report = _grade(grader, "import os, ctypes\n" + _attempts([attach]))
    assert f"DENIED {attach}" in report.output, report.output


# --- Hiding the built-in op ----------------------------------------------------------------------

_BUILTIN_CALL = (
    "F.batch_norm(x, self.running_mean, self.running_var, self.weight, self.bias, "
    "self.training, self.momentum or 0.1, self.eps)"
)


def _forward_returning(expr: str, prelude: str = "") -> str:
    anchor = "    def forward(self, x):\n"
    return (
        "import torch.nn.functional as F\n"
        + prelude
        + SOLUTION.replace(anchor, f"{anchor}        return {expr}\n")
    )


@pytest.mark.parametrize(
    "source",
    [
        # Switch the in-process recorder off, then call the built-in.
        _forward_returning(
            _BUILTIN_CALL,
            "import sys\n"
            "for name, mod in list(sys.modules.items()):\n"
            "    if name.endswith('grading.child'):\n"
            "        mod.OpLog.take = lambda self: []\n",
        ),
        # Leave every dispatch mode before calling it.
        _forward_returning(
            _BUILTIN_CALL,
            "from torch.utils._python_dispatch import _disable_current_modes\n",
        ).replace(
            f"        return {_BUILTIN_CALL}\n",
            f"        with _disable_current_modes():\n            return {_BUILTIN_CALL}\n",
        ),
        # Hide it inside a custom autograd function.
        _forward_returning(
            "Hidden.apply(x, self)",
            "import torch\n"
            "class Hidden(torch.autograd.Function):\n"
            "    @staticmethod\n"
            "    def forward(ctx, x, m):\n"
            f"        return {_BUILTIN_CALL.replace('self.', 'm.')}\n"
            "    @staticmethod\n"
            "    def backward(ctx, g):\n"
            "        return g, None\n",
        ),
        # Run it on another thread, where a thread-local recorder does not look.
        _forward_returning(
            "run(lambda: " + _BUILTIN_CALL + ")",
            "import threading\n"
            "def run(fn):\n"
            "    out = []\n"
            "    t = threading.Thread(target=lambda: out.append(fn()))\n"
            "    t.start(); t.join()\n"
            "    return out[0]\n",
        ),
        # Spell the name out only at run time.
        _forward_returning(
            "getattr(F, 'batch' + '_norm')(x, self.running_mean, self.running_var, self.weight,"
            " self.bias, self.training, self.momentum or 0.1, self.eps)"
        ),
    ],
    ids=["patched-recorder", "modes-disabled", "autograd-function", "thread", "computed-name"],
)
def test_a_hidden_builtin_never_passes(grader: GradingClient, source: str) -> None:
    report = _grade(grader, source)
    assert not report.passed
    forbidden = next(c for c in report.checks if c.name == "written from plain tensor ops")
    assert not forbidden.passed


# --- The user's machine --------------------------------------------------------------------------


def test_files_outside_its_folder_cannot_be_written_or_deleted(
    grader: GradingClient, tmp_path: Path
) -> None:
    report = _grade(grader, SOLUTION)
    _needs(report, "file-system")
    keep = tmp_path / "progress.sqlite3"
    keep.write_text("the user's progress")
    cache = tmp_path / "cache"
    cache.mkdir()
    planted = cache / "decks.pickle"
    lines = [
        f"open({str(tmp_path / 'evil.txt')!r}, 'w').write('x')",
        f"open({str(keep)!r}, 'w').write('')",
        f"os.remove({str(keep)!r})",
        f"open({str(planted)!r}, 'wb').write(b'poison')",
        f"open({str(Path.home() / '.bashrc')!r}, 'a').write('evil')",
        "open('scratch.txt', 'w').write('allowed: its own folder')",
    ]
    report = _grade(grader, "import os\n" + _attempts(lines))
    assert keep.read_text() == "the user's progress"
    assert not (tmp_path / "evil.txt").exists() and not planted.exists()
    assert report.output.count("DENIED") == len(lines) - 1, report.output
    assert f"ALLOWED {lines[-1]}" in report.output


def test_the_users_files_cannot_be_read(grader: GradingClient, tmp_path: Path) -> None:
    report = _grade(grader, SOLUTION)
    _needs(report, "file-system")
    secret = tmp_path / "id_ed25519"
    secret.write_text("SECRET-KEY-MATERIAL")
    lines = [
        f"print(open({str(secret)!r}).read())",
        "print(open('/etc/passwd').read()[:20])",
        f"print(os.listdir({str(Path.home())!r}))",
    ]
    report = _grade(grader, "import os\n" + _attempts(lines))
    assert "SECRET-KEY-MATERIAL" not in report.output
    assert "ALLOWED" not in report.output, report.output


def test_no_network(grader: GradingClient) -> None:
    report = _grade(grader, SOLUTION)
    _needs(report, "system-calls")
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)
    port = listener.getsockname()[1]
    lines = [
        f"socket.create_connection(('127.0.0.1', {port}), timeout=1)",
        "socket.socket(socket.AF_INET, socket.SOCK_DGRAM)",
        "socket.socket(socket.AF_UNIX, socket.SOCK_STREAM).connect('\\0abstract')",
    ]
    report = _grade(grader, "import socket\n" + _attempts(lines))
    assert "ALLOWED" not in report.output, report.output
    with pytest.raises(TimeoutError):
        listener.accept()
    listener.close()


def test_no_process_outlives_the_run(grader: GradingClient) -> None:
    spawn = (
        "import os, time\n"
        "try:\n"
        "    pid = os.fork()\n"
        "except OSError as exc:\n"
        "    print('DENIED fork', exc)\n"
        "else:\n"
        "    if pid == 0:\n"
        "        os.setsid()\n"
        "        if os.fork() == 0:\n"
        "            time.sleep(60)\n"
        "        os._exit(0)\n"
        "    print('FORKED', pid)\n"
        "try:\n"
        "    os.system('sleep 60 &')\n"
        "except OSError:\n"
        "    pass\n"
    )
    before = _own_processes()
    report = _grade(grader, spawn + SOLUTION)
    time.sleep(0.3)
    left = _own_processes() - before
    assert not left, f"processes left behind: {left}; output: {report.output}"


def _own_processes() -> set[str]:
    """Command lines of this user's processes now running (pids change; commands do not)."""
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if entry.stat().st_uid != os.getuid():
                continue
            cmd = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
        except OSError:
            continue
        if "sleep 60" in cmd:
            found.add(f"{entry.name}: {cmd}")
    return found


def test_no_signal_reaches_the_grader(grader: GradingClient) -> None:
    report = _grade(grader, SOLUTION)
    _needs(report, "system-calls")
    kill = "import os, signal\nos.kill(os.getppid(), signal.SIGKILL)\n"
    _grade(grader, kill + SOLUTION)
    assert grader.running
    assert _grade(grader, SOLUTION).passed


def test_a_thread_left_running_does_not_stop_the_grader(grader: GradingClient) -> None:
    source = "import threading\nthreading.Thread(target=lambda: None).start()\n" + SOLUTION
    report = _grade(grader, source)
    assert not report.passed  # refused, and the grader goes on
    assert _grade(grader, SOLUTION).passed


def test_protections_are_reported(grader: GradingClient) -> None:
    report = _grade(grader, SOLUTION)
    names = {p.name for p in report.protections}
    expected = {"server-memory", "clean-process", "leftover-processes", "file-system"}
    assert expected | {"system-calls"} <= names
    for p in report.protections:
        assert p.detail, p
