"""Site keys: an Ed25519 signing key and an X25519 encryption key per installation.

Private keys live in a file beside the database (`keys/<site id>.key`, owner-only
permissions), never in the database, a bundle or a backup. Fingerprints are short
enough to read over the phone.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from nacl.public import PrivateKey
from nacl.signing import SigningKey, VerifyKey

from kbang_desktop.core.errors import KbangError
from kbang_desktop.i18n import N_
from kbang_desktop.paths import data_dir
from kbang_desktop.storage.files import private_folder, write_atomic, write_new


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


@dataclass(frozen=True)
class SiteKeys:
    site_id: str
    signing: SigningKey
    encryption: PrivateKey

    @property
    def signing_public(self) -> str:
        return b64(bytes(self.signing.verify_key))

    @property
    def encryption_public(self) -> str:
        return b64(bytes(self.encryption.public_key))

    def sign(self, message: bytes) -> str:
        return b64(self.signing.sign(message).signature)


def generate(site_id: str) -> SiteKeys:
    return SiteKeys(site_id, SigningKey.generate(), PrivateKey.generate())


def key_dir(db_path: Path | None) -> Path:
    return (db_path.parent if db_path else data_dir()) / "keys"


def key_file(db_path: Path | None, site_id: str) -> Path:
    return key_dir(db_path) / f"{site_id}.key"


def save(keys: SiteKeys, path: Path) -> None:
    """Write the private keys atomically with owner-only permissions."""
    private_folder(path.parent)
    write_atomic(path, _serialised(keys), mode=0o600)


def load_or_create(site_id: str, path: Path) -> SiteKeys:
    """The keys in `path`, made and saved first if there are none. Two makers at once (the preview and
    the printing of a first certificate, the window and a command) end with the same keys: the first
    file written wins and the other maker reads it, so nothing is ever signed with a key that is lost."""
    if not path.exists():
        keys = generate(site_id)
        private_folder(path.parent)
        if write_new(path, _serialised(keys), mode=0o600):
            return keys
    return load(path)


def _serialised(keys: SiteKeys) -> bytes:
    return json.dumps({"site_id": keys.site_id, "signing": b64(bytes(keys.signing)),
                       "encryption": b64(bytes(keys.encryption))}).encode("utf-8")


def load(path: Path) -> SiteKeys:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return SiteKeys(data["site_id"], SigningKey(unb64(data["signing"])), PrivateKey(unb64(data["encryption"])))
    except FileNotFoundError:
        raise KbangError(N_("Không tìm thấy khóa của máy này ({path}). Xem hướng dẫn khôi phục khi mất khóa."),
                         path=str(path)) from None
    except (ValueError, KeyError, TypeError):
        raise KbangError(N_("Tệp khóa {path} bị hỏng."), path=str(path)) from None


def verify(signing_public: str, message: bytes, signature: str) -> bool:
    """True when `signature` is `signing_public`'s Ed25519 signature of `message`."""
    from nacl.exceptions import BadSignatureError

    try:
        VerifyKey(unb64(signing_public)).verify(message, unb64(signature))
        return True
    except (BadSignatureError, ValueError, TypeError):
        return False


def fingerprint(*signing_publics: str) -> str:
    """A short code both officers can read over the phone, e.g. "K7QX-3MZP-9D2A-WF4T".

    Over several keys it is order-independent, so the hub and the commune compute the same one.
    """
    digest = hashlib.sha256("|".join(sorted(signing_publics)).encode("ascii")).digest()
    text = base64.b32encode(digest).decode("ascii")[:16]
    return "-".join(text[i:i + 4] for i in range(0, 16, 4))


def same_fingerprint(typed: str, fingerprint: str) -> bool:
    """Whether a fingerprint as typed (any case, with or without dashes or spaces) is `fingerprint`."""
    def bare(text: str) -> str:
        return "".join(ch for ch in text.upper() if ch.isalnum())

    return bool(bare(typed)) and bare(typed) == bare(fingerprint)


def canonical(data: dict) -> bytes:
    """The exact bytes that are signed: sorted keys, no spaces, UTF-8."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
