"""Typed SQLAlchemy 2 models of every record (DESIGN §3).

Syncable records carry the sync columns of `SyncMixin`; their integer rowid (if
any) never leaves the machine. Local bookkeeping (users, audit, change log, sync
ledger) is not syncable. Schema changes go through Alembic only.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from kbang_desktop.core.text import fold, person_search_text, person_sort_text

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


SORT_TEXT = Text().with_variant(Text(collation="C"), "postgresql")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def _uuid_fk(target: str, nullable: bool = True, index: bool = True) -> Mapped:
    return mapped_column(String(36), ForeignKey(target), nullable=nullable, index=index)


class SyncMixin:
    """Columns every record that travels between offices carries (DESIGN §3, §5)."""

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    owner_office_id: Mapped[str] = mapped_column(String(36), index=True)
    rev: Mapped[str] = mapped_column(String(64), index=True)
    prev_rev: Mapped[str | None] = mapped_column(String(64))
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    created_by: Mapped[str] = mapped_column(String(100))
    updated_at: Mapped[datetime] = mapped_column(DateTime)
    updated_by: Mapped[str] = mapped_column(String(100))


# --- Places and reference data -------------------------------------------------

class AdminUnit(SyncMixin, Base):
    __tablename__ = "admin_unit"
    key: Mapped[str | None] = mapped_column(String(60), unique=True)
    kind: Mapped[str] = mapped_column(String(20))  # province district commune town ward village
    name: Mapped[str] = mapped_column(String(120))
    name_folded: Mapped[str] = mapped_column(String(120), index=True)
    parent_id: Mapped[str | None] = _uuid_fk("admin_unit.id")
    code: Mapped[str | None] = mapped_column(String(20))
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)


class AdminSuccession(SyncMixin, Base):
    __tablename__ = "admin_succession"
    predecessor_id: Mapped[str] = _uuid_fk("admin_unit.id", nullable=False)
    successor_id: Mapped[str] = _uuid_fk("admin_unit.id", nullable=False)
    effective: Mapped[date] = mapped_column(Date)
    share: Mapped[str] = mapped_column(String(10))  # whole | part
    note: Mapped[str] = mapped_column(Text, default="")


class UnitDesignation(SyncMixin, Base):
    __tablename__ = "unit_designation"
    unit_id: Mapped[str] = _uuid_fk("admin_unit.id", nullable=False)
    flag: Mapped[str] = mapped_column(String(40))  # especially_difficult
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    legal_basis: Mapped[str] = mapped_column(Text, default="")


class EthnicGroup(SyncMixin, Base):
    __tablename__ = "ethnic_group"
    code: Mapped[str] = mapped_column(String(4), unique=True)
    name: Mapped[str] = mapped_column(String(60))
    aliases: Mapped[str] = mapped_column(Text, default="")  # ';'-separated other spellings
    minority: Mapped[bool] = mapped_column(Boolean, default=True)


class LiteracyRuleRow(SyncMixin, Base):
    """Dated rule data for the literacy standard (thresholds and age bands)."""

    __tablename__ = "literacy_rule"
    level: Mapped[int] = mapped_column(Integer)
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    age_from: Mapped[int] = mapped_column(Integer)
    age_to: Mapped[int] = mapped_column(Integer)
    difficult_age_from: Mapped[int] = mapped_column(Integer)
    difficult_age_to: Mapped[int] = mapped_column(Integer)
    threshold: Mapped[str] = mapped_column(String(10))  # decimal text, e.g. "0.90"
    legal_basis: Mapped[str] = mapped_column(Text, default="")


# --- Offices and sites -----------------------------------------------------------

class Office(SyncMixin, Base):
    __tablename__ = "office"
    kind: Mapped[str] = mapped_column(String(10))  # commune | hub
    name: Mapped[str] = mapped_column(String(200))
    unit_id: Mapped[str | None] = _uuid_fk("admin_unit.id")
    hub_office_id: Mapped[str | None] = mapped_column(String(36))


class Site(SyncMixin, Base):
    __tablename__ = "site"
    office_id: Mapped[str] = _uuid_fk("office.id", nullable=False)
    name: Mapped[str] = mapped_column(String(200))
    signing_key: Mapped[str | None] = mapped_column(String(100))  # Ed25519 public key, base64
    encryption_key: Mapped[str | None] = mapped_column(String(100))  # X25519 public key, base64
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)
    revoke_reason: Mapped[str] = mapped_column(Text, default="")


class OfficeSetting(SyncMixin, Base):
    __tablename__ = "office_setting"
    __table_args__ = (UniqueConstraint("office_id", "key"),)
    office_id: Mapped[str] = _uuid_fk("office.id", nullable=False)
    key: Mapped[str] = mapped_column(String(60))
    value: Mapped[str] = mapped_column(Text)


# --- People ------------------------------------------------------------------------

class Household(SyncMixin, Base):
    __tablename__ = "household"
    commune_id: Mapped[str] = _uuid_fk("admin_unit.id", nullable=False)
    village_id: Mapped[str | None] = _uuid_fk("admin_unit.id")
    number: Mapped[str] = mapped_column(String(30), default="")
    head_person_id: Mapped[str | None] = mapped_column(String(36), index=True)
    address: Mapped[str] = mapped_column(Text, default="")
    residence_status: Mapped[str] = mapped_column(String(20), default="resident")


class Person(SyncMixin, Base):
    __tablename__ = "person"
    __table_args__ = (Index("ix_person_commune_name", "commune_id", "name_folded"),
                      Index("ix_person_sort", "sort_key", "id"),
                      Index("ix_person_commune_sort", "commune_id", "sort_key", "id"),
                      # likely duplicates: namesakes of a commune born within a year (queries.duplicate_pairs)
                      Index("ix_person_commune_name_birth", "commune_id", "name_folded", "birth_year"))
    full_name: Mapped[str] = mapped_column(String(120))
    # Vietnamese order (core.text.person_sort_text), worked out from full_name wherever a person is
    # written and never sent: see DERIVED. Compared bytewise, hence the "C" collation on PostgreSQL.
    sort_key: Mapped[str] = mapped_column(SORT_TEXT, default="", server_default="")
    name_folded: Mapped[str] = mapped_column(String(120), index=True)
    sex: Mapped[str] = mapped_column(String(1))
    birth_date: Mapped[date | None] = mapped_column(Date)
    birth_year: Mapped[int] = mapped_column(Integer)
    ethnic_code: Mapped[str | None] = mapped_column(String(4))
    household_id: Mapped[str | None] = _uuid_fk("household.id")
    relation_to_head: Mapped[str] = mapped_column(String(40), default="")
    commune_id: Mapped[str] = _uuid_fk("admin_unit.id", nullable=False)
    village_id: Mapped[str | None] = _uuid_fk("admin_unit.id")
    id_number: Mapped[str | None] = mapped_column(String(20))
    disability: Mapped[bool] = mapped_column(Boolean, default=False)
    exempt: Mapped[bool] = mapped_column(Boolean, default=False)  # không có khả năng học tập
    education: Mapped[str] = mapped_column(String(40), default="")
    literacy_level: Mapped[int] = mapped_column(Integer, default=0)
    literacy_date: Mapped[date | None] = mapped_column(Date)
    literacy_source: Mapped[str] = mapped_column(String(40), default="")
    moved_away_on: Mapped[date | None] = mapped_column(Date)
    died_on: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")


class PersonMerge(SyncMixin, Base):
    """Two records of one person made one: `other_id` drops out of every list (it stays, marked by this
    record while `undone_at` is empty) and the references in `moves` point at `kept_id` instead.

    `moves` (JSON) is the exact list of what the merge wrote, [{"table", "id", "field", "old", "new"}]:
    the unmerge sets back every field that still holds what the merge put there. Written by the office
    that owns both people; travels like any record."""

    __tablename__ = "person_merge"
    kept_id: Mapped[str] = mapped_column(String(36), index=True)
    other_id: Mapped[str] = mapped_column(String(36), index=True)
    commune_id: Mapped[str] = _uuid_fk("admin_unit.id", nullable=False)
    merged_at: Mapped[datetime] = mapped_column(DateTime)
    merged_by: Mapped[str] = mapped_column(String(100))
    moves: Mapped[str] = mapped_column(Text, default="[]")
    undone_at: Mapped[datetime | None] = mapped_column(DateTime)
    undone_by: Mapped[str] = mapped_column(String(100), default="")


class LiteracyAttainment(SyncMixin, Base):
    """History of a person's literacy level, so the standard can be computed as of any date."""

    __tablename__ = "literacy_attainment"
    person_id: Mapped[str] = _uuid_fk("person.id", nullable=False)
    level: Mapped[int] = mapped_column(Integer)
    attained_on: Mapped[date | None] = mapped_column(Date)  # None: known, date unknown (counted always)
    source: Mapped[str] = mapped_column(String(40))  # survey | class | import | correction
    source_ref: Mapped[str | None] = mapped_column(String(36))


class Clan(SyncMixin, Base):
    __tablename__ = "clan"
    commune_id: Mapped[str] = _uuid_fk("admin_unit.id", nullable=False)
    name: Mapped[str] = mapped_column(String(120))
    head_person_id: Mapped[str | None] = _uuid_fk("person.id")


class ClanMember(SyncMixin, Base):
    __tablename__ = "clan_member"
    clan_id: Mapped[str] = _uuid_fk("clan.id", nullable=False)
    household_id: Mapped[str] = _uuid_fk("household.id", nullable=False)


class Organisation(SyncMixin, Base):
    __tablename__ = "organisation"
    commune_id: Mapped[str] = _uuid_fk("admin_unit.id", nullable=False)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(40))  # school | office | enterprise | association | other


# --- Learning centres ----------------------------------------------------------------

class LearningCentre(SyncMixin, Base):
    __tablename__ = "learning_centre"
    commune_id: Mapped[str] = _uuid_fk("admin_unit.id", nullable=False)
    name: Mapped[str] = mapped_column(String(200))
    founding_decision: Mapped[str] = mapped_column(String(100), default="")
    founded_on: Mapped[date | None] = mapped_column(Date)
    has_premises: Mapped[bool] = mapped_column(Boolean, default=False)
    has_seal: Mapped[bool] = mapped_column(Boolean, default=False)
    has_bank_account: Mapped[bool] = mapped_column(Boolean, default=False)
    computers: Mapped[int] = mapped_column(Integer, default=0)
    has_internet: Mapped[bool] = mapped_column(Boolean, default=False)
    has_book_corner: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(10), default="active")  # active | merged | closed
    merged_into_id: Mapped[str | None] = mapped_column(String(36))


class CentreStaff(SyncMixin, Base):
    __tablename__ = "centre_staff"
    centre_id: Mapped[str] = _uuid_fk("learning_centre.id", nullable=False)
    full_name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(20))  # director | deputy | staff
    position: Mapped[str] = mapped_column(String(120), default="")  # e.g. Phó Chủ tịch UBND xã
    from_date: Mapped[date | None] = mapped_column(Date)
    to_date: Mapped[date | None] = mapped_column(Date)


class CentreActivity(SyncMixin, Base):
    __tablename__ = "centre_activity"
    centre_id: Mapped[str] = _uuid_fk("learning_centre.id", nullable=False)
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    sessions: Mapped[int] = mapped_column(Integer, default=1)
    participants_total: Mapped[int] = mapped_column(Integer, default=0)
    participants_female: Mapped[int] = mapped_column(Integer, default=0)
    participants_minority: Mapped[int] = mapped_column(Integer, default=0)
    funding: Mapped[int] = mapped_column(Integer, default=0)  # VND
    funding_source: Mapped[str] = mapped_column(String(120), default="")


class CentreRanking(SyncMixin, Base):
    __tablename__ = "centre_ranking"
    centre_id: Mapped[str] = _uuid_fk("learning_centre.id", nullable=False)
    year: Mapped[int] = mapped_column(Integer)
    ranking: Mapped[str] = mapped_column(String(12))  # tot | kha | trung_binh | yeu
    notes: Mapped[str] = mapped_column(Text, default="")


# --- Literacy classes -------------------------------------------------------------------

class LiteracyClass(SyncMixin, Base):
    __tablename__ = "literacy_class"
    centre_id: Mapped[str] = _uuid_fk("learning_centre.id", nullable=False)
    name: Mapped[str] = mapped_column(String(120))
    phase: Mapped[int] = mapped_column(Integer)
    current_term: Mapped[int] = mapped_column(Integer)
    teacher_name: Mapped[str] = mapped_column(String(120), default="")
    village_id: Mapped[str | None] = _uuid_fk("admin_unit.id")
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    funding_programme: Mapped[str] = mapped_column(String(120), default="")


class Enrolment(SyncMixin, Base):
    __tablename__ = "enrolment"
    class_id: Mapped[str] = _uuid_fk("literacy_class.id", nullable=False)
    person_id: Mapped[str] = _uuid_fk("person.id", nullable=False)
    enrolled_on: Mapped[date] = mapped_column(Date)
    left_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12), default="studying")  # studying | completed | dropped
    drop_reason: Mapped[str] = mapped_column(Text, default="")


class TermResult(SyncMixin, Base):
    __tablename__ = "term_result"
    enrolment_id: Mapped[str] = _uuid_fk("enrolment.id", nullable=False)
    term: Mapped[int] = mapped_column(Integer)
    subject: Mapped[str] = mapped_column(String(40))  # tieng_viet | toan | ...
    result: Mapped[str] = mapped_column(String(12))  # tot | hoan_thanh | chua
    recorded_on: Mapped[date] = mapped_column(Date)


# --- Learning models ------------------------------------------------------------------------

class CriteriaSet(SyncMixin, Base):
    __tablename__ = "criteria_set"
    model_kind: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200))
    legal_source: Mapped[str] = mapped_column(Text, default="")
    effective_from: Mapped[date] = mapped_column(Date)
    effective_to: Mapped[date | None] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer, default=1)
    is_template: Mapped[bool] = mapped_column(Boolean, default=False)
    definition: Mapped[str] = mapped_column(Text)  # JSON: criteria, items, pass rule


class Registration(SyncMixin, Base):
    __tablename__ = "registration"
    year: Mapped[int] = mapped_column(Integer, index=True)
    model_kind: Mapped[str] = mapped_column(String(20))
    subject_id: Mapped[str] = mapped_column(String(36), index=True)  # household, clan, unit, organisation or person
    commune_id: Mapped[str] = _uuid_fk("admin_unit.id", nullable=False)
    registered_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12), default="registered")  # registered | withdrawn


class Evaluation(SyncMixin, Base):
    __tablename__ = "evaluation"
    registration_id: Mapped[str] = _uuid_fk("registration.id", nullable=False)
    criteria_set_id: Mapped[str] = _uuid_fk("criteria_set.id", nullable=False)
    evaluated_on: Mapped[date] = mapped_column(Date)
    scores: Mapped[str] = mapped_column(Text)  # JSON {item code: points}
    total: Mapped[str] = mapped_column(String(12))  # computed by core.scoring, decimal text
    passed: Mapped[bool] = mapped_column(Boolean)  # computed by core.scoring
    self_assessment: Mapped[bool] = mapped_column(Boolean, default=False)
    notes: Mapped[str] = mapped_column(Text, default="")


class Decision(SyncMixin, Base):
    __tablename__ = "decision"
    issuer_unit_id: Mapped[str] = _uuid_fk("admin_unit.id", nullable=False)
    number: Mapped[str] = mapped_column(String(40))
    decided_on: Mapped[date] = mapped_column(Date)
    signer_name: Mapped[str] = mapped_column(String(120), default="")
    signer_title: Mapped[str] = mapped_column(String(20), default="chairman")  # chairman | vice_chairman
    kind: Mapped[str] = mapped_column(String(20))  # model kind
    year: Mapped[int] = mapped_column(Integer, index=True)
    status: Mapped[str] = mapped_column(String(10), default="draft")  # draft | issued | revoked
    revoked_on: Mapped[date | None] = mapped_column(Date)
    revoke_reason: Mapped[str] = mapped_column(Text, default="")


class DecisionEntry(SyncMixin, Base):
    __tablename__ = "decision_entry"
    decision_id: Mapped[str] = _uuid_fk("decision.id", nullable=False)
    registration_id: Mapped[str] = _uuid_fk("registration.id", nullable=False)
    evaluation_id: Mapped[str | None] = _uuid_fk("evaluation.id")
    position: Mapped[int] = mapped_column(Integer, default=0)
    display_name: Mapped[str] = mapped_column(String(200))


class Certificate(SyncMixin, Base):
    __tablename__ = "certificate"
    __table_args__ = (UniqueConstraint("office_id", "year", "serial"),)
    entry_id: Mapped[str] = _uuid_fk("decision_entry.id", nullable=False)
    office_id: Mapped[str] = mapped_column(String(36))
    year: Mapped[int] = mapped_column(Integer)
    serial: Mapped[int] = mapped_column(Integer)
    issued_on: Mapped[date] = mapped_column(Date)
    verification_code: Mapped[str] = mapped_column(String(200))


class CertificatePrint(SyncMixin, Base):
    __tablename__ = "certificate_print"
    certificate_id: Mapped[str] = _uuid_fk("certificate.id", nullable=False)
    printed_at: Mapped[datetime] = mapped_column(DateTime)
    reprint: Mapped[bool] = mapped_column(Boolean, default=False)
    reason: Mapped[str] = mapped_column(Text, default="")


# --- Local only: users, audit, sync bookkeeping ------------------------------------------------

class User(Base):
    __tablename__ = "app_user"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    username: Mapped[str] = mapped_column(String(60), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(10))  # admin | officer | viewer
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class AuditEvent(Base):
    __tablename__ = "audit_event"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    site_id: Mapped[str] = mapped_column(String(36))
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(60))
    record_type: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[str] = mapped_column(String(36), index=True)
    before: Mapped[str | None] = mapped_column(Text)
    after: Mapped[str | None] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class ChangeLog(Base):
    """Local sequence of every change to a syncable record (what to export to whom)."""

    __tablename__ = "change_log"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    record_type: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[str] = mapped_column(String(36), index=True)
    rev: Mapped[str] = mapped_column(String(64))
    origin_site_id: Mapped[str] = mapped_column(String(36))


class LocalState(Base):
    """Facts about this installation: its site and office, the clock, the audit head."""

    __tablename__ = "local_state"
    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class Peer(Base):
    __tablename__ = "peer"
    office_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    last_sent_seq: Mapped[int] = mapped_column(Integer, default=0)
    last_sent_at: Mapped[datetime | None] = mapped_column(DateTime)
    acked_seq: Mapped[int] = mapped_column(Integer, default=0)
    acked_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_received_at: Mapped[datetime | None] = mapped_column(DateTime)


class SiteReceipt(Base):
    """What this site has applied from each remote site: its highest sequence without a gap.

    `sender_max_rev` is the highest rev the remote site itself made that reached us: a later
    bundle that reuses an acknowledged sequence number with a newer rev of its own is a
    restored backup or a copied database (DESIGN §5, identity). `gap_from`/`gap_to` name
    sequence numbers the remote site sent after a part we never received.
    """

    __tablename__ = "site_receipt"
    site_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    highest_seq: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(DateTime)
    office_id: Mapped[str | None] = mapped_column(String(36))
    sender_max_rev: Mapped[str | None] = mapped_column(String(64))
    gap_from: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    gap_to: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class PeerSite(Base):
    """What each remote site has acknowledged of this site's change log (its receipts for us)."""

    __tablename__ = "peer_site"
    site_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    office_id: Mapped[str] = mapped_column(String(36), index=True)
    acked_seq: Mapped[int] = mapped_column(Integer, default=0)
    acked_at: Mapped[datetime | None] = mapped_column(DateTime)
    # when the remote site made the bundle that said so, and its last sequence: "<created_at>|<seq_to>"
    receipt_as_of: Mapped[str] = mapped_column(String(60), default="")


class BundleLedger(Base):
    __tablename__ = "bundle_ledger"
    bundle_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    direction: Mapped[str] = mapped_column(String(4))  # in | out
    peer_office_id: Mapped[str] = mapped_column(String(36), index=True)
    sender_site_id: Mapped[str] = mapped_column(String(36))
    seq_from: Mapped[int] = mapped_column(Integer)
    seq_to: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    counts: Mapped[str] = mapped_column(Text)  # JSON
    at: Mapped[datetime] = mapped_column(DateTime)
    file_name: Mapped[str] = mapped_column(Text, default="")


class Conflict(Base):
    __tablename__ = "conflict"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    record_type: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[str] = mapped_column(String(36), index=True)
    winner_rev: Mapped[str] = mapped_column(String(64))
    loser_rev: Mapped[str] = mapped_column(String(64))
    winner_state: Mapped[str] = mapped_column(Text)  # JSON, whole record
    loser_state: Mapped[str] = mapped_column(Text)  # JSON, whole record
    loser_was_local: Mapped[bool] = mapped_column(Boolean)
    detected_at: Mapped[datetime] = mapped_column(DateTime)
    status: Mapped[str] = mapped_column(String(10), default="open")  # open | resolved
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime)
    resolved_by: Mapped[str | None] = mapped_column(String(100))
    resolution: Mapped[str | None] = mapped_column(Text)


def include_object(obj: object, name: str | None, type_: str, reflected: bool, compare_to: object) -> bool:
    """For Alembic comparisons: the SQLite full-text index and its shadow tables are made by hand."""
    return not (type_ == "table" and name is not None and name.startswith("person_fts"))


SYNCABLE: dict[str, type[Base]] = {
    cls.__tablename__: cls  # type: ignore[misc]
    for cls in Base.__subclasses__()
    if issubclass(cls, SyncMixin)
}


# Columns each site works out for itself from another column of the same row (search text, sort
# keys): left out of record states (bundles, the change log, the audit), filled in whenever a row is
# written, by any path (ORM attribute events below, the bulk loader and the sync row writer through
# `derive`). A state that carries one anyway (an older release, a forged bundle) has it ignored.
# {table: {column: (source column, compute)}}
DERIVED: dict[str, dict[str, tuple[str, Callable[[Any], Any]]]] = {
    "person": {"sort_key": ("full_name", person_sort_text)},
}

# Columns that travel in record states (sites of an earlier version need them) but that every site
# works out again from another column whenever a row is written, by the same paths as DERIVED: what
# a sender puts there carries no weight. {table: {column: (source column, compute)}}
RECOMPUTED: dict[str, dict[str, tuple[str, Callable[[Any], Any]]]] = {
    "person": {"name_folded": ("full_name", person_search_text)},
    "admin_unit": {"name_folded": ("name", fold)},
}


def state_columns(table: str) -> list[str]:
    """The columns of a syncable table that make up a record's state (what travels)."""
    derived = DERIVED.get(table, {})
    return [c.key for c in SYNCABLE[table].__table__.columns if c.key not in derived]  # type: ignore[attr-defined]


def derive(table: str, values: dict[str, Any]) -> dict[str, Any]:
    """Fill the derived columns of a row about to be written as a whole (bulk insert, sync)."""
    for columns in (DERIVED, RECOMPUTED):
        for column, (source, compute) in columns.get(table, {}).items():
            values[column] = compute(values[source])
    return values


def _follow(column: str, compute: Callable[[Any], Any]) -> Callable[..., None]:
    def changed(target: Base, value: Any, _old: object, _initiator: object) -> None:
        setattr(target, column, compute(value))
    return changed


for _table, _columns in [*DERIVED.items(), *RECOMPUTED.items()]:  # rows written through the ORM: the
    for _column, (_source, _compute) in _columns.items():  # derived column follows its source
        event.listen(getattr(SYNCABLE[_table], _source), "set", _follow(_column, _compute))
