"""Damaged, forged and hostile bundles: every one refused with a specific reason, the database untouched.

Over a thousand variants of one good bundle: every single-byte flip of its first bytes and a
sample of the rest, truncations, garbage at the end, members reordered, duplicated, missing,
extra or with names that escape the folder, wrong recipient, wrong or unknown keys, altered
content replayed under a used bundle id, oversize declarations, a gzip bomb, newer formats.
"""

from __future__ import annotations

import gzip
import hashlib
import itertools
import json
import random
import sqlite3
from pathlib import Path

import pytest

from kbang_desktop.storage import keys as K
from kbang_desktop.sync import bundle as B
from tests.sync.net import Net, key_path, members, repack

CHECKS = {"no-file", "not-zip", "truncated", "directory", "unsafe-name", "duplicate-member", "missing-member",
          "unexpected-member", "member-order", "zip-encrypted", "zip-method", "oversize", "layout", "crc",
          "manifest", "newer-format", "old-format", "unknown-key", "wrong-office", "bad-signature", "revoked-key",
          "payload-size", "payload-hash", "wrong-recipient", "own-bundle", "newer-schema", "not-for-this-site",
          "wrong-key", "frame", "decrypt", "gzip-end", "count", "line", "line-size", "header", "key",
          "record", "duplicate-record", "reused-bundle-id", "reused-sequence", "unreadable"}


def fingerprint(path: Path) -> str:
    """A logical dump of the whole database, hashed: every row of every table in a stable order."""
    digest = hashlib.sha256()
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
        tables = [r[0] for r in connection.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        for table in tables:
            digest.update(table.encode())
            for row in connection.execute(f'SELECT * FROM "{table}" ORDER BY 1'):
                digest.update(repr(row).encode())
    return digest.hexdigest()


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    import os

    from kbang_desktop import i18n

    root = tmp_path_factory.mktemp("tamper")
    os.environ["KBANG_DATA_DIR"] = str(root / "data")
    i18n.setup("vi")
    net = Net(root)
    net.hub()
    net.commune("a", "Kông Bơ La")
    net.commune("b", "Đak Rong")
    assert net.exchange("hub", "a").status == "applied"
    assert net.exchange("a", "hub").status == "applied"
    hub = net.sites["hub"]
    from datetime import date

    hub.units.designate("Kông Bơ La", "especially-difficult", date(2026, 1, 1))
    good = net.send("hub", "a")
    plain = net.send("hub", "a", encrypt=False)
    other = net.send("hub", "b")
    stranger = Net(root / "elsewhere")
    stranger.hub("other-hub")
    keys = K.load(key_path(hub))
    yield {"net": net, "good": good, "plain": plain, "other": other, "keys": keys, "root": root,
           "stranger": K.load(key_path(stranger.sites["other-hub"]))}
    stranger.close()
    net.close()


def _signed(parts: dict[str, bytes], keys: K.SiteKeys, change=None, payload: bytes | None = None,
            declare_plain: bool = True) -> list:
    manifest = json.loads(parts["manifest.json"])
    if payload is not None:
        manifest["payload"]["sha256"] = hashlib.sha256(payload).hexdigest()
        manifest["payload"]["bytes"] = len(payload)
        if declare_plain:
            manifest["payload"]["plain_bytes"] = len(gzip.decompress(payload))
    if change:
        change(manifest)
    data = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode()
    return [("payload", parts["payload"] if payload is None else payload), ("manifest.json", data),
            ("manifest.sig", keys.sign(data).encode())]


def _lines_payload(lines: list[dict]) -> bytes:
    return gzip.compress(b"".join(json.dumps(line, ensure_ascii=False).encode() + b"\n" for line in lines))


def variants(world) -> list[tuple[str, Path]]:
    root: Path = world["root"] / "variants"
    root.mkdir(exist_ok=True)
    good: Path = world["good"]
    data = good.read_bytes()
    parts = members(good)
    plain_parts = members(world["plain"])
    keys, stranger = world["keys"], world["stranger"]
    rng = random.Random(20261127)
    out: list[tuple[str, Path]] = []
    counter = itertools.count()

    def add(kind: str, content: bytes | None = None, built: Path | None = None) -> None:
        path = built or root / f"v{next(counter)}.kbb"
        if content is not None:
            path.write_bytes(content)
        out.append((kind, path))

    def pack(kind: str, items: list) -> None:
        add(kind, built=repack(root / f"v{next(counter)}.kbb", items))

    # every byte of the headers and the first part of the file, then a sample of the rest
    positions = list(range(min(len(data), 500))) + rng.sample(range(len(data)), min(len(data), 350))
    positions += list(range(max(0, len(data) - 200), len(data)))  # directory and end records
    for position in positions:
        flipped = bytearray(data)
        flipped[position] ^= rng.randrange(1, 256)
        add("flip", bytes(flipped))
    for length in sorted({rng.randrange(0, len(data)) for _ in range(80)}) + [0, 1, 21, 22, len(data) - 1]:
        add("truncate", data[:length])
    for _ in range(10):
        add("append", data + rng.randbytes(rng.randrange(1, 200)))
    items = list(parts.items())
    for order in itertools.permutations(items):
        if [n for n, _ in order] != ["payload", "manifest.json", "manifest.sig"]:
            pack("reorder", list(order))
    for i in range(3):
        pack("duplicate", items[:i + 1] + [items[i]] + items[i + 1:])
        pack("missing", items[:i] + items[i + 1:])
    for name in ("../payload", "/etc/passwd", "a\\b", "payload/../../x", "C:payload", ".hidden", "extra.txt"):
        pack("names", items + [(name, b"x")])
    pack("renamed", [("../payload", parts["payload"])] + items[1:])
    # wrong recipient, wrong or unknown key, manifest re-signed by a stranger, sender swapped
    add("wrong-recipient", world["other"].read_bytes())
    pack("stranger-key", _signed(parts, stranger, lambda m: m.update(sender_site_id=stranger.site_id)))
    pack("stranger-claims-hub", [items[0], items[1], ("manifest.sig", stranger.sign(parts["manifest.json"]).encode())])
    pack("garbage-signature", [items[0], items[1], ("manifest.sig", b"not a signature")])
    # altered content: payload changed, manifest unchanged (replay of a known bundle id with other data)
    altered = bytearray(parts["payload"])
    altered[len(altered) // 2] ^= 0x55
    pack("altered-payload", [("payload", bytes(altered)), items[1], items[2]])
    pack("altered-manifest", [items[0], ("manifest.json", parts["manifest.json"].replace(b'"records"', b'"records" ')),
                              items[2]])
    # the hub's own key signing nonsense: each must still be refused by a later check
    pack("newer-format", _signed(parts, keys, lambda m: m.update(version=B.VERSION + 1)))
    pack("newer-schema", _signed(parts, keys, lambda m: m.update(schema_revision="9999_future")))
    pack("other-office", _signed(parts, keys, lambda m: m.update(recipient_office_id="0" * 36)))
    pack("bad-manifest", _signed(parts, keys, lambda m: m.pop("receipts")))
    pack("bad-counts", _signed(parts, keys, lambda m: m.update(records=m["records"] + 1)))
    pack("declared-bomb", _signed(parts, keys, lambda m: m["payload"].update(plain_bytes=B.MAX_PLAIN_BYTES + 1)))
    pack("no-recipient-entry", _signed(parts, keys, lambda m: m["payload"]["encryption"].update(recipients=[])))

    def sealed_elsewhere(m):
        from nacl.public import PrivateKey, SealedBox

        for r in m["payload"]["encryption"]["recipients"]:
            r["sealed_key"] = K.b64(SealedBox(PrivateKey.generate().public_key).encrypt(b"k" * 32))
    pack("wrong-encryption-key", _signed(parts, keys, sealed_elsewhere))
    pack("oversize-manifest", [items[0], ("manifest.json", b" " * (B.MAX_MANIFEST_BYTES + 10)), items[2]])
    # unencrypted payloads with hostile content, properly signed
    lines = [json.loads(line) for line in gzip.decompress(plain_parts["payload"]).splitlines()]
    bomb = gzip.compress(b"\n" * (50 << 20))
    pack("gzip-bomb", _signed(plain_parts, keys, payload=bomb, declare_plain=False))
    broken = [dict(lines[0], state={**lines[0]["state"], "deleted": "yes"})] + lines[1:]
    pack("bad-record", _signed(plain_parts, keys, payload=_lines_payload(broken)))
    doubled = lines + [lines[-1]]
    pack("duplicate-record", _signed(plain_parts, keys, lambda m: m.update(records=len(doubled), counts={
        t: sum(1 for x in doubled if x["state"]["_type"] == t) for t in {x["state"]["_type"] for x in doubled}}),
        payload=_lines_payload(doubled)))
    pack("not-json", _signed(plain_parts, keys, payload=gzip.compress(b"{not json\n"), declare_plain=False))
    pack("not-json", _signed(plain_parts, keys, payload=gzip.compress(b"{not json\n")))
    pack("short-count", _signed(plain_parts, keys, payload=_lines_payload(lines[:-1])))
    return out


def test_a_thousand_damaged_bundles_are_refused_and_change_nothing(world):
    net = world["net"]
    a = net.sites["a"]
    path = a.ctx.db.path
    cases = variants(world)
    assert len(cases) >= 1000
    before = fingerprint(path)
    seen: dict[str, set[str]] = {}
    for kind, bundle in cases:
        result = net.receive("a", bundle)
        assert result.status == "rejected", (kind, bundle, result.counts)
        assert result.check in CHECKS and len(result.reason) > 40, (kind, result.check, result.reason)
        seen.setdefault(kind, set()).add(result.check)
    assert fingerprint(path) == before
    # the specific reasons that matter, each where it belongs
    expected = {"reorder": {"member-order"}, "duplicate": {"duplicate-member"}, "missing": {"missing-member"},
                "wrong-recipient": {"wrong-recipient"}, "stranger-key": {"unknown-key"},
                "stranger-claims-hub": {"bad-signature"}, "garbage-signature": {"bad-signature"},
                "altered-payload": {"payload-hash"}, "altered-manifest": {"bad-signature"},
                "newer-format": {"newer-format"}, "newer-schema": {"newer-schema"},
                "other-office": {"wrong-recipient"}, "bad-manifest": {"manifest"}, "bad-counts": {"manifest"},
                "declared-bomb": {"oversize"}, "gzip-bomb": {"oversize"}, "oversize-manifest": {"oversize"},
                "no-recipient-entry": {"not-for-this-site"}, "wrong-encryption-key": {"wrong-key"},
                "bad-record": {"record"}, "duplicate-record": {"duplicate-record"}, "not-json": {"line"},
                "short-count": {"count"}, "renamed": {"unsafe-name"}}
    for kind, checks in expected.items():
        assert seen[kind] == checks, (kind, seen[kind])
    assert seen["names"] <= {"unsafe-name", "unexpected-member"} and "unsafe-name" in seen["names"]
    # the untouched bundle still imports, so the refusals above were about the damage
    assert net.receive("a", world["good"]).status == "applied"


def test_replay_under_a_used_bundle_id_with_other_content_is_refused(world):
    net = world["net"]
    good = world["good"]
    result = net.receive("a", good)
    assert result.status in ("applied", "already-imported")
    parts = members(good)
    plain = members(world["plain"])
    # a validly signed bundle that reuses the id of one already imported, with other content
    same_id = json.loads(parts["manifest.json"])["bundle_id"]
    forged = repack(world["root"] / "replay.kbb", _signed(plain, world["keys"], lambda m: m.update(bundle_id=same_id)))
    before = fingerprint(net.sites["a"].ctx.db.path)
    replay = net.receive("a", forged)
    assert replay.status == "rejected" and replay.check == "reused-bundle-id"
    assert fingerprint(net.sites["a"].ctx.db.path) == before


def _fresh(parts: dict[str, bytes], keys: K.SiteKeys, lines: list[dict], **changes) -> list:
    import uuid

    def change(manifest):
        manifest.update(bundle_id=str(uuid.uuid4()), records=len(lines),
                        counts={t: sum(1 for x in lines if x["state"]["_type"] == t)
                                for t in {x["state"]["_type"] for x in lines}}, **changes)
    return _signed(parts, keys, change, payload=_lines_payload(lines))


def test_a_bundle_from_an_older_schema_is_migrated_and_from_this_one_must_be_whole(world, monkeypatch):
    net = world["net"]
    plain = members(world["plain"])
    lines = [json.loads(line) for line in gzip.decompress(plain["payload"]).splitlines()]
    designation = next(line for line in lines if line["state"]["_type"] == "unit_designation")
    del designation["state"]["valid_to"]  # a column a later schema added, say
    older = repack(world["root"] / "older.kbb", _fresh(plain, world["keys"], [designation], schema_revision="0001"))
    current = repack(world["root"] / "current.kbb", _fresh(plain, world["keys"], [designation]))
    result = net.receive("a", older)
    assert result.status == "applied", result.reason
    refused = net.receive("a", current)
    assert refused.status == "rejected" and refused.check == "record"
    # an older bundle format goes through the registered migration step
    monkeypatch.setitem(B.MANIFEST_MIGRATIONS, 0, lambda m: {**m, "version": 1, "receipts": m.pop("acks")})

    def as_version_0(manifest):
        manifest.update(version=0, acks=manifest.pop("receipts"))
    version_0 = repack(world["root"] / "v0.kbb", _signed(members(older), world["keys"], as_version_0))
    assert net.receive("a", version_0).status == "already-imported"  # migrated, read, and known
