from datetime import date

import pytest

from kbang_desktop.core.errors import KbangError, ValidationError


@pytest.fixture
def centre(services):
    return services.centres.add("Kông Bơ La", "Trung tâm học tập cộng đồng xã Kông Bơ La", founded_on=date(2010, 1, 1))


def test_learner_reaches_level_1_by_completing_phase_1(services, centre):
    person = services.persons.add("Đinh Thị Blơr", "F", "12/03/2000", "13", "Kông Bơ La", "Làng A")
    klass = services.literacy.add_class(centre.id, "Lớp XMC GĐ1", 1, date(2025, 9, 5))
    enrolment = services.literacy.enrol(klass.id, person.id, date(2025, 9, 5))
    for term in (1, 2):
        for subject in ("tieng_viet", "toan"):
            services.literacy.record_result(enrolment.id, term, subject, "hoan_thanh", date(2025, 12, 1))
    services.literacy.record_result(enrolment.id, 3, "tieng_viet", "tot", date(2026, 5, 20))
    assert services.persons.get(person.id).literacy_level == 0  # one subject of term 3 still missing
    done = services.literacy.record_result(enrolment.id, 3, "toan", "hoan_thanh", date(2026, 5, 25))
    assert done.status == "completed"
    after = services.persons.get(person.id)
    assert after.literacy_level == 1 and after.literacy_date == date(2026, 5, 25)
    # dated: before completion she was not literate
    before = services.literacy.status("Kông Bơ La", date(2025, 7, 1)).status
    later = services.literacy.status("Kông Bơ La", date(2026, 6, 1)).status
    assert before.level1.literate == 0 and later.level1.literate == 1


def test_failed_term_3_does_not_give_a_level(services, centre):
    person = services.persons.add("Đinh Văn Nhốt", "M", "1995", "13", "Kông Bơ La", "Làng A")
    klass = services.literacy.add_class(centre.id, "Lớp", 1, date(2025, 9, 5))
    enrolment = services.literacy.enrol(klass.id, person.id, date(2025, 9, 5))
    services.literacy.record_result(enrolment.id, 3, "tieng_viet", "chua", date(2026, 5, 20))
    services.literacy.record_result(enrolment.id, 3, "toan", "tot", date(2026, 5, 20))
    assert services.persons.get(person.id).literacy_level == 0
    with pytest.raises(KbangError):
        services.literacy.record_result(enrolment.id, 4, "toan", "tot", date(2026, 5, 20))  # phase 1 has no term 4


def test_enrolment_age_limits(services, centre):
    child = services.persons.add("Đinh Văn Kơn", "M", "01/01/2012", "13", "Kông Bơ La", "Làng A")
    klass = services.literacy.add_class(centre.id, "Lớp", 1, date(2025, 9, 5))
    with pytest.raises(ValidationError):
        services.literacy.enrol(klass.id, child.id, date(2025, 9, 5))


def test_status_regroups_through_the_2025_merger(services):
    # a person recorded in Lơ Ku before the merger counts in Lơ Ku in 2024 and in xã Kbang after 2025-07-01
    services.ctx.today = lambda: date(2024, 6, 1)
    services.persons.add("Đinh Văn Hmưk", "M", "01/01/2000", "13", "Lơ Ku", "Làng Lơ Ku 1", literacy_level=1)
    old = services.literacy.status("Lơ Ku", date(2024, 6, 1)).status
    assert old.level1.population == 1 and old.level1.literate == 1
    new = services.literacy.status("Kbang", date(2025, 7, 1))
    assert new.commune.key == "x_kbang" and new.status.level1.population == 1
    town = services.literacy.status("Kbang", date(2024, 6, 1))  # the old town of Kbang: a different unit
    assert town.commune.key == "tt_kbang" and town.status.level1.population == 0


def test_especially_difficult_designation_changes_bands(services, hub_services):
    with pytest.raises(KbangError, match="đơn vị đầu mối"):  # dated rule data: the hub's, sent to the commune
        services.units.designate("Kông Bơ La", "especially-difficult", date(2026, 1, 1))
    services = hub_services
    services.persons.add("Đinh Văn A", "M", "01/01/1996", "13", "Kông Bơ La", "Làng A")  # 30 in 2026
    normal = services.literacy.status("Kông Bơ La", date(2026, 6, 1)).as_json()
    services.units.designate("Kông Bơ La", "especially-difficult", date(2026, 1, 1))
    difficult = services.literacy.status("Kông Bơ La", date(2026, 6, 1)).as_json()
    assert normal["level1"]["population"] == 1 and difficult["level1"]["population"] == 0
    assert difficult["especially_difficult"] and (difficult["level1"]["age_from"], difficult["level1"]["age_to"]) == (15, 25)


def _household(services):
    head = services.persons.add("Đinh Văn Hmưk", "M", "1980", "13", "Kông Bơ La", "Làng A")
    return services.households.add("Kông Bơ La", "Làng A", "12", head.id)


def test_evaluation_uses_the_set_in_force_and_computes_the_result(services):
    household = _household(services)
    registration = services.models.register(2026, "household", household.id, date(2026, 1, 10))
    scores = {"1.1": 15, "1.2": 10, "1.3": 5, "2.1": 10, "2.2": 10, "2.3": 10, "3.1": 10, "3.2": 5, "4.1": 5, "4.2": 10}
    evaluation = services.models.evaluate(registration.id, scores, date(2026, 11, 1))
    assert evaluation.total == "90" and evaluation.passed
    assert evaluation.criteria_set_id == services.criteria.in_force("household", date(2026, 11, 1)).id
    with pytest.raises(ValidationError):
        services.models.evaluate(registration.id, {"1.1": 99}, date(2026, 11, 1))


def test_decision_flow_and_rules(services):
    household = _household(services)
    registration = services.models.register(2026, "household", household.id, date(2026, 1, 10))
    decision = services.models.create_decision("Kông Bơ La", "15/qd-ubnd", date(2026, 12, 5), "household", 2026,
                                               "Nguyễn Văn Hùng")
    assert decision.number == "15/QĐ-UBND" and decision.status == "draft"
    with pytest.raises(KbangError):
        services.models.add_entry(decision.id, registration.id)  # not evaluated yet
    services.models.evaluate(registration.id, {"1.1": 15, "1.2": 10, "1.3": 5, "2.1": 10, "2.2": 10, "2.3": 10,
                                               "3.1": 10, "3.2": 10, "4.1": 10, "4.2": 10}, date(2026, 11, 1))
    entry = services.models.add_entry(decision.id, registration.id)
    assert entry.display_name == "Hộ ông/bà Đinh Văn Hmưk"
    issued = services.models.issue(decision.id)
    assert issued.status == "issued"
    with pytest.raises(KbangError):
        services.models.add_entry(decision.id, registration.id)
    with pytest.raises(KbangError):
        services.models.create_decision("Kông Bơ La", "15/QĐ-UBND", date(2026, 12, 6), "household", 2026)
    with pytest.raises(KbangError):
        services.models.create_decision("Kông Bơ La", "mười lăm", date(2026, 12, 6), "household", 2026)
    [(listed, count)] = services.models.decisions(2026)
    assert listed.id == decision.id and count == 1
    revoked = services.models.revoke(decision.id, date(2026, 12, 20), "Nhầm hộ")
    assert revoked.status == "revoked"


def test_centre_activity_counts_must_be_consistent(services, centre):
    with pytest.raises(ValidationError):
        services.centres.add_activity(centre.id, "topic", "Chuyên đề", date(2026, 3, 1), participants_total=10,
                                      participants_female=11)
    services.centres.set_ranking(centre.id, 2026, "kha")
    services.centres.set_ranking(centre.id, 2026, "tot")
    assert [r.ranking for r in services.centres.rankings(centre.id)] == ["tot"]


def test_demo_data_is_deterministic_and_consistent(services):
    from kbang_desktop.services.demo import DemoService

    counts = DemoService(services.ctx).generate(1, 600, seed=7)
    assert counts["person"] == 600 and counts["learning_centre"] == 1
    assert counts["clan"] >= 1 and counts["clan_member"] >= 3 and counts["organisation"] == 5
    assert counts["decision"] >= 1 and counts["decision_entry"] >= 1 and counts["term_result"] > 0
    assert services.maintenance.check().ok
    names = [r.full_name for r in services.persons.list("Kông Bơ La")]
    assert len(names) == 600  # all placed in today's commune, through the successions
    again = DemoService(services.ctx).commune_rows(1, 600, seed=7)
    assert [p["full_name"] for p in next(again)["person"]][:20] == [p["full_name"] for p in next(
        DemoService(services.ctx).commune_rows(1, 600, seed=7))["person"]][:20]


def test_class_corrections_and_a_learner_leaving_are_checked(services):
    centre = services.centres.add("Kông Bơ La", "Trung tâm học tập cộng đồng xã Kông Bơ La")
    klass = services.literacy.add_class(centre.id, "Lớp GĐ2", 2, date(2026, 2, 1))
    assert klass.current_term == 4
    with pytest.raises(KbangError, match="4, 5"):
        services.literacy.update_class(klass.id, current_term=2)  # term 2 belongs to phase 1
    with pytest.raises(KbangError):
        services.literacy.update_class(klass.id, end_date=date(2026, 1, 1))
    with pytest.raises(KbangError):
        services.literacy.update_class(klass.id, phase=1)  # the phase is fixed once opened
    assert services.literacy.update_class(klass.id, current_term=5, name=" Lớp  GĐ2 Làng A ").name == "Lớp GĐ2 Làng A"
    learner = services.persons.add("Đinh Thị Bŏk", "F", "1990", "Ba Na", "Kông Bơ La", "Làng A")
    enrolment = services.literacy.enrol(klass.id, learner.id, date(2026, 2, 3))
    with pytest.raises(KbangError):
        services.literacy.drop(enrolment.id, date(2026, 3, 1), "  ")  # a reason is needed
    with pytest.raises(KbangError):
        services.literacy.drop(enrolment.id, date(2026, 2, 1), "Ốm đau")  # before joining
    assert services.literacy.enrolments(klass.id)[0].status != "dropped"
    left = services.literacy.drop(enrolment.id, date(2026, 3, 1), "Ốm đau")
    assert left.status == "dropped" and left.drop_reason == "Ốm đau"


FULL = {"1.1": 15, "1.2": 10, "1.3": 5, "2.1": 10, "2.2": 10, "2.3": 10, "3.1": 10, "3.2": 10, "4.1": 10, "4.2": 10}


def test_register_many_rows_reasons_and_decision_entries(services):
    heads = [services.persons.add(f"Đinh Văn A{i}", "M", "1980", "13", "Kông Bơ La", "Làng A") for i in range(3)]
    households = [services.households.add("Kông Bơ La", "Làng A", str(20 + i), h.id) for i, h in enumerate(heads)]
    subjects = services.models.subjects(2026, "household")
    assert {s.id for s in subjects} >= {h.id for h in households} and all(s.village == "Làng A" for s in subjects)
    first = services.models.register_many(2026, "household", [households[0].id], date(2026, 1, 10))
    assert len(first.registered) == 1 and not first.refused
    many = services.models.register_many(2026, "household", [h.id for h in households], date(2026, 1, 10))
    assert len(many.registered) == 2 and [r.name for r in many.refused] == ["Hộ ông/bà Đinh Văn A0"]
    assert {s.id for s in services.models.subjects(2026, "household") if s.registered} == {h.id for h in households}
    regs = {r.name: r for r in services.models.rows(2026, "household")}
    a0, a1, a2 = (regs[f"Hộ ông/bà Đinh Văn A{i}"].registration.id for i in range(3))
    assert regs["Hộ ông/bà Đinh Văn A0"].result == "not_evaluated"
    passed = services.models.evaluate_explained(a0, FULL, date(2026, 11, 1))
    assert passed.passed and passed.total == "100" and not passed.reasons
    services.models.evaluate(a1, FULL, date(2026, 11, 1))
    failed = services.models.evaluate_explained(a2, {**FULL, "1.1": 0}, date(2026, 11, 1))  # item not given = 0 too
    assert not failed.passed and failed.total == "85"
    row = next(r for r in services.models.rows(2026, village_id=subjects[0].village_id) if r.registration.id == a2)
    assert row.result == "failed" and [p.field for p in row.reasons] == [p.field for p in failed.reasons]
    with pytest.raises(ValidationError) as refused:
        services.models.evaluate(a2, {"1.1": 15.5}, date(2026, 11, 2))
    assert "1.1" in refused.value.translated()
    decision = services.models.create_decision("Kông Bơ La", "7/QĐ-UBND", date(2026, 12, 5), "household", 2026, "X")
    with pytest.raises(ValidationError) as refused:
        services.models.add_entries(decision.id, [a0, a2])
    assert "Đinh Văn A2" in refused.value.translated() and not services.models.entries(decision.id)
    services.models.add_entries(decision.id, [a0, a1])
    assert services.models.remove_entries(decision.id, [a0]) == 1
    [left] = services.models.entries(decision.id)
    assert left.registration_id == a1 and left.position == 1
    services.models.add_entries(decision.id, [a0])
    assert [e.registration_id for e in services.models.entries(decision.id)] == [a1, a0]


def test_score_import_checks_every_row_dry_run_then_writes(services):
    from kbang_desktop.services.score_import import ScoreRow

    people = [services.persons.add(f"Đinh Thị B{i}", "F", "1990", "13", "Kông Bơ La", "Làng A") for i in range(3)]
    services.models.register_many(2026, "citizen", [p.id for p in people[:2]], date(2026, 1, 10))
    good = {"Mã người": people[0].id, **{f"CS{i}": 8 for i in range(1, 11)}}
    low = {"Mã người": people[1].id, **{f"CS{i}": 10 for i in range(1, 11)}, "CS4": "4,9"}
    rows = [ScoreRow(2, good), ScoreRow(3, low), ScoreRow(4, {**good, "Mã người": people[2].id, "CS1": 11})]
    rejected = services.score_import.import_scores(2026, rows, date(2026, 11, 1))
    assert rejected.status == "rejected" and [(e.row, e.column) for e in rejected.errors] == [(4, "Mã người")]
    rows[2] = ScoreRow(4, {**good, "Mã người": people[0].id, "CS1": 11})
    rejected = services.score_import.import_scores(2026, rows, date(2026, 11, 1))
    assert [(e.row, e.column) for e in rejected.errors] == [(4, "Mã người")]  # the same person twice
    dry = services.score_import.import_scores(2026, rows[:2], date(2026, 11, 1), dry_run=True)
    assert (dry.status, dry.evaluated, dry.passed) == ("dry-run", 2, 1)
    assert all(r.evaluation is None for r in services.models.rows(2026, "citizen"))
    done = services.score_import.import_scores(2026, rows[:2], date(2026, 11, 1))
    assert (done.status, done.evaluated, done.passed) == ("imported", 2, 1)
    results = {r.name: (r.result, r.evaluation.total) for r in services.models.rows(2026, "citizen")}
    assert results == {"Đinh Thị B0": ("passed", "80"), "Đinh Thị B1": ("failed", "94.9")}


def test_evaluate_many_writes_every_row_in_one_transaction_or_nothing(services):
    people = [services.persons.add(f"Đinh Văn C{i}", "M", "1985", "13", "Kông Bơ La", "Làng A") for i in range(3)]
    done = services.models.register_many(2026, "citizen", [p.id for p in people], date(2026, 1, 10))
    ids = [r.id for r in done.registered]
    good = {f"CS{i}": "8" for i in range(1, 11)}
    low = {**good, "CS3": "4.9", "CS1": "10"}
    with pytest.raises(ValidationError) as refused:
        services.models.evaluate_many({ids[0]: good, ids[1]: {**good, "CS2": "11"}}, date(2026, 11, 2))
    assert "Đinh Văn C1" in refused.value.translated()
    assert all(r.evaluation is None for r in services.models.rows(2026, "citizen"))  # nothing saved
    result = services.models.evaluate_many({ids[0]: good, ids[1]: low}, date(2026, 11, 2))
    assert (result.saved, result.passed) == (2, 1)
    found = {r.name: (r.result, r.evaluation and r.evaluation.total) for r in services.models.rows(2026, "citizen")}
    assert found == {"Đinh Văn C0": ("passed", "80"), "Đinh Văn C1": ("failed", "78.9"),
                     "Đinh Văn C2": ("not_evaluated", None)}
