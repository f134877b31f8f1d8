"""The OS ring of the sandbox: what the kernel enforces on the grading child, and what it lacks.

`confine()` runs in the freshly forked child before any submission code: no new privileges,
Landlock (reads only Python, the installed packages and quizapp; writes only its own temporary
folder), and the seccomp filter (no network, no new processes, no reach into other processes).
Each protection the kernel refuses is reported as inactive with the reason, never skipped in
silence; the child sends the list to the server, which passes it on in every report.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import site
import sys
import sysconfig
from pathlib import Path

from quizapp.grading import landlock, seccomp
from quizapp.grading.report import Protection

_PR_SET_DUMPABLE = 4
_PR_SET_CHILD_SUBREAPER = 36
_PR_SET_PDEATHSIG = 1
_libc = ctypes.CDLL(None, use_errno=True)

# Shared libraries a lazily imported extension may still need to load.
_SYSTEM_LIBS = ("/usr/lib", "/usr/lib64", "/lib", "/lib64", "/usr/local/lib", "/etc/ld.so.cache")
_DEVICES_READ = ("/dev/urandom", "/dev/zero")


def readable_paths() -> list[str]:
    """What the child may read: the interpreter, its packages, quizapp, system libraries.

    Not the working folder, home or `sys.path[0]`: those are the user's files.
    """
    paths = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix}
    for key in ("stdlib", "platstdlib", "purelib", "platlib"):
        with contextlib.suppress(KeyError):
            paths.add(sysconfig.get_paths()[key])
    paths.update(site.getsitepackages())
    paths.add(str(Path(__file__).resolve().parents[1]))  # quizapp itself (editable installs)
    paths.update(_SYSTEM_LIBS)
    paths.update(_DEVICES_READ)
    return sorted(p for p in paths if p)


def non_dumpable() -> bool:
    """Make this process unreadable through /proc and ptrace by its own user's processes."""
    return int(_libc.prctl(_PR_SET_DUMPABLE, 0, 0, 0, 0)) == 0


def subreaper() -> bool:
    """Adopt orphaned descendants (a daemon that left its session) so they can be killed."""
    return int(_libc.prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)) == 0


def die_with_parent(signum: int) -> None:
    """Ask the kernel to send `signum` to this process when its parent exits."""
    _libc.prctl(_PR_SET_PDEATHSIG, signum, 0, 0, 0)


def confine(tmpdir: str) -> list[Protection]:
    """Apply every OS protection available to this (child) process; report each."""
    found: list[Protection] = []
    try:
        seccomp.no_new_privs()
    except OSError as exc:
        found.append(Protection("no-new-privileges", False, f"refused: {exc}"))
    abi = landlock.abi_version()
    if abi == 0:
        found.append(
            Protection(
                "file-system",
                False,
                "Landlock is not available on this kernel: the submission can read and write "
                "what your user can",
            )
        )
    else:
        try:
            how = landlock.restrict(readable_paths(), [tmpdir, os.devnull], abi)
            found.append(
                Protection(
                    "file-system",
                    True,
                    f"{how}: reads only Python, its packages and quizapp; writes only its "
                    "temporary folder",
                )
            )
        except OSError as exc:
            found.append(Protection("file-system", False, f"Landlock refused: {exc}"))
    try:
        how = seccomp.install(os.getpid())
        found.append(Protection("system-calls", True, how))
    except OSError as exc:
        found.append(
            Protection(
                "system-calls",
                False,
                f"seccomp unavailable ({exc}): the submission can open network connections "
                "and start processes (they are killed when the run ends)",
            )
        )
    return found
