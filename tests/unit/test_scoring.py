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
