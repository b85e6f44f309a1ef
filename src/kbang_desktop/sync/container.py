"""A canonical ZIP container: standard tools open it, and every byte of it is checked.

The writer lays members out in one fixed way (stored, Zip64, fixed date, no comments,
no extra attributes), so the reader can rebuild every header from the names, sizes,
CRCs and offsets and compare byte for byte. Member data is covered by CRC-32 here and
by the bundle's signed SHA-256 above: a single changed byte anywhere in the file is
found. Written by hand rather than with `zipfile`, whose output changes between Python
versions; the format is PKWARE APPNOTE 6.3 (local headers, central directory, Zip64
end records).
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

VERSION = 45  # Zip64
DOS_DATE = ((2020 - 1980) << 9) | (1 << 5) | 1  # 2020-01-01
DOS_TIME = 0
MASK32 = 0xFFFFFFFF
LFH = struct.Struct("<4sHHHHHIIIHH")  # local file header, 30 bytes
CDH = struct.Struct("<4sHHHHHHIIIHHHHHII")  # central directory header, 46 bytes
EOCD = struct.Struct("<4sHHHHIIH")  # 22 bytes
Z64_EOCD = struct.Struct("<4sQHHIIQQQQ")  # 56 bytes
Z64_LOCATOR = struct.Struct("<4sIQI")  # 20 bytes
LFH_EXTRA = struct.Struct("<HHQQ")  # Zip64: uncompressed, compressed
CDH_EXTRA = struct.Struct("<HHQQQ")  # Zip64: uncompressed, compressed, offset
MAX_RATIO = 200  # JSON Lines of records compress about 8 to 15 times; 200 is a bomb
RATIO_SLACK = 1 << 16  # small members may compress better than that
MAX_ENTRIES = 16
MAX_DIRECTORY = 64 * 1024


class ContainerError(Exception):
    """`check` names what is wrong; `name` the member concerned, if any."""

    def __init__(self, check: str, name: str = "") -> None:
        super().__init__(check, name)
        self.check = check
        self.name = name


def _local_header(name: bytes, crc: int, size: int) -> bytes:
    extra = LFH_EXTRA.pack(1, 16, size, size)
    return LFH.pack(b"PK\x03\x04", VERSION, 0, 0, DOS_TIME, DOS_DATE, crc, MASK32, MASK32, len(name),
                    len(extra)) + name + extra


def _central_header(name: bytes, crc: int, size: int, offset: int) -> bytes:
    extra = CDH_EXTRA.pack(1, 24, size, size, offset)
    return CDH.pack(b"PK\x01\x02", VERSION, VERSION, 0, 0, DOS_TIME, DOS_DATE, crc, MASK32, MASK32, len(name),
                    len(extra), 0, 0, 0, 0, MASK32) + name + extra


def _end_records(count: int, directory_offset: int, directory_size: int) -> bytes:
    z64_offset = directory_offset + directory_size
    return (Z64_EOCD.pack(b"PK\x06\x06", Z64_EOCD.size - 12, VERSION, VERSION, 0, 0, count, count, directory_size,
                          directory_offset)
            + Z64_LOCATOR.pack(b"PK\x06\x07", 0, z64_offset, 1)
            + EOCD.pack(b"PK\x05\x06", 0, 0, 0xFFFF, 0xFFFF, MASK32, MASK32, 0))


@dataclass(frozen=True, slots=True)
class Entry:
    name: str
    header_offset: int
    size: int
    crc: int

    @property
    def data_offset(self) -> int:
        return self.header_offset + len(_local_header(self.name.encode("ascii"), 0, 0))


class ContainerWriter:
    """Writes members one after another into a seekable binary file, then the directory."""

    def __init__(self, handle: BinaryIO) -> None:
        self.handle = handle
        self.entries: list[Entry] = []
        self._open: tuple[str, int] | None = None
        self._crc = 0
        self._size = 0

    def begin(self, name: str) -> None:
        offset = self.handle.tell()
        self.handle.write(_local_header(name.encode("ascii"), 0, 0))  # rewritten by end()
        self._open, self._crc, self._size = (name, offset), 0, 0

    def write(self, data: bytes) -> None:
        self.handle.write(data)
        self._crc = zlib.crc32(data, self._crc)
        self._size += len(data)

    def end(self) -> None:
        assert self._open is not None
        name, offset = self._open
        here = self.handle.tell()
        self.handle.seek(offset)
        self.handle.write(_local_header(name.encode("ascii"), self._crc, self._size))
        self.handle.seek(here)
        self.entries.append(Entry(name, offset, self._size, self._crc))
        self._open = None

    def add(self, name: str, data: bytes) -> None:
        self.begin(name)
        self.write(data)
        self.end()

    def close(self) -> None:
        directory_offset = self.handle.tell()
        directory = b"".join(_central_header(e.name.encode("ascii"), e.crc, e.size, e.header_offset)
                             for e in self.entries)
        self.handle.write(directory)
        self.handle.write(_end_records(len(self.entries), directory_offset, len(directory)))


def _read_at(handle: BinaryIO, offset: int, size: int) -> bytes:
    handle.seek(offset)
    data = handle.read(size)
    if len(data) != size:
        raise ContainerError("truncated")
    return data


def _find_end(handle: BinaryIO, file_size: int) -> tuple[int, int, int]:
    """(entries, directory offset, directory size) from the end records, Zip64 or not."""
    tail_size = min(file_size, EOCD.size + 0xFFFF)
    tail = _read_at(handle, file_size - tail_size, tail_size)
    position = tail.rfind(b"PK\x05\x06")
    if position < 0 or position + EOCD.size > len(tail):
        raise ContainerError("not-zip")
    _sig, _disk, _cd_disk, _n_disk, count, cd_size, cd_offset, _comment = EOCD.unpack_from(tail, position)
    eocd_at = file_size - tail_size + position
    if MASK32 in (cd_size, cd_offset) or count == 0xFFFF:
        locator_at = eocd_at - Z64_LOCATOR.size
        if locator_at < 0:
            raise ContainerError("not-zip")
        sig, _disk, z64_at, _disks = Z64_LOCATOR.unpack(_read_at(handle, locator_at, Z64_LOCATOR.size))
        if sig != b"PK\x06\x07" or z64_at + Z64_EOCD.size > locator_at:
            raise ContainerError("not-zip")
        record = Z64_EOCD.unpack(_read_at(handle, z64_at, Z64_EOCD.size))
        if record[0] != b"PK\x06\x06":
            raise ContainerError("not-zip")
        count, cd_size, cd_offset = record[7], record[8], record[9]
    return count, cd_offset, cd_size


def _parse_directory(data: bytes, count: int) -> list[tuple[str, int, int, int, int, int]]:
    """(name, method, flags, size, compressed, header offset) per entry, tolerating any ZIP."""
    entries = []
    position = 0
    for _ in range(count):
        if position + CDH.size > len(data):
            raise ContainerError("directory")
        fields = CDH.unpack_from(data, position)
        if fields[0] != b"PK\x01\x02":
            raise ContainerError("directory")
        flags, method, compressed, size = fields[3], fields[4], fields[8], fields[9]
        name_len, extra_len, comment_len, offset = fields[10], fields[11], fields[12], fields[16]
        start = position + CDH.size
        raw_name = data[start:start + name_len]
        extra = data[start + name_len:start + name_len + extra_len]
        position = start + name_len + extra_len + comment_len
        if position > len(data):
            raise ContainerError("directory")
        z = 0
        while z + 4 <= len(extra):
            tag, length = struct.unpack_from("<HH", extra, z)
            if z + 4 + length > len(extra):
                raise ContainerError("directory")
            if tag == 1:
                values = list(struct.unpack_from(f"<{length // 8}Q", extra, z + 4))
                if size == MASK32 and values:
                    size = values.pop(0)
                if compressed == MASK32 and values:
                    compressed = values.pop(0)
                if offset == MASK32 and values:
                    offset = values.pop(0)
            z += 4 + length
        name = raw_name.decode("utf-8", errors="replace")
        entries.append((name, method, flags, size, compressed, offset))
    return entries


def read_entries(handle: BinaryIO, file_size: int, expected: tuple[str, ...],
                 limits: dict[str, int]) -> list[Entry]:
    """The members of a container, after every structural check. Raises ContainerError.

    The checks come in the order that gives the most useful reason: names (unsafe, duplicate,
    missing, unexpected, order), sizes (ZIP bombs), then the exact layout, byte for byte.
    """
    if file_size < EOCD.size:
        raise ContainerError("not-zip")
    try:
        count, cd_offset, cd_size = _find_end(handle, file_size)
        if count > MAX_ENTRIES or cd_size > MAX_DIRECTORY or cd_offset + cd_size > file_size:
            raise ContainerError("directory")
        parsed = _parse_directory(_read_at(handle, cd_offset, cd_size), count)
    except struct.error:
        raise ContainerError("directory") from None
    names = [p[0] for p in parsed]
    for name in names:
        if any(bad in name for bad in ("/", "\\", "..", ":", "\x00", "\ufffd")) or name.startswith("."):
            raise ContainerError("unsafe-name", name)
    if len(set(names)) != len(names):
        raise ContainerError("duplicate-member", next(n for n in names if names.count(n) > 1))
    for name in expected:
        if name not in names:
            raise ContainerError("missing-member", name)
    for name in names:
        if name not in expected:
            raise ContainerError("unexpected-member", name)
    if tuple(names) != expected:
        raise ContainerError("member-order")
    for name, method, flags, size, compressed, _offset in parsed:
        if flags & 0x1:
            raise ContainerError("zip-encrypted", name)
        if method not in (0, 8):
            raise ContainerError("zip-method", name)
        if size > limits[name] or (compressed and size > MAX_RATIO * compressed + RATIO_SLACK):
            raise ContainerError("oversize", name)
    # the exact layout: every header rebuilt and compared, members back to back, nothing else
    entries: list[Entry] = []
    position = 0
    for name, method, _flags, size, compressed, offset in parsed:
        if method != 0 or compressed != size or offset != position:
            raise ContainerError("layout", name)
        raw = name.encode("ascii")
        header = _read_at(handle, offset, len(_local_header(raw, 0, 0)))
        crc = LFH.unpack_from(header)[6]
        if header != _local_header(raw, crc, size):
            raise ContainerError("layout", name)
        entries.append(Entry(name, offset, size, crc))
        position = offset + len(header) + size
    directory = b"".join(_central_header(e.name.encode("ascii"), e.crc, e.size, e.header_offset) for e in entries)
    if cd_offset != position or cd_size != len(directory) or _read_at(handle, cd_offset, cd_size) != directory:
        raise ContainerError("layout")
    end = _end_records(len(entries), cd_offset, cd_size)
    if file_size != cd_offset + cd_size + len(end) or _read_at(handle, cd_offset + cd_size, len(end)) != end:
        raise ContainerError("layout")
    return entries


def iter_member(handle: BinaryIO, entry: Entry, block: int = 1 << 20) -> Iterator[bytes]:
    """A member's bytes in blocks; its CRC-32 is checked at the end."""
    handle.seek(entry.data_offset)
    left, crc = entry.size, 0
    while left:
        data = handle.read(min(block, left))
        if not data:
            raise ContainerError("truncated", entry.name)
        crc = zlib.crc32(data, crc)
        left -= len(data)
        yield data
    if crc != entry.crc:
        raise ContainerError("crc", entry.name)


def read_member(handle: BinaryIO, entry: Entry) -> bytes:
    return b"".join(iter_member(handle, entry))
