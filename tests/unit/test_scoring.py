import json
from datetime import date
from decimal import Decimal

import pytest

from kbang_desktop.core.errors import KbangError, ValidationError
from kbang_desktop.core.scoring import CriteriaSetRef, parse_definition, score, set_in_force
from kbang_desktop.paths import resource

TEMPLATE = json.loads(resource("criteria", "gia_dinh_hoc_tap_template.json").read_text(encoding="utf-8"))


def full_marks(definition):
    return {item.code: item.max_points for c in definition.criteria for item in c.items}


def test_shipped_template_is_marked_and_sums_to_100():
    assert TEMPLATE["is_template"] is True and "MẪU" in TEMPLATE["name"]
    definition = parse_definition(TEMPLATE["definition"])
    assert definition.max_total == 100
    assert [c.max_points for c in definition.criteria] == [30, 30, 20, 20]


def test_full_marks_pass_and_total_is_computed():
    definition = parse_definition(TEMPLATE["definition"])
    result = score(definition, full_marks(definition))
    assert result.total == 100 and result.passed and not result.reasons


def test_total_exactly_at_pass_mark_passes_and_one_below_fails():
    definition = parse_definition(TEMPLATE["definition"])
    points = full_marks(definition)
    points["4.1"] = Decimal(0)
    points["3.2"] = Decimal(0)  # 80 points
    assert score(definition, points).passed
    points["2.3"] = Decimal(9)  # 79
    result = score(definition, points)
    assert result.total == 79 and not result.passed


def test_required_item_and_criterion_minimum():
    definition = parse_definition(TEMPLATE["definition"])
    points = full_marks(definition)
    points["1.1"] = Decimal(14)  # required item not at full points
    assert not score(definition, points).passed
    points = full_marks(definition)
    points["3.1"], points["3.2"] = Decimal(5), Decimal(4)  # criterion 3 below its minimum of 10
    result = score(definition, points)
    assert not result.passed and result.total == 89


def test_impossible_points_are_refused_with_the_item():
    definition = parse_definition(TEMPLATE["definition"])
    with pytest.raises(ValidationError) as caught:
        score(definition, {"1.1": 16, "9.9": 1, "2.1": "abc", "2.2": -1})
    fields = {p.field for p in caught.value.problems}
    assert fields == {"1.1", "9.9", "2.1", "2.2"}


def test_bad_definitions_are_refused():
    with pytest.raises(KbangError):
        parse_definition({"criteria": []})
    broken = json.loads(json.dumps(TEMPLATE["definition"]))
    broken["criteria"][0]["max_points"] = 31
    with pytest.raises(KbangError):
        parse_definition(broken)
    duplicate = json.loads(json.dumps(TEMPLATE["definition"]))
    duplicate["criteria"][1]["items"][0]["code"] = "1.1"
    with pytest.raises(KbangError):
        parse_definition(duplicate)


def test_set_in_force_on_the_evaluation_date():
    sets = [CriteriaSetRef("old", "household", date(2021, 1, 1), date(2024, 12, 31), 1),
            CriteriaSetRef("new", "household", date(2025, 1, 1), None, 1),
            CriteriaSetRef("new2", "household", date(2025, 1, 1), None, 2),
            CriteriaSetRef("clan", "clan", date(2021, 1, 1), None, 1)]
    assert set_in_force(sets, "household", date(2024, 12, 31)).id == "old"
    assert set_in_force(sets, "household", date(2025, 1, 1)).id == "new2"
    with pytest.raises(KbangError):
        set_in_force(sets, "household", date(2020, 6, 1))


def test_failing_reasons_name_the_criterion_and_the_total():
    from kbang_desktop.core.scoring import parse_definition, score

    definition = parse_definition({"criteria": [
        {"code": "1", "title": "Tự học", "min_points": 5, "items": [{"code": "1.1", "title": "a", "max_points": 10}]},
        {"code": "2", "title": "Công cụ", "min_points": 5, "items": [{"code": "2.1", "title": "b", "max_points": 90}]}],
        "pass_rule": {"min_total": 80}})
    assert score(definition, {"1.1": 5, "2.1": 75}).passed
    low = score(definition, {"1.1": "4.9", "2.1": 90})
    assert not low.passed and [p.field for p in low.failing] == ["1"]
    short = score(definition, {"1.1": 10, "2.1": "69.5"})
    assert not short.passed and [p.field for p in short.failing] == ["total"] and "79.5" in short.failing[0].translated()


def _shipped(kind):
    for path in resource("criteria").glob("*.json"):
        data = json.loads(path.read_text(encoding="utf-8"))
        if data["model_kind"] == kind:
            return data
    raise AssertionError(kind)


@pytest.mark.parametrize("kind", ["household", "clan", "village", "organisation", "citizen"])
def test_every_model_kind_ships_a_template_set_with_source_and_date(kind):
    data = _shipped(kind)
    assert data["is_template"] and "MẪU" in data["name"] and data["legal_source"] and data["effective_from"]
    definition = parse_definition(data["definition"])
    assert definition.max_total == 100 and definition.min_total == 80


def test_citizen_set_boundaries_total_80_and_no_indicator_below_5():
    data = _shipped("citizen")
    definition = parse_definition(data["definition"])
    assert len(definition.criteria) == 10 and all(c.max_points == 10 and c.min_points == 5 for c in definition.criteria)
    assert len({c["group"] for c in data["definition"]["criteria"]}) == 3
    codes = [item.code for c in definition.criteria for item in c.items]
    eight = dict.fromkeys(codes, 8)
    assert score(definition, eight).passed and score(definition, eight).total == 80
    below = {**eight, codes[0]: "7.5"}  # 79.5
    assert not score(definition, below).passed
    at_five = {**dict.fromkeys(codes, 10), codes[3]: 5}
    assert score(definition, at_five).passed
    at_4_9 = {**at_five, codes[3]: "4.9"}
    low = score(definition, at_4_9)
    assert not low.passed and [p.field for p in low.failing] == ["4"]


@pytest.mark.parametrize("kind", ["household", "clan", "village", "organisation"])
def test_100_point_sets_pass_at_80_not_79_5(kind):
    definition = parse_definition(_shipped(kind)["definition"])
    items = list(definition.items().values())
    left, off = {i.code: i.max_points for i in items}, Decimal(20)
    for item in reversed(items):  # 20 points off the last items that are not required
        if not item.required and off > 0:
            cut = min(off, item.max_points)
            left[item.code], off = item.max_points - cut, off - cut
    at_80 = score(definition, left)
    assert at_80.total == 80 and all(p.field != "total" for p in at_80.failing)
    some = next(c for c, v in left.items() if v > 0 and not definition.items()[c].required)
    at_79_5 = score(definition, {**left, some: left[some] - Decimal("0.5")})
    assert not at_79_5.passed and at_79_5.failing[0].field == "total"
