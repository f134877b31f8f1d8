"""Landlock: the kernel's unprivileged file-system (and, from ABI 4, TCP and signal) sandbox.

The child is restricted to reading and executing what Python, the installed packages and quizapp
need, and to writing inside its own temporary folder. Landlock applies to root as well, and to
every process the child could start. Only the raw syscalls are used (glibc has no wrappers).
"""

from __future__ import annotations

import ctypes
import os
import struct
from collections.abc import Iterable
from pathlib import Path

_CREATE_RULESET = 444  # the same numbers on x86_64 and aarch64 (generic syscall table)
_ADD_RULE = 445
_RESTRICT_SELF = 446
_VERSION_FLAG = 1
_RULE_PATH_BENEATH = 1

EXECUTE = 1 << 0
WRITE_FILE = 1 << 1
READ_FILE = 1 << 2
READ_DIR = 1 << 3
_ALL_V1 = (1 << 13) - 1
_REFER = 1 << 13  # ABI 2
_TRUNCATE = 1 << 14  # ABI 3
_IOCTL_DEV = 1 << 15  # ABI 5
_NET_BIND_TCP = 1 << 0  # ABI 4
_NET_CONNECT_TCP = 1 << 1
_SCOPE_ABSTRACT_UNIX = 1 << 0  # ABI 6
_SCOPE_SIGNAL = 1 << 1
# The only rights a rule on a single file (not a folder) may carry.
_FILE_ONLY = EXECUTE | WRITE_FILE | READ_FILE | _TRUNCATE | _IOCTL_DEV

READ = EXECUTE | READ_FILE | READ_DIR

_libc = ctypes.CDLL(None, use_errno=True)
_libc.syscall.restype = ctypes.c_long


class LandlockError(OSError):
    """Landlock is missing or refused a step."""


def abi_version() -> int:
    """The kernel's Landlock ABI version, 0 when Landlock is absent or disabled."""
    version = int(_libc.syscall(_CREATE_RULESET, None, ctypes.c_size_t(0), _VERSION_FLAG))
    return max(version, 0)


def _all_fs(abi: int) -> int:
    rights = _ALL_V1
    if abi >= 2:
        rights |= _REFER
    if abi >= 3:
        rights |= _TRUNCATE
    if abi >= 5:
        rights |= _IOCTL_DEV
    return rights


def restrict(read: Iterable[str], write: Iterable[str], abi: int) -> str:
    """Confine this process (and its future children) for good; returns what was applied.

    `read` paths get read and execute rights beneath them, `write` paths every right. Paths that
    do not exist are skipped. Raises LandlockError if the kernel refuses.
    """
    handled = _all_fs(abi)
    # The attribute struct grew with the ABI: pass exactly the size this kernel knows.
    if abi >= 6:
        attr = struct.pack(
            "<QQQ",
            handled,
            _NET_BIND_TCP | _NET_CONNECT_TCP,
            _SCOPE_ABSTRACT_UNIX | _SCOPE_SIGNAL,
        )
    elif abi >= 4:
        attr = struct.pack("<QQ", handled, _NET_BIND_TCP | _NET_CONNECT_TCP)
    else:
        attr = struct.pack("<Q", handled)
    buf = ctypes.create_string_buffer(attr, len(attr))
    ruleset = int(_libc.syscall(_CREATE_RULESET, buf, ctypes.c_size_t(len(attr)), 0))
    if ruleset < 0:
        raise LandlockError(ctypes.get_errno(), "landlock_create_ruleset refused")
    try:
        for path in dict.fromkeys(read):
            _add(ruleset, path, READ & handled)
        for path in dict.fromkeys(write):
            _add(ruleset, path, handled)
        if int(_libc.syscall(_RESTRICT_SELF, ruleset, 0)) != 0:
            raise LandlockError(ctypes.get_errno(), "landlock_restrict_self refused")
    finally:
        os.close(ruleset)
    extra = []
    if abi >= 4:
        extra.append("no TCP")
    if abi >= 6:
        extra.append("no signals or abstract sockets outside")
    return f"Landlock ABI {abi}" + (f" ({', '.join(extra)})" if extra else "")


def _add(ruleset: int, path: str, rights: int) -> None:
    try:
        fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
    except OSError:
        return  # a path this machine lacks needs no rule
    try:
        if not Path(path).is_dir():
            # A rule on a file may only carry rights that make sense for a file.
            rights &= _FILE_ONLY  # `rights` only holds what this ABI handles
        attr = struct.pack("<Qi", rights, fd)
        buf = ctypes.create_string_buffer(attr, len(attr))
        if int(_libc.syscall(_ADD_RULE, ruleset, _RULE_PATH_BENEATH, buf, 0)) != 0:
            raise LandlockError(ctypes.get_errno(), f"landlock_add_rule refused {path}")
    finally:
        os.close(fd)
