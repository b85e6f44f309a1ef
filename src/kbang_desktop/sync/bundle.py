"""The bundle file (`*.kbb`, DESIGN §5): writing it safely, reading it suspiciously.

A bundle is a ZIP that standard tools can open, with exactly three members in this
order: `payload` (JSON Lines of whole record states, gzip-compressed, then encrypted
with XChaCha20-Poly1305 secretstream under a random key sealed to each recipient
site's X25519 key), `manifest.json` and `manifest.sig` (the sender site's Ed25519
signature of the manifest's exact bytes). The manifest names the payload's SHA-256,
so the signature covers everything.

Writing streams: memory stays flat however large the bundle. The file appears under
its final name only after it was flushed, fsynced, read back and its hash checked.
Reading checks the ZIP structure and sizes before anything is decompressed, and
every size while it decompresses (ZIP and gzip bombs), every frame's authenticity
while it decrypts, and every line's shape while it parses.
"""

from __future__ import annotations

import hashlib
import json
import os
import struct
import uuid
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from nacl import bindings as nb
from nacl.exceptions import CryptoError
from nacl.public import PrivateKey, PublicKey, SealedBox

from kbang_desktop.core.errors import KbangError
from kbang_desktop.i18n import N_
from kbang_desktop.storage import keys as K
from kbang_desktop.storage.files import fsync_dir
from kbang_desktop.sync import container as C

FORMAT = "kbang-bundle"
VERSION = 1
SUFFIX = ".kbb"
PAYLOAD, MANIFEST, SIGNATURE = "payload", "manifest.json", "manifest.sig"
MEMBERS = (PAYLOAD, MANIFEST, SIGNATURE)  # the order the writer uses and the reader requires
SCHEME = "xchacha20poly1305-secretstream+x25519-sealedbox"

CHUNK = 64 * 1024  # plaintext bytes per encrypted frame
FRAME_MAX = CHUNK + nb.crypto_secretstream_xchacha20poly1305_ABYTES
MAX_MANIFEST_BYTES = 1 << 20
MAX_SIGNATURE_BYTES = 1 << 10
MAX_PAYLOAD_BYTES = 4 << 30  # as stored
MAX_PLAIN_BYTES = 16 << 30  # after decompression
MAX_LINE_BYTES = 4 << 20


class BundleRejected(KbangError):
    """A bundle that fails a check. `check` names the check (tests and logs), the message says what to do."""

    def __init__(self, check: str, message: str, **params: Any) -> None:
        super().__init__(message, **params)
        self.check = check


def _damaged(check: str) -> BundleRejected:
    return BundleRejected(check, N_("Tệp gói dữ liệu bị hỏng hoặc đã bị sửa ({what}). "
                                    "Hãy xin nơi gửi xuất lại gói và chép lại vào USB."), what=check)


# --- writing ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Recipient:
    site_id: str
    encryption_key: str  # X25519 public key, base64


@dataclass(frozen=True, slots=True)
class Written:
    path: Path
    bundle_id: str
    records: int
    bytes: int
    sha256: str


class _Sink:
    """Compress, optionally encrypt, and write into the open container member, hashing what is stored."""

    def __init__(self, member: C.ContainerWriter, key: bytes | None) -> None:
        self.member = member
        self.compressor = zlib.compressobj(6, zlib.DEFLATED, 31)  # gzip framing
        self.hash = hashlib.sha256()
        self.stored = 0
        self.plain = 0
        self.pending = bytearray()
        self.state = None
        self.header = b""
        if key is not None:
            self.state = nb.crypto_secretstream_xchacha20poly1305_state()
            self.header = nb.crypto_secretstream_xchacha20poly1305_init_push(self.state, key)

    def _store(self, data: bytes) -> None:
        self.member.write(data)
        self.hash.update(data)
        self.stored += len(data)

    def _frame(self, chunk: bytes, final: bool) -> None:
        tag = (nb.crypto_secretstream_xchacha20poly1305_TAG_FINAL if final
               else nb.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE)
        sealed = nb.crypto_secretstream_xchacha20poly1305_push(self.state, chunk, None, tag)
        self._store(struct.pack(">I", len(sealed)) + sealed)

    def _compressed(self, data: bytes, final: bool = False) -> None:
        if self.state is None:
            if data:
                self._store(data)
            return
        self.pending += data
        while len(self.pending) > CHUNK:
            chunk = bytes(self.pending[:CHUNK])
            del self.pending[:CHUNK]
            self._frame(chunk, False)
        if final:
            self._frame(bytes(self.pending), True)
            self.pending = bytearray()

    def write(self, data: bytes) -> None:
        self.plain += len(data)
        self._compressed(self.compressor.compress(data))

    def close(self) -> None:
        self._compressed(self.compressor.flush(), final=True)


def write_bundle(directory: Path, name: str, manifest: dict[str, Any], lines: Iterator[dict[str, Any]],
                 recipients: list[Recipient], signer: K.SiteKeys, encrypt: bool = True,
                 on_line: Callable[[dict[str, Any]], None] | None = None) -> Written:
    """Write a bundle as `directory/name`; `manifest` gets the payload fields, the counts and the signature.

    Raises KbangError with a clear sentence when the stick is full, read-only or pulled out;
    no file with the final name exists unless it was read back and found whole.
    """
    target = directory / name
    temporary = directory / (name + ".part")
    key = None
    if encrypt:
        if not recipients:
            raise KbangError(N_("Đơn vị nhận chưa có khóa mã hóa: hãy hoàn tất việc tham gia trước khi gửi dữ liệu."))
        key = nb.crypto_secretstream_xchacha20poly1305_keygen()
    counts: dict[str, int] = {}
    records = 0
    try:
        directory.mkdir(parents=True, exist_ok=True)
        _remove_stale_parts(directory)
        with open(temporary, "wb") as raw:
            archive = C.ContainerWriter(raw)
            archive.begin(PAYLOAD)
            sink = _Sink(archive, key)
            for line in lines:
                if on_line:
                    on_line(line)
                kind = line["state"]["_type"]
                counts[kind] = counts.get(kind, 0) + 1
                records += 1
                sink.write(json.dumps(line, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n")
            sink.close()
            archive.end()
            encryption = None
            if key is not None:
                encryption = {"scheme": SCHEME, "header": K.b64(sink.header), "chunk": CHUNK,
                              "recipients": [{"site_id": r.site_id, "sealed_key": K.b64(
                                  SealedBox(PublicKey(K.unb64(r.encryption_key))).encrypt(key))}
                                  for r in recipients]}
            body = {**manifest, "format": FORMAT, "version": VERSION, "counts": counts, "records": records,
                    "payload": {"sha256": sink.hash.hexdigest(), "bytes": sink.stored, "plain_bytes": sink.plain,
                                "compression": "gzip", "encryption": encryption}}
            manifest_bytes = json.dumps(body, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")
            archive.add(MANIFEST, manifest_bytes)
            archive.add(SIGNATURE, signer.sign(manifest_bytes).encode("ascii"))
            archive.close()
            raw.flush()
            os.fsync(raw.fileno())
        # read back from the stick: the structure must be whole and the hash what we meant to write
        with open(temporary, "rb") as handle:
            entries = C.read_entries(handle, temporary.stat().st_size, MEMBERS, LIMITS)
            check = hashlib.sha256()
            for block in C.iter_member(handle, entries[0]):
                check.update(block)
        if check.hexdigest() != sink.hash.hexdigest():
            raise OSError("read-back mismatch")
        os.replace(temporary, target)
        fsync_dir(directory)
        size = target.stat().st_size
    except (OSError, C.ContainerError) as error:
        try:
            temporary.unlink(missing_ok=True)
        except OSError:
            pass
        raise KbangError(N_("Không ghi được gói dữ liệu vào {path}: {error}. Kiểm tra USB còn chỗ trống, không bị "
                            "khóa ghi và chưa bị rút ra, rồi xuất lại."), path=str(directory),
                         error=getattr(error, "strerror", None) or str(error)) from error
    return Written(target, str(body["bundle_id"]), records, size, sink.hash.hexdigest())


STALE_PART_SECONDS = 3600


def _remove_stale_parts(directory: Path) -> None:
    """Half-written bundles left by an export that was cut off (power, a pulled stick) an hour ago or more."""
    import time

    for leftover in directory.glob(f"*{SUFFIX}.part"):
        try:
            if time.time() - leftover.stat().st_mtime > STALE_PART_SECONDS:
                leftover.unlink()
        except OSError:
            pass


def new_bundle_id() -> str:
    return str(uuid.uuid4())


# --- reading ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Opened:
    """A bundle whose structure, signature and payload hash were checked."""

    path: Path
    manifest: dict[str, Any]
    manifest_bytes: bytes
    payload_entry: C.Entry

    @property
    def bundle_id(self) -> str:
        return str(self.manifest["bundle_id"])

    @property
    def encrypted(self) -> bool:
        return self.manifest["payload"].get("encryption") is not None


LIMITS = {PAYLOAD: MAX_PAYLOAD_BYTES, MANIFEST: MAX_MANIFEST_BYTES, SIGNATURE: MAX_SIGNATURE_BYTES}


def _structure_error(error: C.ContainerError) -> BundleRejected:
    name = error.name[:80]
    if error.check == "unsafe-name":
        return BundleRejected(error.check, N_("Tệp gói dữ liệu chứa tên tệp không an toàn ({name}): có thể là tệp độc "
                                              "hại. Không dùng tệp này; hãy xin gửi lại."), name=name)
    if error.check == "unexpected-member":
        return BundleRejected(error.check, N_("Tệp gói dữ liệu chứa thành phần lạ ({name}): tệp đã bị sửa. Hãy xin nơi "
                                              "gửi xuất lại gói."), name=name)
    if error.check == "duplicate-member":
        return BundleRejected(error.check, N_("Tệp gói dữ liệu có thành phần bị lặp: tệp đã bị sửa. Hãy xin nơi gửi "
                                              "xuất lại gói."))
    if error.check == "missing-member":
        return BundleRejected(error.check, N_("Tệp gói dữ liệu thiếu thành phần {name}: tệp chưa chép xong hoặc đã bị "
                                              "sửa. Hãy chép lại tệp từ máy gửi."), name=name)
    if error.check == "member-order":
        return BundleRejected(error.check, N_("Các thành phần trong tệp gói dữ liệu bị sắp xếp lại: tệp đã bị sửa bằng "
                                              "công cụ khác. Hãy xin nơi gửi xuất lại gói."))
    if error.check in ("zip-encrypted", "zip-method"):
        return BundleRejected(error.check, N_("Tệp gói dữ liệu dùng kiểu nén hoặc mã hóa ZIP không được hỗ trợ: tệp "
                                              "không do Kbang Desktop tạo ra."))
    if error.check == "oversize":
        return _oversize(name)
    if error.check == "not-zip":
        return BundleRejected(error.check, N_("Tệp này không phải là gói dữ liệu của Kbang Desktop (không đúng định "
                                              "dạng ZIP), hoặc chỉ được chép một phần. Hãy chép lại tệp từ máy gửi."))
    return _damaged(error.check)


def _oversize(name: str) -> BundleRejected:
    return BundleRejected("oversize", N_("Tệp gói dữ liệu khai báo kích thước bất thường ({name}): có thể là tệp độc "
                                         "hại (bom nén). Không dùng tệp này."), name=name)


TrustLookup = Callable[[str], "tuple[str, str | None, bool] | None"]  # site -> (office, signing key, revoked)


def open_bundle(path: Path, trusted: TrustLookup) -> Opened:
    """Check structure, manifest, signature and payload hash. Raises BundleRejected."""
    try:
        if not path.is_file():
            raise BundleRejected("no-file", N_("Không tìm thấy tệp {path}."), path=str(path))
        with open(path, "rb") as handle:
            entries = C.read_entries(handle, path.stat().st_size, MEMBERS, LIMITS)
            payload, manifest_entry, signature_entry = entries
            manifest_bytes = C.read_member(handle, manifest_entry)
            signature = C.read_member(handle, signature_entry)
            manifest = _parse_manifest(manifest_bytes)
            _check_signature(manifest, manifest_bytes, signature, trusted)
            _check_payload(handle, payload, manifest)
    except BundleRejected:
        raise
    except C.ContainerError as error:
        raise _structure_error(error) from None
    except OSError as error:
        raise BundleRejected("unreadable", N_("Không đọc được tệp {path}: {error}. Kiểm tra USB rồi thử lại."),
                             path=str(path), error=error.strerror or str(error)) from error
    return Opened(path, manifest, manifest_bytes, payload)


def _parse_manifest(data: bytes) -> dict[str, Any]:
    try:
        manifest = json.loads(data.decode("utf-8"))
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            raise ValueError("format")
        version = manifest["version"]
        if not isinstance(version, int) or isinstance(version, bool):
            raise ValueError("version")
    except (ValueError, KeyError, UnicodeDecodeError):
        raise BundleRejected("manifest", N_("Tệp này không phải là gói dữ liệu của Kbang Desktop, hoặc phần mô tả "
                                            "của gói bị hỏng. Hãy xin nơi gửi xuất lại gói.")) from None
    if version > VERSION:
        raise BundleRejected("newer-format", N_("Gói dữ liệu này do phiên bản Kbang Desktop mới hơn tạo ra (định dạng "
                                                "{version}). Hãy cập nhật Kbang Desktop rồi nhập lại."), version=version)
    manifest = migrate_manifest(manifest)
    try:
        payload = manifest["payload"]
        for key in ("bundle_id", "created_at", "sender_office_id", "sender_site_id", "recipient_office_id",
                    "schema_revision"):
            if not isinstance(manifest[key], str):
                raise ValueError(key)
        for key in ("seq_from", "seq_to", "records"):
            if not isinstance(manifest[key], int) or isinstance(manifest[key], bool) or manifest[key] < 0:
                raise ValueError(key)
        if not isinstance(manifest["receipts"], dict) or not isinstance(manifest["counts"], dict):
            raise ValueError("receipts")
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in
                   [*manifest["receipts"].values(), *manifest["counts"].values()]):
            raise ValueError("numbers")
        if sum(manifest["counts"].values()) != manifest["records"]:
            raise ValueError("counts")
        for key in ("bytes", "plain_bytes"):
            if not isinstance(payload[key], int) or isinstance(payload[key], bool) or payload[key] < 0:
                raise ValueError(key)
        if payload["compression"] != "gzip" or not isinstance(payload["sha256"], str):
            raise ValueError("payload")
        encryption = payload["encryption"]
        if encryption is not None and (encryption.get("scheme") != SCHEME or encryption.get("chunk") != CHUNK
                                       or not isinstance(encryption.get("recipients"), list)):
            raise ValueError("encryption")
        uuid.UUID(manifest["bundle_id"])
    except (ValueError, KeyError, TypeError, AttributeError):
        raise BundleRejected("manifest", N_("Tệp này không phải là gói dữ liệu của Kbang Desktop, hoặc phần mô tả "
                                            "của gói bị hỏng. Hãy xin nơi gửi xuất lại gói.")) from None
    if payload["bytes"] > MAX_PAYLOAD_BYTES or payload["plain_bytes"] > MAX_PLAIN_BYTES \
            or payload["plain_bytes"] > C.MAX_RATIO * payload["bytes"] + C.RATIO_SLACK:
        raise _oversize(PAYLOAD)
    return manifest


# Older bundle formats are turned into the current one here, one step per version.
MANIFEST_MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {}


def migrate_manifest(manifest: dict[str, Any]) -> dict[str, Any]:
    version = manifest["version"]
    while version < VERSION:
        step = MANIFEST_MIGRATIONS.get(version)
        if step is None:
            raise BundleRejected("old-format", N_("Gói dữ liệu này có định dạng quá cũ ({version}) mà phiên bản này "
                                                  "không đọc được. Hãy cập nhật Kbang Desktop ở nơi gửi rồi xuất lại."),
                                 version=version)
        manifest = step(manifest)
        version = manifest["version"]
    return manifest


def _check_signature(manifest: dict[str, Any], manifest_bytes: bytes, signature: bytes, trusted: TrustLookup) -> None:
    site = manifest["sender_site_id"]
    known = trusted(site)
    if known is None or not known[1]:
        raise BundleRejected("unknown-key", N_("Gói dữ liệu do một máy chưa được tin cậy gửi (máy {site}). Nếu đây là "
                                               "máy của đơn vị đầu mối hay của xã mình, hãy hoàn tất việc đăng ký và "
                                               "tin cậy trước khi nhập."), site=site[:8])
    office, signing_key, revoked = known
    if office != manifest["sender_office_id"]:
        raise BundleRejected("wrong-office", N_("Gói dữ liệu ghi tên đơn vị gửi không khớp với máy đã ký: tệp đã bị "
                                                "sửa. Không dùng tệp này."))
    try:
        text = signature.decode("ascii")
    except UnicodeDecodeError:
        text = ""
    if not K.verify(str(signing_key), manifest_bytes, text):
        raise BundleRejected("bad-signature", N_("Chữ ký của gói dữ liệu không đúng: tệp đã bị sửa hoặc bị hỏng trên "
                                                 "đường đi. Không dùng tệp này; hãy xin nơi gửi xuất lại."))
    if revoked:
        raise BundleRejected("revoked-key", N_("Khóa của máy gửi gói này (máy {site}) đã bị thu hồi. Gói không được "
                                               "nhập. Máy đó cần được đăng ký lại với khóa mới."), site=site[:8])


def _check_payload(handle: IO[bytes], entry: C.Entry, manifest: dict[str, Any]) -> None:
    if entry.size != manifest["payload"]["bytes"]:
        raise BundleRejected("payload-size", N_("Phần dữ liệu của gói không đúng kích thước đã ký: tệp bị cắt cụt hoặc "
                                                "đã bị sửa. Hãy chép lại tệp từ máy gửi."))
    digest = hashlib.sha256()
    for block in C.iter_member(handle, entry):
        digest.update(block)
    if digest.hexdigest() != manifest["payload"]["sha256"]:
        raise BundleRejected("payload-hash", N_("Phần dữ liệu của gói không khớp với mã kiểm tra đã ký: tệp đã bị sửa "
                                                "hoặc bị hỏng. Hãy chép lại tệp từ máy gửi."))


class _MemberStream:
    """A member read as a file-like stream (for the frame reader)."""

    def __init__(self, blocks: Iterator[bytes]) -> None:
        self.blocks = blocks
        self.buffer = b""

    def read(self, size: int) -> bytes:
        while len(self.buffer) < size:
            more = next(self.blocks, None)
            if more is None:
                break
            self.buffer += more
        data, self.buffer = self.buffer[:size], self.buffer[size:]
        return data


def _frames(member: IO[bytes], key: bytes, header: bytes) -> Iterator[bytes]:
    state = nb.crypto_secretstream_xchacha20poly1305_state()
    nb.crypto_secretstream_xchacha20poly1305_init_pull(state, header, key)
    final = False
    while True:
        prefix = member.read(4)
        if not prefix:
            break
        if final or len(prefix) != 4:
            raise _damaged("frame")
        (length,) = struct.unpack(">I", prefix)
        if length > FRAME_MAX or length < nb.crypto_secretstream_xchacha20poly1305_ABYTES:
            raise _damaged("frame")
        sealed = member.read(length)
        if len(sealed) != length:
            raise _damaged("frame")
        try:
            chunk, tag = nb.crypto_secretstream_xchacha20poly1305_pull(state, sealed, None)
        except (CryptoError, ValueError, RuntimeError):
            raise _damaged("decrypt") from None
        final = tag == nb.crypto_secretstream_xchacha20poly1305_TAG_FINAL
        yield chunk
    if not final:
        raise _damaged("truncated")


def unseal_key(opened: Opened, site_id: str, private: PrivateKey) -> bytes:
    encryption = opened.manifest["payload"]["encryption"]
    entry = next((r for r in encryption["recipients"] if isinstance(r, dict) and r.get("site_id") == site_id), None)
    if entry is None:
        raise BundleRejected("not-for-this-site", N_("Gói dữ liệu này được mã hóa cho máy khác của đơn vị, không phải "
                                                     "máy này. Hãy xin nơi gửi xuất một gói mới sau khi máy này đã được "
                                                     "đăng ký."))
    try:
        key = SealedBox(private).decrypt(K.unb64(str(entry.get("sealed_key"))))
    except (CryptoError, ValueError, TypeError):
        raise BundleRejected("wrong-key", N_("Không giải mã được gói dữ liệu bằng khóa của máy này: gói được mã hóa cho "
                                             "một khóa khác. Hãy xin nơi gửi xuất lại gói cho máy này.")) from None
    if len(key) != nb.crypto_secretstream_xchacha20poly1305_KEYBYTES:
        raise _damaged("key")
    return key


def iter_lines(opened: Opened, key: bytes | None) -> Iterator[dict[str, Any]]:
    """Decrypt, decompress and parse the payload as it streams, with every size capped."""
    payload = opened.manifest["payload"]
    declared_plain = payload["plain_bytes"]
    try:
        with open(opened.path, "rb") as handle:
            member = _MemberStream(C.iter_member(handle, opened.payload_entry, CHUNK))
            if payload["encryption"] is not None:
                if key is None:
                    raise _damaged("key")
                header = K.unb64(str(payload["encryption"].get("header")))
                if len(header) != nb.crypto_secretstream_xchacha20poly1305_HEADERBYTES:
                    raise _damaged("header")
                blocks: Iterator[bytes] = _frames(member, key, header)
            else:
                blocks = iter(lambda: member.read(CHUNK), b"")
            inflater = zlib.decompressobj(31)
            plain = 0
            buffer = b""
            count = 0
            for block in blocks:
                data = inflater.decompress(block, MAX_LINE_BYTES)
                while True:
                    plain += len(data)
                    if plain > declared_plain:
                        raise _oversize(PAYLOAD)
                    buffer += data
                    *whole, buffer = buffer.split(b"\n")
                    for raw in whole:
                        count += 1
                        yield _parse_line(raw)
                    if len(buffer) > MAX_LINE_BYTES:
                        raise _damaged("line-size")
                    if not inflater.unconsumed_tail:
                        break
                    data = inflater.decompress(inflater.unconsumed_tail, MAX_LINE_BYTES)
            if not inflater.eof or inflater.unused_data or buffer:
                raise _damaged("gzip-end")
            if plain != declared_plain or count != opened.manifest["records"]:
                raise _damaged("count")
    except BundleRejected:
        raise
    except C.ContainerError as error:
        raise _structure_error(error) from None
    except (zlib.error, EOFError, struct.error, ValueError) as error:
        raise _damaged(type(error).__name__) from error
    except OSError as error:
        raise BundleRejected("unreadable", N_("Không đọc được tệp {path}: {error}. Kiểm tra USB rồi thử lại."),
                             path=str(opened.path), error=error.strerror or str(error)) from error


def _parse_line(raw: bytes) -> dict[str, Any]:
    try:
        line = json.loads(raw.decode("utf-8"))
        if not isinstance(line, dict) or not isinstance(line.get("state"), dict) \
                or not isinstance(line.get("seq"), int) or not isinstance(line.get("history"), list) \
                or not all(isinstance(r, str) for r in line["history"]):
            raise ValueError("line")
    except (ValueError, UnicodeDecodeError):
        raise _damaged("line") from None
    return line
