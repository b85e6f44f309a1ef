"""Concurrent edits (DESIGN §5): list them, and resolve them with a new edit that travels.

Import already made every office converge on the version with the higher rev; the
losing version is kept whole in a Conflict. Resolving takes the whole local or incoming
version, or chosen fields of each, and writes that as an ordinary edit of the record.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from kbang_desktop.core.errors import KbangError, NotFound
from kbang_desktop.i18n import N_
from kbang_desktop.services.registry import Services
from kbang_desktop.storage.models import SYNCABLE, Conflict
from kbang_desktop.storage.repo import ENTITY_OF
from kbang_desktop.storage.states import TYPE_KEY, decode_state
from kbang_desktop.storage.writes import SYNC_COLUMNS, utcnow

SIDES = ("local", "incoming")


@dataclass(frozen=True, slots=True)
class ConflictView:
    id: str
    record_type: str
    record_id: str
    detected_at: datetime
    status: str
    kept: str  # which side is in the database now: local | incoming
    local: dict[str, Any]
    incoming: dict[str, Any]
    differing: tuple[str, ...]
    resolution: dict[str, Any] | None

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "type": self.record_type, "record_id": self.record_id,
                "detected_at": self.detected_at.isoformat(timespec="seconds"), "status": self.status,
                "kept": self.kept, "fields": {f: {"local": self.local.get(f), "incoming": self.incoming.get(f)}
                                              for f in self.differing},
                "local_rev": self.local.get("rev"), "incoming_rev": self.incoming.get("rev"),
                "resolution": self.resolution}


def _view(row: Conflict) -> ConflictView:
    winner, loser = json.loads(row.winner_state), json.loads(row.loser_state)
    local, incoming = (loser, winner) if row.loser_was_local else (winner, loser)
    differing = tuple(sorted(k for k in set(local) | set(incoming)
                             if k not in SYNC_COLUMNS and k != TYPE_KEY and local.get(k) != incoming.get(k)))
    return ConflictView(row.id, row.record_type, row.record_id, row.detected_at, row.status,
                        "incoming" if row.loser_was_local else "local", local, incoming, differing,
                        json.loads(row.resolution) if row.resolution else None)


def list_conflicts(services: Services, status: str | None = "open") -> list[ConflictView]:
    with services.ctx.read() as repo:
        query = select(Conflict).order_by(Conflict.detected_at, Conflict.id)
        if status:
            query = query.where(Conflict.status == status)
        return [_view(row) for row in repo.session.execute(query).scalars()]


ALL_FIELDS = "*"  # in a choice: the side of every differing field not named


def parse_choice(words: list[str]) -> str | dict[str, str]:
    """`local`, `incoming`, FIELD=local|incoming words, or one side for all fields and words for the
    exceptions (`local note=incoming`)."""
    if len(words) == 1 and words[0] in SIDES:
        return words[0]
    choice: dict[str, str] = {}
    for word in words:
        if word in SIDES and ALL_FIELDS not in choice:
            choice[ALL_FIELDS] = word
            continue
        field, _sep, side = word.partition("=")
        if not field or field == ALL_FIELDS or side not in SIDES:
            raise KbangError(N_("Cách chọn \"{word}\" không hợp lệ: dùng local, incoming hoặc TÊN_TRƯỜNG=local|incoming."),
                             word=word)
        choice[field] = side
    if not choice:
        raise KbangError(N_("Hãy chọn phiên bản cần giữ: local, incoming hoặc TÊN_TRƯỜNG=local|incoming."))
    return choice


def resolve(services: Services, conflict_id: str, choice: str | dict[str, str]) -> ConflictView:
    """Write the chosen values as a new edit of the record (it travels like any edit) and close the conflict."""
    ctx = services.ctx
    _site, office_id = ctx.require_identity()
    with ctx.write("resolve_conflict") as repo:
        session = repo.session
        rows = [c for c in session.execute(select(Conflict).where(Conflict.status == "open")).scalars()
                if c.id == conflict_id or (len(conflict_id) >= 8 and c.id.startswith(conflict_id))]
        if len(rows) != 1:
            raise NotFound(N_("Không tìm thấy xung đột {id} đang chờ xử lý."), id=conflict_id)
        row = rows[0]
        view = _view(row)
        model = SYNCABLE[row.record_type]
        entity = ENTITY_OF[model]
        current = repo.get(entity, row.record_id, include_deleted=True)
        if current is None:
            raise NotFound(N_("Không tìm thấy bản ghi {id}."), id=row.record_id)
        if current.owner_office_id != office_id:
            raise KbangError(N_("Bản ghi này thuộc đơn vị khác; chỉ đơn vị sở hữu mới xử lý được xung đột này."))
        named = {} if isinstance(choice, str) else {f: s for f, s in choice.items() if f != ALL_FIELDS}
        default = choice if isinstance(choice, str) else choice.get(ALL_FIELDS)
        unknown = [f for f in named if f not in view.differing and f != "deleted"]
        if unknown:
            raise KbangError(N_("Trường {field} không khác nhau giữa hai phiên bản (các trường khác nhau: "
                                "{fields})."), field=unknown[0], fields=", ".join(view.differing) or "-")
        fields: dict[str, str] = {}
        if default is not None:
            fields = dict.fromkeys(view.differing, default)
            if (view.local if default == "local" else view.incoming).get("deleted") != current.deleted:
                fields["deleted"] = default
        fields.update(named)
        chosen = {}
        for field, side in fields.items():
            state = view.local if side == "local" else view.incoming
            _t, values = decode_state(state)
            chosen[field] = values[field]
        changes = {k: v for k, v in chosen.items() if getattr(current, k) != v}
        if current.deleted and changes and "deleted" not in changes:
            changes["deleted"] = False
        record = session.get(model, row.record_id)
        for key, value in changes.items():
            setattr(record, key, value)
        # an edit even when the kept version is the one held: the resolution travels, and closes the
        # conflict at the offices that hold it but may not resolve it (the hub)
        record.updated_at = utcnow()
        session.flush()
        row.status, row.resolved_at, row.resolved_by = "resolved", utcnow(), ctx.actor.label
        row.resolution = json.dumps({"fields": fields, "changed": sorted(changes)}, ensure_ascii=False)
        session.flush()
        return _view(row)

