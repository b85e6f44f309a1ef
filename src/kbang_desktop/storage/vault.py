"""The database encrypted at rest (SQLCipher 4) and its key.

The database key K (32 bytes) is derived from the **recovery key**, 160 random bits that the set-up
shows once to be printed and kept in the office safe: whoever holds the recovery key opens this
office's database and every backup of it, on any PC, with no other file. K itself is never stored.

Each active user's copy of K sits in the **keyring**, a file beside the database (`kbang.db.keyring`,
and beside each backup): K sealed (XSalsa20-Poly1305, PyNaCl's SecretBox) with the scrypt digest of
that user's password, the very digest the user table keeps (salt and costs in the keyring, in clear).
A log-in recomputes the digest from the password and unseals K; a wrong password unseals nothing and
changes nothing. Whoever holds K can therefore write every user's slot from the user table: a new
user, a new password and a removed user change the keyring at once (`write_keyring`), and a plain
database of an older version gets everyone's slot when it is encrypted.

SQLCipher takes K as a raw key (`PRAGMA key = "x'...'"`: no key derivation at each connection).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from kbang_desktop.core.errors import KbangError
from kbang_desktop.i18n import N_

SQLITE_HEADER = b"SQLite format 3\x00"
RECOVERY_BYTES = 20  # 160 bits: 32 characters of base32, written in 8 groups of 4
KEYRING_SUFFIX = ".keyring"
FORMAT = 1
WRONG_LOGIN = N_("Tên đăng nhập hoặc mật khẩu không đúng.")


def dbapi(encrypted: bool) -> Any:
    """The DB-API module for a file: SQLCipher's build of SQLite for an encrypted one, else Python's."""
    if encrypted:
        import sqlcipher3.dbapi2 as module
    else:
        import sqlite3 as module
    return module


def key_pragma(key: bytes) -> str:
    return f"PRAGMA key = \"x'{key.hex()}'\""


def connect(path: Path | str, key: bytes | None, read_only: bool = False, timeout: float = 10) -> Any:
    """A DB-API connection to a SQLite file, unlocked with `key` when it is encrypted."""
    module = dbapi(key is not None)
    target = f"file:{path}?mode=ro" if read_only else f"file:{path}"
    connection = module.connect(target, uri=True, timeout=timeout)
    if key is not None:
        connection.execute(key_pragma(key))
    return connection


def is_encrypted(path: Path) -> bool:
    """True for a file that is not a plain SQLite database (SQLCipher's first page is all cipher text);
    False for a plain one, an empty one or none."""
    try:
        with path.open("rb") as handle:
            head = handle.read(len(SQLITE_HEADER))
    except OSError:
        return False
    return len(head) == len(SQLITE_HEADER) and head != SQLITE_HEADER


# --- the recovery key ---------------------------------------------------------------

def new_recovery_key() -> str:
    """A new recovery key as it is printed: "K7QX-3MZP-..." (8 groups of 4)."""
    text = base64.b32encode(os.urandom(RECOVERY_BYTES)).decode("ascii")
    return "-".join(text[i:i + 4] for i in range(0, len(text), 4))


def key_from_recovery(text: str) -> bytes:
    """The database key that a recovery key stands for; a mistyped one is refused in one sentence.
    Spaces, dashes and lower case do not matter; 0, 1 and 8 are read as O, I and B."""
    cleaned = "".join(ch for ch in text.upper() if ch.isalnum()).translate(str.maketrans("018", "OIB"))
    try:
        raw = base64.b32decode(cleaned, casefold=True)
    except ValueError:
        raw = b""
    if len(raw) != RECOVERY_BYTES:
        raise KbangError(N_("Khóa khôi phục không đúng dạng: cần 32 chữ và số (8 nhóm 4 ký tự) như trên tờ khóa "
                            "khôi phục."))
    return hashlib.blake2b(raw, digest_size=32, person=b"kbang-db-key").digest()


def key_id(key: bytes) -> str:
    """A short public name of a key, to tell whether a keyring belongs to a database."""
    return hashlib.blake2b(key, digest_size=8, person=b"kbang-key-id").hexdigest()


# --- the keyring ------------------------------------------------------------------------

def keyring_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + KEYRING_SUFFIX)


def _digest_parts(password_hash: str) -> tuple[bytes, int, int, int, bytes] | None:
    try:
        scheme, n, r, p, salt, digest = password_hash.split("$")
        if scheme != "scrypt":
            return None
        return base64.b64decode(salt), int(n), int(r), int(p), base64.b64decode(digest)
    except (ValueError, TypeError):
        return None


def _fingerprint(username: str, password_hash: str) -> str:
    return hashlib.blake2b(f"{username}\n{password_hash}".encode(), digest_size=12).hexdigest()


def keyring_for(key: bytes, accounts: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """The keyring of `key` for these (username, password hash) pairs, the active users."""
    from nacl.secret import SecretBox

    slots = []
    for username, password_hash in sorted(accounts):
        parts = _digest_parts(password_hash)
        if parts is None:
            continue
        salt, n, r, p, digest = parts
        box = SecretBox(digest).encrypt(key)
        slots.append({"user": username, "salt": base64.b64encode(salt).decode(), "n": n, "r": r, "p": p,
                      "box": base64.b64encode(bytes(box)).decode(), "of": _fingerprint(username, password_hash)})
    return {"format": FORMAT, "key_id": key_id(key), "slots": slots}


def read_keyring(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and isinstance(data.get("slots"), list) else None


def write_keyring(path: Path, key: bytes, accounts: Iterable[tuple[str, str]]) -> bool:
    """Make the keyring at `path` hold a slot for exactly these accounts (nothing is written when it
    already does); True when it was written. All or nothing, owner-only."""
    from kbang_desktop.storage.files import write_atomic

    accounts = list(accounts)
    existing = read_keyring(path)
    wanted = sorted(_fingerprint(u, h) for u, h in accounts if _digest_parts(h) is not None)
    if existing is not None and existing.get("key_id") == key_id(key) and sorted(
            s.get("of", "") for s in existing["slots"]) == wanted:
        return False
    write_atomic(path, json.dumps(keyring_for(key, accounts), indent=1).encode("utf-8"))
    return True


def unseal(keyring: dict[str, Any] | None, username: str, password: str) -> bytes | None:
    """K from the user's slot when the password is right, else None (nothing is written anywhere)."""
    from nacl.exceptions import CryptoError
    from nacl.secret import SecretBox

    for slot in (keyring or {}).get("slots", []):
        if slot.get("user") != username:
            continue
        try:
            digest = hashlib.scrypt(password.encode("utf-8"), salt=base64.b64decode(slot["salt"]), n=int(slot["n"]),
                                    r=int(slot["r"]), p=int(slot["p"]), dklen=32)
            key = SecretBox(digest).decrypt(base64.b64decode(slot["box"]))
        except (CryptoError, KeyError, ValueError, TypeError):
            return None
        return key if key_id(key) == keyring.get("key_id") else None
    return None


def unlock(db_path: Path, username: str, password: str) -> bytes:
    """The key of the encrypted database at `db_path` for this user and password; one sentence when
    the name or the password is wrong (the same one: who has an account is not told)."""
    ring_file = keyring_path(db_path)
    keyring = read_keyring(ring_file)
    if keyring is None:
        raise KbangError(N_("Thiếu tệp khóa {path} của cơ sở dữ liệu được mã hóa: hãy chép lại tệp đó (có trong mỗi "
                            "bản sao lưu, tên kết thúc bằng .keyring), hoặc khôi phục bằng khóa khôi phục: \"kbang "
                            "restore TỆP --recovery-key\"."), path=str(ring_file))
    key = unseal(keyring, username, password)
    if key is None:
        raise KbangError(WRONG_LOGIN)
    return key
