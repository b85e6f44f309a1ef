import sqlite3

from kbang_desktop.services.context import Actor


def _tamper(path, sql):
    with sqlite3.connect(path) as connection:
        connection.execute(sql)


def test_every_write_appends_a_verifiable_event(services):
    person = services.persons.add("Đinh Văn Hmưk", "M", "1990", "13", "Kông Bơ La", "Làng A")
    events = services.audit.events(record_id=person.id)
    assert events[0].actor == "os:tester" and events[0].action == "create:add_person"
    assert '"full_name": "Đinh Văn Hmưk"' in events[0].after
    services.persons.update(person.id, full_name="Đinh Văn Hmưk B")
    latest = services.audit.events(record_id=person.id)[0]
    assert '"full_name": "Đinh Văn Hmưk"' in latest.before and "Hmưk B" in latest.after
    assert services.audit.verify().ok


def test_logged_in_user_is_recorded(services):
    officer = services.as_actor(Actor("user:canbo", "officer"))
    person = officer.persons.add("Y Blang", "M", "1980", "10", "Kông Bơ La", "Thôn 1")
    assert services.audit.events(record_id=person.id)[0].actor == "user:canbo"


def test_edited_event_is_found(services):
    services.persons.add("Đinh Văn Hmưk", "M", "1990", "13", "Kông Bơ La", "Làng A")
    _tamper(services.ctx.db.path, "UPDATE audit_event SET actor = 'someone' WHERE seq = 3")
    report = services.audit.verify()
    assert not report.ok and report.first_bad_seq == 3 and report.problem == "hash"


def test_removed_event_in_the_middle_is_found(services):
    services.persons.add("Đinh Văn Hmưk", "M", "1990", "13", "Kông Bơ La", "Làng A")
    _tamper(services.ctx.db.path, "DELETE FROM audit_event WHERE seq = 5")
    report = services.audit.verify()
    assert not report.ok and report.first_bad_seq == 5


def test_removed_last_event_is_found(services):
    services.persons.add("Đinh Văn Hmưk", "M", "1990", "13", "Kông Bơ La", "Làng A")
    _tamper(services.ctx.db.path, "DELETE FROM audit_event WHERE seq = (SELECT max(seq) FROM audit_event)")
    report = services.audit.verify()
    assert not report.ok and report.problem == "head"


def test_password_hash_never_in_the_audit_log(services):
    services.users.create("canbo", "dungroi123", "officer")
    assert all("scrypt$" not in (e.after or "") for e in services.audit.events(limit=1000))
