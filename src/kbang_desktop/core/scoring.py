"""Criteria sets and the scoring of evaluations (DESIGN §3, §4).

Criteria are data: a set arrives from the hub or is edited by an administrator,
and is parsed here into typed values. Totals and pass/fail come only from these
rules, never from a number someone typed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from kbang_desktop.core.errors import KbangError, Problem, ValidationError
from kbang_desktop.i18n import N_

MODEL_KINDS = ("household", "clan", "village", "organisation", "citizen")


@dataclass(frozen=True, slots=True)
class CriteriaItem:
    code: str
    title: str
    max_points: Decimal
    required: bool = False


@dataclass(frozen=True, slots=True)
class Criterion:
    code: str
    title: str
    max_points: Decimal
    min_points: Decimal
    items: tuple[CriteriaItem, ...]


@dataclass(frozen=True, slots=True)
class CriteriaDefinition:
    criteria: tuple[Criterion, ...]
    min_total: Decimal

    @property
    def max_total(self) -> Decimal:
        return sum((c.max_points for c in self.criteria), Decimal(0))

    def items(self) -> dict[str, CriteriaItem]:
        return {item.code: item for c in self.criteria for item in c.items}


@dataclass(frozen=True, slots=True)
class ScoreResult:
    total: Decimal
    passed: bool
    per_criterion: dict[str, Decimal]
    reasons: tuple[str, ...]  # msgids of why it did not pass
    failing: tuple[Problem, ...] = ()  # the same, naming the total, criterion or item that failed


def _decimal(value: object, where: str) -> Decimal:
    try:
        result = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise KbangError(N_("Bộ tiêu chí không hợp lệ: {where} không phải là số."), where=where) from None
    if not result.is_finite() or result < 0:
        raise KbangError(N_("Bộ tiêu chí không hợp lệ: {where} không phải là số."), where=where)
    return result


def parse_definition(data: Mapping) -> CriteriaDefinition:
    """Check and parse the JSON of a criteria set; raise KbangError naming what is wrong."""
    try:
        raw_criteria = list(data["criteria"])
        rule = data.get("pass_rule", {})
    except (KeyError, TypeError):
        raise KbangError(N_("Bộ tiêu chí không hợp lệ: thiếu danh sách tiêu chí.")) from None
    criteria, seen = [], set()
    for c in raw_criteria:
        items = []
        for i in c.get("items", []):
            code = str(i["code"])
            if code in seen:
                raise KbangError(N_("Bộ tiêu chí không hợp lệ: mã {code} bị trùng."), code=code)
            seen.add(code)
            items.append(CriteriaItem(code, str(i["title"]), _decimal(i["max_points"], code), bool(i.get("required", False))))
        max_points = sum((i.max_points for i in items), Decimal(0))
        declared = c.get("max_points")
        if declared is not None and _decimal(declared, str(c["code"])) != max_points:
            raise KbangError(N_("Bộ tiêu chí không hợp lệ: điểm tối đa của tiêu chí {code} không bằng tổng điểm các nội dung."),
                             code=str(c["code"]))
        criteria.append(Criterion(str(c["code"]), str(c["title"]), max_points,
                                  _decimal(c.get("min_points", 0), str(c["code"])), tuple(items)))
    if not criteria:
        raise KbangError(N_("Bộ tiêu chí không hợp lệ: thiếu danh sách tiêu chí."))
    definition = CriteriaDefinition(tuple(criteria), _decimal(rule.get("min_total", 0), "min_total"))
    if definition.min_total > definition.max_total:
        raise KbangError(N_("Bộ tiêu chí không hợp lệ: điểm đạt lớn hơn tổng điểm tối đa."))
    return definition


def score(definition: CriteriaDefinition, points: Mapping[str, object]) -> ScoreResult:
    """Total and pass/fail of an evaluation; raise ValidationError for impossible points."""
    items = definition.items()
    problems, clean = [], {}
    for code, value in points.items():
        if code not in items:
            problems.append(Problem(code, N_("Nội dung {code} không có trong bộ tiêu chí."), code=code))
            continue
        try:
            number = Decimal(str(value))
        except (InvalidOperation, ValueError):
            problems.append(Problem(code, N_("Điểm của nội dung {code} phải là một số."), code=code))
            continue
        if not number.is_finite() or number < 0 or number > items[code].max_points:
            problems.append(Problem(code, N_("Điểm của nội dung {code} phải từ 0 đến {max}."), code=code,
                                    max=str(items[code].max_points)))
            continue
        clean[code] = number
    if problems:
        raise ValidationError(problems)
    per_criterion = {c.code: sum((clean.get(i.code, Decimal(0)) for i in c.items), Decimal(0)) for c in definition.criteria}
    total = sum(per_criterion.values(), Decimal(0))
    reasons, failing = [], []
    if total < definition.min_total:
        reasons.append(N_("Tổng điểm thấp hơn điểm đạt."))
        failing.append(Problem("total", N_("Tổng điểm {total} thấp hơn điểm đạt {min}."), total=_plain(total),
                               min=_plain(definition.min_total)))
    low = [c for c in definition.criteria if per_criterion[c.code] < c.min_points]
    if low:
        reasons.append(N_("Có tiêu chí chưa đạt điểm tối thiểu."))
        failing.extend(Problem(c.code, N_("Tiêu chí {code} ({title}) được {points} điểm, dưới mức tối thiểu {min}."),
                               code=c.code, title=c.title, points=_plain(per_criterion[c.code]),
                               min=_plain(c.min_points)) for c in low)
    unmet = [item for item in items.values() if item.required and clean.get(item.code, Decimal(0)) < item.max_points]
    if unmet:
        reasons.append(N_("Có nội dung bắt buộc chưa đạt."))
        failing.extend(Problem(i.code, N_("Nội dung bắt buộc {code} ({title}) chưa đạt."), code=i.code, title=i.title)
                       for i in unmet)
    return ScoreResult(total, not reasons, per_criterion, tuple(reasons), tuple(failing))


def _plain(number: Decimal) -> str:
    """A score as people write it: 80, 79.5 (no trailing zeros, no exponent)."""
    text = format(number.normalize(), "f")
    return text


@dataclass(frozen=True, slots=True)
class CriteriaSetRef:
    """What selection needs of a stored criteria set."""

    id: str
    model_kind: str
    effective_from: date
    effective_to: date | None
    version: int


def set_in_force(sets: Iterable[CriteriaSetRef], model_kind: str, when: date) -> CriteriaSetRef:
    """The criteria set for `model_kind` in force on `when`: the latest started, then the highest version."""
    candidates = [s for s in sets if s.model_kind == model_kind and s.effective_from <= when
                  and (s.effective_to is None or when <= s.effective_to)]
    if not candidates:
        raise KbangError(N_("Không có bộ tiêu chí nào đang áp dụng cho ngày {date}."), date=when.strftime("%d/%m/%Y"))
    return max(candidates, key=lambda s: (s.effective_from, s.version))
