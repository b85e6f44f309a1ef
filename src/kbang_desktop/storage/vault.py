"""The database encrypted at rest (SQLCipher 4) and its key.

The database key K is 32 random bytes, made when the database is set up (or when an older plain one is
encrypted) and made anew whenever someone must lose it (a user removed, a password changed: `rekey`).
K itself is never stored in clear; the **keyring**, a file beside the database (`kbang.db.keyring`, and
beside each backup: `NAME.db.keyring`), holds it sealed in slots:

- one slot per active user: K sealed (XSalsa20-Poly1305, PyNaCl's SecretBox) with the scrypt digest of
  that user's password, the very digest the user table keeps (salt and costs in the keyring, in clear).
  A log-in recomputes the digest from the password and unseals K; a wrong password unseals nothing and
  changes nothing. Whoever holds K can therefore write every user's slot from the user table, without
  their passwords: a new user, a new password, a user removed, and a plain database of an older version
  encrypted at its first start all give everyone their slot at once;
- one slot for the **recovery key**, 160 random bits shown once at set-up to be printed and kept in the
  office safe: an X25519 key pair is derived from it, and K is sealed to its *public* half (PyNaCl's
  SealedBox), so that K can be sealed for the recovery key again after every rekey without the sheet.
  The public key is also recorded inside the (encrypted) database (`local_state`, RECOVERY_PUBLIC): a
  keyring is always rewritten with the database's own recovery public key, so a keyring swapped for one
  sealed to another recovery key is noticed and mended at the next open. The recovery key with a
  backup's keyring opens that backup on any PC (`kbang restore FILE --recovery-key`).

While a rekey runs, the keyring also holds the previous key's slots (`previous`, for the remaining users
only): killed at any point, the database opens with one of the two keys, and the next open finishes the
rekey (`Database.sync_keyring`).

SQLCipher takes K as a raw key (`PRAGMA key = "x'...'"`): no key derivation at each connection; the
password's scrypt belongs to the log-in (`unlock`), never to an open.
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
FORMAT = 2  # 2: a random key, a recovery slot sealed to a public key (no release had 1)
KEY_BYTES = 32
RECOVERY_PUBLIC = "recovery_public_key"  # local_state: the recovery public key, base64
_QUIET = False
WRONG_LOGIN = N_("Tên đăng nhập hoặc mật khẩu không đúng.")


def dbapi(encrypted: bool) -> Any:
    """The DB-API module for a file: SQLCipher's build of SQLite for an encrypted one, else Python's."""
    if encrypted:
        import sqlcipher3.dbapi2 as module

        global _QUIET
        if not _QUIET:  # SQLCipher's own log goes to stderr: a wrong key is our one sentence, not its lines
            quiet = module.connect(":memory:")
            quiet.execute("PRAGMA cipher_log_level = NONE")
            quiet.close()
            _QUIET = True
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


# --- the keys -------------------------------------------------------------------------

def new_key() -> bytes:
    """A new database key: 32 random bytes."""
    return os.urandom(KEY_BYTES)


def new_recovery_key() -> str:
    """A new recovery key as it is printed: "K7QX-3MZP-..." (8 groups of 4)."""
    text = base64.b32encode(os.urandom(RECOVERY_BYTES)).decode("ascii")
    return "-".join(text[i:i + 4] for i in range(0, len(text), 4))


def _recovery_bytes(text: str) -> bytes:
    cleaned = "".join(ch for ch in text.upper() if ch.isalnum()).translate(str.maketrans("018", "OIB"))
    try:
        raw = base64.b32decode(cleaned, casefold=True)
    except ValueError:
        raw = b""
    if len(raw) != RECOVERY_BYTES:
        raise KbangError(N_("Khóa khôi phục không đúng dạng: cần 32 chữ và số (8 nhóm 4 ký tự) như trên tờ khóa "
                            "khôi phục."))
    return raw


def recovery_secret(text: str) -> bytes:
    """The X25519 private key that a recovery key stands for; a mistyped one is refused in one sentence.
    Spaces, dashes and lower case do not matter; 0, 1 and 8 are read as O, I and B."""
    return hashlib.blake2b(_recovery_bytes(text), digest_size=32, person=b"kbang-recovery").digest()


def recovery_public(text: str) -> bytes:
    """The public half of the recovery key's X25519 pair (kept in the keyring and in the database)."""
    from nacl.public import PrivateKey

    return bytes(PrivateKey(recovery_secret(text)).public_key)


def key_id(key: bytes) -> str:
    """A short public name of a key, to tell whether a keyring belongs to a database."""
    return hashlib.blake2b(key, digest_size=8, person=b"kbang-key-id").hexdigest()


def opens(path: Path, key: bytes) -> bool:
    """True when `key` reads the encrypted file at `path` (its first page; a hot journal is rolled back)."""
    try:
        connection = connect(path, key)
        try:
            connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            connection.close()
    except dbapi(True).DatabaseError:
        return False
    return True


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


def fingerprints(accounts: Iterable[tuple[str, str]]) -> list[str]:
    """The slot names ("of") a keyring holds for these accounts."""
    return sorted(_fingerprint(u, h) for u, h in accounts if _digest_parts(h) is not None)


def _sealed(key: bytes, accounts: Iterable[tuple[str, str]], recovery: bytes | None) -> dict[str, Any]:
    from nacl.public import PublicKey, SealedBox
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
    ring: dict[str, Any] = {"key_id": key_id(key), "slots": slots}
    if recovery is not None:
        ring["recovery"] = {"public": base64.b64encode(recovery).decode(),
                            "box": base64.b64encode(SealedBox(PublicKey(recovery)).encrypt(key)).decode()}
    return ring


def keyring_for(key: bytes, accounts: Iterable[tuple[str, str]], recovery: bytes | None = None,
                previous: bytes | None = None) -> dict[str, Any]:
    """The keyring of `key` for these (username, password hash) pairs, the active users, and the recovery
    public key; with `previous`, that key's slots too (for the same users), while a rekey runs."""
    accounts = list(accounts)
    ring = {"format": FORMAT, **_sealed(key, accounts, recovery)}
    if previous is not None:
        ring["previous"] = _sealed(previous, accounts, recovery)
    return ring


def read_keyring(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and isinstance(data.get("slots"), list) else None


def ring_recovery(keyring: dict[str, Any] | None) -> bytes | None:
    """The recovery public key a keyring seals K to (None when it has no recovery slot)."""
    try:
        return base64.b64decode((keyring or {})["recovery"]["public"])
    except (KeyError, TypeError, ValueError):
        return None


def write_keyring(path: Path, key: bytes, accounts: Iterable[tuple[str, str]], recovery: bytes | None = None,
                  previous: bytes | None = None) -> bool:
    """Make the keyring at `path` hold a slot for exactly these accounts and the recovery public key
    (nothing is written when it already does); True when it was written. All or nothing, owner-only."""
    from kbang_desktop.storage.files import write_atomic

    accounts = list(accounts)
    existing = read_keyring(path)
    if previous is None and existing is not None and existing.get("format") == FORMAT \
            and existing.get("key_id") == key_id(key) and "previous" not in existing \
            and sorted(s.get("of", "") for s in existing["slots"]) == fingerprints(accounts) \
            and ring_recovery(existing) == recovery:
        return False
    write_atomic(path, json.dumps(keyring_for(key, accounts, recovery, previous), indent=1).encode("utf-8"))
    return True


def _unseal_one(ring: dict[str, Any], username: str, password: str, digests: dict[tuple, bytes]) -> bytes | None:
    from nacl.exceptions import CryptoError
    from nacl.secret import SecretBox

    for slot in ring.get("slots", []):
        if not isinstance(slot, dict) or slot.get("user") != username:
            continue
        try:
            costs = (slot["salt"], int(slot["n"]), int(slot["r"]), int(slot["p"]))
            if costs not in digests:  # the same salt in both halves of a keyring mid-rekey: scrypt once
                digests[costs] = hashlib.scrypt(password.encode("utf-8"), salt=base64.b64decode(costs[0]),
                                                n=costs[1], r=costs[2], p=costs[3], dklen=32)
            key = SecretBox(digests[costs]).decrypt(base64.b64decode(slot["box"]))
        except (CryptoError, KeyError, ValueError, TypeError):
            return None
        return key if key_id(key) == ring.get("key_id") else None
    return None


def unseal_all(keyring: dict[str, Any] | None, username: str, password: str,
               digests: dict[tuple, bytes] | None = None) -> list[bytes]:
    """Every key the user's slots give with this password: the keyring's key, and the previous one while a
    rekey runs (the database is encrypted with one of them). Empty for a wrong password. `digests` keeps
    the scrypt digests worked out, by (salt, n, r, p): the log-in's check of the same password reuses them."""
    digests = {} if digests is None else digests
    found = []
    for ring in (keyring or {}, (keyring or {}).get("previous") or {}):
        if isinstance(ring, dict):
            key = _unseal_one(ring, username, password, digests)
            if key is not None:
                found.append(key)
    return found


def unseal(keyring: dict[str, Any] | None, username: str, password: str) -> bytes | None:
    """K from the user's slot when the password is right, else None (nothing is written anywhere)."""
    keys = unseal_all(keyring, username, password)
    return keys[0] if keys else None


def unseal_recovery(keyring: dict[str, Any] | None, recovery_key: str) -> list[bytes]:
    """The keys the recovery slots of a keyring give with this recovery key (see `unseal_all`); empty when
    the recovery key is not the one of this keyring. A mistyped one is refused in one sentence."""
    from nacl.exceptions import CryptoError
    from nacl.public import PrivateKey, SealedBox

    secret = PrivateKey(recovery_secret(recovery_key))
    found = []
    for ring in (keyring or {}, (keyring or {}).get("previous") or {}):
        if not isinstance(ring, dict) or ring_recovery(ring) != bytes(secret.public_key):
            continue
        try:
            key = SealedBox(secret).decrypt(base64.b64decode(ring["recovery"]["box"]))
        except (CryptoError, KeyError, ValueError, TypeError):
            continue
        if key_id(key) == ring.get("key_id"):
            found.append(key)
    return found


def pick(path: Path, keys: list[bytes]) -> bytes | None:
    """The one of `keys` the file at `path` is encrypted with (None: none of them)."""
    return next((key for key in keys if opens(path, key)), None)


def missing_keyring(ring_file: Path) -> KbangError:
    return KbangError(N_("Thiếu tệp khóa {path} của cơ sở dữ liệu được mã hóa: hãy chép lại tệp đó (có trong mỗi "
                         "bản sao lưu, tên kết thúc bằng .keyring, nằm cạnh tệp .db) rồi thử lại."), path=str(ring_file))


def unlock(db_path: Path, username: str, password: str, digests: dict[tuple, bytes] | None = None) -> bytes:
    """The key of the encrypted database at `db_path` for this user and password; one sentence when
    the name or the password is wrong (the same one: who has an account is not told). `digests`: see
    `unseal_all` (the password's scrypt is worked out once for the key and the account)."""
    ring_file = keyring_path(db_path)
    keyring = read_keyring(ring_file)
    if keyring is None:
        raise missing_keyring(ring_file)
    keys = unseal_all(keyring, username, password, digests)
    if not keys:
        raise KbangError(WRONG_LOGIN)
    key = pick(db_path, keys)
    if key is None:  # a keyring of another key: an old copy, or another office's
        raise KbangError(N_("Tệp khóa {path} không phải của cơ sở dữ liệu này (có thể là một bản cũ): hãy dùng tệp "
                            "khóa đi cùng cơ sở dữ liệu, hoặc khôi phục một bản sao lưu bằng khóa khôi phục."),
                         path=str(ring_file))
    return key


class KeyCell:
    """The key an engine's new connections are keyed with; changed by a rekey (old connections closed)."""

    def __init__(self, key: bytes | None) -> None:
        self.key = key
