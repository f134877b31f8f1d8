"""A seccomp filter for the grading child: no network, no new processes, no reach into others.

A layer needs arithmetic, not syscalls: the filter refuses (EPERM) sockets, process and thread
creation, exec, tracing and reading other processes' memory, signals to any process but itself,
and the kernel interfaces that sandboxes are usually escaped through (io_uring, bpf, user
namespaces, file handles). It is written as classic BPF by hand because the standard library has
no seccomp binding; the syscall numbers are per architecture, and on an architecture not listed
here the filter is reported as unavailable rather than guessed.
"""

from __future__ import annotations

import ctypes
import errno
import platform
import struct

_PR_SET_NO_NEW_PRIVS = 38
_PR_SET_SECCOMP = 22
_SECCOMP_MODE_FILTER = 2

_LD_W_ABS = 0x20
_JEQ_K = 0x15
_JGE_K = 0x35
_JSET_K = 0x45
_RET_K = 0x06
_RET_ALLOW = 0x7FFF0000
_RET_KILL_PROCESS = 0x80000000
_RET_ERRNO = 0x00050000
_NR = 0
_ARCH = 4
_ARG0 = 16  # low 32 bits of the first argument (little-endian)
_CLONE_THREAD = 0x00010000
_X32_BIT = 0x40000000

# Syscalls refused outright, by name; numbers per architecture below.
_DENIED = (
    "socket",
    "ptrace",
    "process_vm_readv",
    "process_vm_writev",
    "fork",
    "vfork",
    "execve",
    "execveat",
    "setsid",
    "io_uring_setup",
    "io_uring_enter",
    "io_uring_register",
    "bpf",
    "userfaultfd",
    "perf_event_open",
    "keyctl",
    "add_key",
    "request_key",
    "unshare",
    "setns",
    "mount",
    "umount2",
    "pivot_root",
    "chroot",
    "pidfd_open",
    "pidfd_getfd",
    "pidfd_send_signal",
    "kcmp",
    "name_to_handle_at",
    "open_by_handle_at",
    "rt_sigqueueinfo",
    "rt_tgsigqueueinfo",
    "tkill",
)

_X86_64 = {
    "socket": 41,
    "ptrace": 101,
    "kill": 62,
    "tkill": 200,
    "tgkill": 234,
    "rt_sigqueueinfo": 129,
    "rt_tgsigqueueinfo": 297,
    "setsid": 112,
    "unshare": 272,
    "mount": 165,
    "umount2": 166,
    "pivot_root": 155,
    "chroot": 161,
    "process_vm_readv": 310,
    "process_vm_writev": 311,
    "kcmp": 312,
    "clone": 56,
    "fork": 57,
    "vfork": 58,
    "execve": 59,
    "execveat": 322,
    "perf_event_open": 298,
    "name_to_handle_at": 303,
    "open_by_handle_at": 304,
    "setns": 308,
    "bpf": 321,
    "userfaultfd": 323,
    "keyctl": 250,
    "add_key": 248,
    "request_key": 249,
    "pidfd_send_signal": 424,
    "io_uring_setup": 425,
    "io_uring_enter": 426,
    "io_uring_register": 427,
    "pidfd_open": 434,
    "clone3": 435,
    "pidfd_getfd": 438,
}

_AARCH64 = {
    "socket": 198,
    "ptrace": 117,
    "kill": 129,
    "tkill": 130,
    "tgkill": 131,
    "rt_sigqueueinfo": 138,
    "rt_tgsigqueueinfo": 240,
    "setsid": 157,
    "unshare": 97,
    "mount": 40,
    "umount2": 39,
    "pivot_root": 41,
    "chroot": 51,
    "process_vm_readv": 270,
    "process_vm_writev": 271,
    "kcmp": 272,
    "clone": 220,
    "execve": 221,
    "execveat": 281,
    "perf_event_open": 241,
    "name_to_handle_at": 264,
    "open_by_handle_at": 265,
    "setns": 268,
    "bpf": 280,
    "userfaultfd": 282,
    "keyctl": 219,
    "add_key": 217,
    "request_key": 218,
    "pidfd_send_signal": 424,
    "io_uring_setup": 425,
    "io_uring_enter": 426,
    "io_uring_register": 427,
    "pidfd_open": 434,
    "clone3": 435,
    "pidfd_getfd": 438,
}

# machine name -> (AUDIT_ARCH value, syscall numbers, whether x32 numbers must be refused)
_ARCHES = {
    "x86_64": (0xC000003E, _X86_64, True),
    "aarch64": (0xC00000B7, _AARCH64, False),
}

_libc = ctypes.CDLL(None, use_errno=True)


class SeccompError(OSError):
    """The filter could not be installed."""


def supported() -> bool:
    """Whether this architecture has a syscall table here."""
    return platform.machine() in _ARCHES


def _ins(code: int, k: int, jt: int = 0, jf: int = 0) -> bytes:
    return struct.pack("<HBBI", code, jt, jf, k)


def program(pid: int, *, threads: bool) -> bytes:
    """The BPF program for this architecture; `pid` is the only process it may signal."""
    arch, numbers, x32 = _ARCHES[platform.machine()]
    eperm = _RET_ERRNO | errno.EPERM
    prog = [
        _ins(_LD_W_ABS, _ARCH),
        _ins(_JEQ_K, arch, jt=1),
        _ins(_RET_K, _RET_KILL_PROCESS),  # another ABI's syscalls would bypass the numbers
        _ins(_LD_W_ABS, _NR),
    ]
    if x32:
        prog += [_ins(_JGE_K, _X32_BIT, jf=1), _ins(_RET_K, eperm)]
    for name in _DENIED:
        if name in numbers:
            prog += [_ins(_JEQ_K, numbers[name], jf=1), _ins(_RET_K, eperm)]
    # clone3 passes its flags in memory the filter cannot read: ENOSYS makes libc use clone.
    prog += [_ins(_JEQ_K, numbers["clone3"], jf=1), _ins(_RET_K, _RET_ERRNO | errno.ENOSYS)]
    clone_ok = _RET_ALLOW if threads else eperm
    prog += [
        _ins(_JEQ_K, numbers["clone"], jf=4),
        _ins(_LD_W_ABS, _ARG0),
        _ins(_JSET_K, _CLONE_THREAD, jf=1),
        _ins(_RET_K, clone_ok),
        _ins(_RET_K, eperm),
    ]
    for name, also_zero in (("kill", True), ("tgkill", False)):
        prog += [
            _ins(_JEQ_K, numbers[name], jf=5),
            _ins(_LD_W_ABS, _ARG0),
            _ins(_JEQ_K, pid, jt=2),
            _ins(_JEQ_K, 0, jt=1) if also_zero else _ins(_JEQ_K, pid, jt=1),
            _ins(_RET_K, eperm),
            _ins(_RET_K, _RET_ALLOW),
        ]
    prog.append(_ins(_RET_K, _RET_ALLOW))
    return b"".join(prog)


def no_new_privs() -> None:
    """Forbid gaining privileges through exec (setuid binaries); seccomp and Landlock need it."""
    if _libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        raise SeccompError(ctypes.get_errno(), "PR_SET_NO_NEW_PRIVS refused")


def install(pid: int, *, threads: bool = False) -> str:
    """Install the filter on this process for good; returns what it does, in words."""
    if not supported():
        raise SeccompError(errno.ENOSYS, f"no syscall table for {platform.machine()}")
    code = program(pid, threads=threads)
    count = len(code) // 8
    filt = ctypes.create_string_buffer(code, len(code))

    class _Prog(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]

    prog = _Prog(count, ctypes.cast(filt, ctypes.c_void_p))
    if _libc.prctl(_PR_SET_SECCOMP, _SECCOMP_MODE_FILTER, ctypes.byref(prog), 0, 0) != 0:
        raise SeccompError(ctypes.get_errno(), "seccomp filter refused")
    return "seccomp: no sockets, processes" + ("" if threads else ", threads") + " or exec"
