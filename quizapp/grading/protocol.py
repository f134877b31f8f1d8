"""The two wire formats of the grader, neither of which ever unpickles anything.

Client <-> server: one JSON object per line over the server's stdin/stdout.
Child -> server: frames of a length-prefixed JSON header followed by raw array bytes; each array
is described by dtype, shape and byte count and rebuilt with `numpy.frombuffer`, so whatever the
untrusted child sends can at worst be wrong numbers, never code.
"""

from __future__ import annotations

import json
import struct
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

MAGIC = b"QZ"
_HEAD = struct.Struct("<2sI")
MAX_HEADER_BYTES = 4 * 1024 * 1024
MAX_FRAME_BYTES = 64 * 1024 * 1024
# Array dtypes the parent accepts; anything else the child converts or refuses to send.
ALLOWED_DTYPES = frozenset({"<f2", "<f4", "<f8", "<i8", "<i4", "<i2", "|i1", "|u1", "|b1"})


class ProtocolError(Exception):
    """The peer sent something that is not a valid message."""


def encode_line(message: dict[str, Any]) -> bytes:
    """A client/server message as one line of JSON."""
    return json.dumps(message, ensure_ascii=True, separators=(",", ":")).encode() + b"\n"


def decode_line(line: bytes) -> dict[str, Any]:
    try:
        data = json.loads(line)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ProtocolError(f"not a JSON line: {line[:80]!r}") from exc
    if not isinstance(data, dict):
        raise ProtocolError("a message is a JSON object")
    return data


class LineBuffer:
    """Splits bytes read from a pipe into complete lines."""

    def __init__(self) -> None:
        self._buf = bytearray()

    def feed(self, data: bytes) -> list[bytes]:
        self._buf.extend(data)
        lines: list[bytes] = []
        while (end := self._buf.find(b"\n")) >= 0:
            lines.append(bytes(self._buf[:end]))
            del self._buf[: end + 1]
        return lines


def encode_frame(header: dict[str, Any], arrays: dict[str, npt.NDArray[Any]]) -> bytes:
    """A child-to-server frame: the header plus each array's raw bytes, described in it."""
    specs = []
    payload = []
    for name, arr in arrays.items():
        data = arr.tobytes(order="C")
        specs.append(
            {"name": name, "dtype": arr.dtype.str, "shape": list(arr.shape), "nbytes": len(data)}
        )
        payload.append(data)
    head = json.dumps({**header, "arrays": specs}, separators=(",", ":")).encode()
    return _HEAD.pack(MAGIC, len(head)) + head + b"".join(payload)


@dataclass(slots=True)
class Frame:
    """One decoded frame: its JSON header and its arrays by name."""

    header: dict[str, Any]
    arrays: dict[str, np.ndarray[Any, Any]] = field(default_factory=dict)


class FrameReader:
    """Incrementally decodes frames, validating every size, dtype and shape it is told."""

    def __init__(self) -> None:
        self._buf = bytearray()

    def feed(self, data: bytes) -> list[Frame]:
        self._buf.extend(data)
        frames: list[Frame] = []
        while (frame := self._next()) is not None:
            frames.append(frame)
        return frames

    @property
    def pending(self) -> int:
        return len(self._buf)

    def _next(self) -> Frame | None:
        if len(self._buf) < _HEAD.size:
            return None
        magic, head_len = _HEAD.unpack_from(self._buf)
        if magic != MAGIC or head_len > MAX_HEADER_BYTES:
            raise ProtocolError("corrupt frame header")
        if len(self._buf) < _HEAD.size + head_len:
            return None
        header = decode_line(bytes(self._buf[_HEAD.size : _HEAD.size + head_len]))
        specs = header.pop("arrays", [])
        if not isinstance(specs, list):
            raise ProtocolError("arrays must be a list")
        total = 0
        for spec in specs:
            _check_spec(spec)
            total += int(spec["nbytes"])
        if total > MAX_FRAME_BYTES:
            raise ProtocolError(f"frame of {total} bytes is over the limit")
        start = _HEAD.size + head_len
        if len(self._buf) < start + total:
            return None
        import numpy as np

        arrays: dict[str, np.ndarray[Any, Any]] = {}
        offset = start
        for spec in specs:
            n = int(spec["nbytes"])
            raw = bytes(self._buf[offset : offset + n])
            arr = np.frombuffer(raw, dtype=np.dtype(spec["dtype"])).reshape(spec["shape"])
            arrays[str(spec["name"])] = arr
            offset += n
        del self._buf[:offset]
        return Frame(header, arrays)


def _check_spec(spec: Any) -> None:
    if not isinstance(spec, dict):
        raise ProtocolError("array spec must be an object")
    dtype, shape, nbytes = spec.get("dtype"), spec.get("shape"), spec.get("nbytes")
    if dtype not in ALLOWED_DTYPES:
        raise ProtocolError(f"array dtype {dtype!r} not allowed")
    if not isinstance(shape, list) or not all(
        isinstance(d, int) and not isinstance(d, bool) and d >= 0 for d in shape
    ):
        raise ProtocolError("array shape must be a list of sizes")
    if not isinstance(nbytes, int) or not isinstance(spec.get("name"), str):
        raise ProtocolError("array spec needs name and nbytes")
    count = 1
    for d in shape:
        count *= d
    if count * int(dtype[2:]) != nbytes:
        raise ProtocolError("array byte count does not match its dtype and shape")
