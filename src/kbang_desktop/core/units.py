"""Dated administrative units: which commune a record belongs to on a given date.

A record keeps the unit valid on its own date (a person recorded in xã Lơ Ku in
2024). On a later date it is regrouped through the successions: a whole
succession carries everything over; a partial one (a split) carries only the
villages that have their own succession, so a record that cannot be placed is
reported rather than guessed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

COMMUNE_KINDS = ("commune", "ward", "town")


@dataclass(frozen=True, slots=True)
class UnitInfo:
    id: str
    kind: str
    name: str
    parent_id: str | None
    valid_from: date
    valid_to: date | None

    def valid_on(self, when: date) -> bool:
        return self.valid_from <= when and (self.valid_to is None or when <= self.valid_to)


@dataclass(frozen=True, slots=True)
class SuccessionInfo:
    predecessor_id: str
    successor_id: str
    effective: date
    share: str  # whole | part


class UnitGraph:
    """Units and successions, with memoised regrouping for one reference date at a time."""

    def __init__(self, units: Iterable[UnitInfo], successions: Iterable[SuccessionInfo]) -> None:
        self.units = {u.id: u for u in units}
        self.after: dict[str, list[SuccessionInfo]] = defaultdict(list)
        for s in successions:
            self.after[s.predecessor_id].append(s)
        self._cache: dict[tuple[str, date], str | None] = {}

    def successor_on(self, unit_id: str, when: date) -> str | None:
        """The unit that `unit_id` has become by `when`; None when a split leaves it undecided."""
        current, seen = unit_id, set()
        while current not in seen:
            seen.add(current)
            steps = [s for s in self.after.get(current, ()) if s.effective <= when]
            if not steps:
                return current
            whole = [s for s in steps if s.share == "whole"]
            if whole:
                current = max(whole, key=lambda s: s.effective).successor_id
            elif len(steps) == 1:
                return None  # part of it went elsewhere; the rest stays undecided without a village mapping
            else:
                return None
        return current

    def commune_on(self, unit_id: str, when: date) -> str | None:
        """The commune-level unit that a village or commune belongs to on `when`."""
        key = (unit_id, when)
        if key in self._cache:
            return self._cache[key]
        unit = self.units.get(unit_id)
        result: str | None
        if unit is None:
            result = None
        elif unit.kind in COMMUNE_KINDS:
            result = self.successor_on(unit_id, when)
        else:
            village = self.successor_on(unit_id, when)
            parent = self.units[village].parent_id if village and village in self.units else None
            result = self.successor_on(parent, when) if parent else None
        self._cache[key] = result
        return result

    def record_commune_on(self, commune_id: str, village_id: str | None, when: date) -> str | None:
        """Where a record kept with (commune, village) is counted on `when`."""
        if village_id and village_id in self.units:
            return self.commune_on(village_id, when)
        return self.commune_on(commune_id, when)

    def predecessors_of(self, commune_id: str) -> set[str]:
        """Every unit that ever flowed into `commune_id` (itself included)."""
        reverse: dict[str, list[str]] = defaultdict(list)
        for pred, steps in self.after.items():
            for s in steps:
                reverse[s.successor_id].append(pred)
        found, todo = {commune_id}, [commune_id]
        while todo:
            for pred in reverse.get(todo.pop(), ()):
                if pred not in found:
                    found.add(pred)
                    todo.append(pred)
        return found

    def children(self, parent_ids: set[str]) -> set[str]:
        return {u.id for u in self.units.values() if u.parent_id in parent_ids}
