"""Who may write what (DESIGN §5): the one write policy of the exchange and of local writes.

A valid signature proves only which PC sent a bundle; it gives no power. The receiver decides
from its own records (never from a field of the bundle) whether the office that wrote each
record may write it, and the services ask the same table before every local write
(`storage.writes` checks each row a transaction flushes). The writer's role is what the deciding
office's own records say: at a hub every sender is a commune; at a commune only the hub it
joined (its own office's `hub_office_id`, set when it trusted the welcome file) is a hub.

    record type            a commune PC may write               a hub PC may write
    ---------------------  -----------------------------------  -------------------------------------------
    office                 its own office, once registered by   its own; of other offices only the fields
                           the hub; name only                   the hub alone sets (the registry)
    site                   its own sites, once registered by    its own; of other offices only the fields
                           the hub (the join request); name     the hub alone sets (revocation)
    admin_unit             villages it owns                     its own and the reference data
    admin_succession,      nothing                              its own and the reference data
    unit_designation,
    ethnic_group,
    literacy_rule,
    criteria_set
    every other type       records it owns                      records it owns (never a commune's)
    users and roles        never travel: each office's administrator, locally

    fields only the hub sets (whoever owns the record):
    office: kind, unit_id, hub_office_id (a commune may only name the hub it joined), deleted
    site:   office_id, signing_key, encryption_key, revoked_at, revoke_reason, deleted

The hub vouches only for the site keys it registered itself: a bundle never brings a key to the
hub (keys arrive by the join request, checked by fingerprint), and a commune takes from its hub
no key for one of its own PCs (it made them) nor for the PCs of another hub.

Derived columns (search text, sort keys) are not in this table because no one writes them: each
office computes them from the record (`storage.models.DERIVED`).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kbang_desktop.i18n import N_

COMMUNE, HUB = "commune", "hub"

# The shipped reference data belongs to no office: a fixed owner id every installation shares.
REFERENCE_NAMESPACE = uuid.UUID("6f0c9a52-2d0c-4f7e-9a57-4b1a5c2e7d10")
REFERENCE_OFFICE_ID = str(uuid.uuid5(REFERENCE_NAMESPACE, "office:reference"))
REFERENCE_SITE = "reference"

# what a role may write of a record type
OWN = "own"  # records its office owns
OWN_REGISTERED = "own-registered"  # its own records the hub already holds; never a new one
OWN_VILLAGES = "own-villages"  # admin units of kind village that its office owns
OWN_AND_REFERENCE = "own+reference"  # its own records and the shipped reference data
OWN_AND_POWER = "own+power"  # its own records; of other offices' records only the power fields
NOTHING = "nothing"

# the bookkeeping every write stamps: never a question of who may write
STAMPS = frozenset({"rev", "prev_rev", "created_at", "created_by", "updated_at", "updated_by"})


@dataclass(frozen=True, slots=True)
class Rule:
    commune: str
    hub: str
    power: tuple[str, ...] = ()  # fields only a hub sets, whoever owns the record


POLICY: dict[str, Rule] = {
    "office": Rule(commune=OWN_REGISTERED, hub=OWN_AND_POWER,
                   power=("kind", "unit_id", "hub_office_id", "deleted")),
    "site": Rule(commune=OWN_REGISTERED, hub=OWN_AND_POWER,
                 power=("office_id", "signing_key", "encryption_key", "revoked_at", "revoke_reason", "deleted")),
    "admin_unit": Rule(commune=OWN_VILLAGES, hub=OWN_AND_REFERENCE),
    "admin_succession": Rule(commune=NOTHING, hub=OWN_AND_REFERENCE),
    "unit_designation": Rule(commune=NOTHING, hub=OWN_AND_REFERENCE),
    "ethnic_group": Rule(commune=NOTHING, hub=OWN_AND_REFERENCE),
    "literacy_rule": Rule(commune=NOTHING, hub=OWN_AND_REFERENCE),
    "criteria_set": Rule(commune=NOTHING, hub=OWN_AND_REFERENCE),
}
DEFAULT = Rule(commune=OWN, hub=OWN)
REGISTRY = ("office", "site")  # the hub's registry of offices and their PCs' keys


def rule(table: str) -> Rule:
    return POLICY.get(table, DEFAULT)


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why a write is refused: a sentence (N_, with named placeholders) and its values."""

    message: str
    params: Mapping[str, Any]
    owner: str = ""  # the office that may write it instead, when that is the reason


def changed_fields(held: Mapping[str, Any] | None, values: Mapping[str, Any]) -> set[str]:
    """The fields of `values` that differ from the held record (every field of a new one), stamps aside."""
    if held is None:
        return {k for k in values if k not in STAMPS}
    return {k for k, v in values.items() if k not in STAMPS and k in held and held[k] != v}


def refusal(role: str, table: str, writer_office: str, values: Mapping[str, Any],
            held: Mapping[str, Any] | None, *, local: bool = False,
            joined_hub: str | None = None, check_fields: bool = True) -> Refusal | None:
    """May an office in `role` ("commune" or "hub") write this record (new if `held` is None)?

    `values` is the record as it would be written, `held` the record the deciding office holds.
    `local`: a write on this PC by its own services; then a commune's own office and site may be
    made (at set-up, by a new key) and their power fields set by the joining steps, which the
    administrators confirm by fingerprint. `joined_hub`: the hub deciding on a commune's bundle
    (the only hub a commune may name as its own). `check_fields=False`: the record only (who
    owns it, which kind of record), as a bundle's plan asks before it knows what would be written.
    """
    owner = str(values.get("owner_office_id") or "")
    this = rule(table)
    allowed = this.hub if role == HUB else this.commune
    changed = changed_fields(held, values)
    if held is not None and held.get("owner_office_id") != owner:  # no one takes a record for itself
        return Refusal(N_("Bản ghi này thuộc {owner}; chỉ {owner} sửa được."), {}, str(held.get("owner_office_id")))
    if allowed == NOTHING:
        return Refusal(N_("Chỉ đơn vị đầu mối được thêm hoặc sửa danh mục dùng chung và bộ tiêu chí."), {},
                       REFERENCE_OFFICE_ID)
    if allowed == OWN_AND_REFERENCE and owner == REFERENCE_OFFICE_ID:
        return None
    if allowed == OWN_AND_POWER and owner != writer_office:
        others = changed - set(this.power) if check_fields else set()
        if others:
            return Refusal(N_("Bản ghi này thuộc {owner}; chỉ {owner} sửa được."), {}, owner)
        return None
    if owner != writer_office:
        return Refusal(N_("Bản ghi này thuộc {owner}; chỉ {owner} sửa được."), {}, owner)
    if allowed == OWN_VILLAGES and values.get("kind") != "village":
        return Refusal(N_("Xã chỉ thêm hoặc sửa được thôn, làng của mình; các đơn vị hành chính khác do đơn vị "
                          "đầu mối quản lý."), {})
    if allowed == OWN_REGISTERED and local:
        if held is None or not check_fields:
            return None  # this PC's own office and site, made at set-up or by a new key
        power = changed & set(this.power)
        power -= {"hub_office_id"} if table == "office" else set()  # trusting the hub's welcome file
        power -= {k for k in ("signing_key", "encryption_key") if not held.get(k)}  # keys made on first use
        if power:
            return Refusal(N_("Không được tự đổi {fields} của đơn vị hay máy này: chỉ đơn vị đầu mối đổi được."),
                           {"fields": ", ".join(sorted(power))})
    if allowed == OWN_REGISTERED and not local:
        if held is None:
            return Refusal(N_("Đơn vị và máy mới chỉ được đăng ký tại đơn vị đầu mối (yêu cầu tham gia), không qua "
                              "gói dữ liệu."), {})
        if not check_fields:
            return None
        power = changed & set(this.power)
        if table == "office" and power == {"hub_office_id"} and joined_hub and values["hub_office_id"] == joined_hub:
            power = set()  # the commune names the hub that registered it: the end of joining
        if power:
            return Refusal(N_("Xã không được tự đổi {fields} của mình: chỉ đơn vị đầu mối đổi được."),
                           {"fields": ", ".join(sorted(power))})
    return None


def vouch_refusal(table: str, values: Mapping[str, Any], held: Mapping[str, Any] | None, receiver_office: str,
                  sender_hub: str, office_kind: Mapping[str, str]) -> Refusal | None:
    """A commune taking the registry (offices, sites) from its hub: what the hub may vouch for.

    The hub registered every commune's PCs and relays their records; it does not vouch for the
    PCs of another hub, and never for a key of one of the receiver's own PCs (each PC makes its
    own keys: what the receiver holds of them stands).
    """
    if table != "site":
        return None
    office = str(values.get("office_id") or "")
    if office != sender_hub and office_kind.get(office) == HUB:
        return Refusal(N_("Đơn vị đầu mối chỉ bảo đảm khóa của các máy do chính mình đăng ký."), {})
    if office == receiver_office and held is not None:
        for key in ("signing_key", "encryption_key"):
            if held.get(key) and values.get(key) != held[key]:
                return Refusal(N_("Khóa của một máy thuộc đơn vị này do chính máy đó tạo; gói dữ liệu không được "
                                  "thay khóa đó."), {})
    return None


def owner_label(name: str) -> str:
    """How a sentence names an office: "UBND xã Đak Rong" reads "xã Đak Rong"."""
    name = name.strip()
    return name[5:] if name.upper().startswith("UBND ") else name


def sentence(found: Refusal, names: Mapping[str, str]) -> tuple[str, dict[str, Any]]:
    """The refusal as a msgid and its values, the owner named from `names` (office id -> name)."""
    params = dict(found.params)
    if "{owner}" not in found.message:
        return found.message, params
    if found.owner == REFERENCE_OFFICE_ID:
        return N_("Bản ghi này thuộc danh mục dùng chung; chỉ đơn vị đầu mối sửa được."), params
    params["owner"] = owner_label(names.get(found.owner) or found.owner[:8])
    return found.message, params
