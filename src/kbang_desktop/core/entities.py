"""Frozen dataclasses that storage returns for every record (DESIGN §2 rule 3).

Generated once from storage.models and kept in step by tests/storage/test_schema.py.
Field order: the record's own fields, then the sync columns.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True, slots=True)
class AdminSuccession:
    id: str
    predecessor_id: str
    successor_id: str
    effective: date
    share: str
    note: str
    owner_office_id: str
    rev: str
    prev_rev: str | None
    deleted: bool
    created_at: datetime
    created_by: str
    updated_at: datetime
    updated_by: str


@dataclass(frozen=True, slots=True)
class AdminUnit:
    id: str
    key: str | None
    kind: str
    name: str
    name_folded: str
    parent_id: str | None
    code: str | None
    valid_from: date
    valid_to: date | None
    note: str
    is_demo: bool
    owner_office_id: str
    rev: str
    prev_rev: str | None
    deleted: bool
    created_at: datetime
    created_by: str
    updated_at: datetime
    updated_by: str


@dataclass(frozen=True, slots=True)
class AuditEvent:
    seq: int
    at: datetime
    site_id: str
    actor: str
    action: str
    record_type: str
    record_id: str
    before: str | None
    after: str | None
    prev_hash: str
    hash: str


@dataclass(frozen=True, slots=True)
class BundleLedger:
    bundle_id: str
    direction: str
    peer_office_id: str
    sender_site_id: str
    seq_from: int
    seq_to: int
    sha256: str
    counts: str
    at: datetime
    file_name: str


@dataclass(frozen=True, slots=True)
class CentreActivity:
    id: str
    centre_id: str
    kind: str
    title: str
    start_date: date
    end_date: date | None
    sessions: int
    participants_total: int
    participants_female: int
    participants_minority: int
    funding: int
    funding_source: str
    owner_office_id: str
    rev: str
    prev_rev: str | None
    deleted: bool
    created_at: datetime
    created_by: str
    updated_at: datetime
    updated_by: str


@dataclass(frozen=True, slots=True)
class CentreRanking:
    id: str
    centre_id: str
    year: int
    ranking: str
    notes: str
    owner_office_id: str
    rev: str
    prev_rev: str | None
    deleted: bool
    created_at: datetime
    created_by: str
    updated_at: datetime
    updated_by: str


@dataclass(frozen=True, slots=True)
class CentreStaff:
    id: str
    centre_id: str
    full_name: str
    role: str
    position: str
    from_date: date | None
    to_date: date | None
    owner_office_id: str
    rev: str
    prev_rev: str | None
    deleted: bool
    created_at: datetime
    created_by: str
    updated_at: datetime
    updated_by: str


@dataclass(frozen=True, slots=True)
class Certificate:
    id: str
    entry_id: str
    office_id: str
    year: int
    serial: int
    issued_on: date
    verification_code: str
    owner_office_id: str
    rev: str
    prev_rev: str | None
    deleted: bool
    created_at: datetime
    created_by: str
    updated_at: datetime
    updated_by: str


@dataclass(frozen=True, slots=True)
class CertificatePrint:
    id: str
    certificate_id: str
    printed_at: datetime
    reprint: bool
    reason: str
    owner_office_id: str
    rev: str
    prev_rev: str | None
    deleted: bool
    created_at: datetime
    created_by: str
    updated_at: datetime
    updated_by: str


@dataclass(frozen=True, slots=True)
class ChangeLog:
    """Local sequence of every change to a syncable record (what to export to whom)."""

    rev: str
    seq: int
    record_type: str
    record_id: str
    origin_site_id: str


@dataclass(frozen=True, slots=True)
class Clan:
    id: str
    commune_id: str
    name: str
    head_person_id: str | None
    owner_office_id: str
    rev: str
    prev_rev: str | None
    deleted: bool
    created_at: datetime
    created_by: str
    updated_at: datetime
    updated_by: str


@dataclass(frozen=True, slots=True)
class ClanMember:
    id: str
    clan_id: str
    household_id: str
    owner_office_id: str
    rev: str
    prev_rev: str | None
    deleted: bool
    created_at: datetime
    created_by: str
    updated_at: datetime
    updated_by: str


@dataclass(frozen=True, slots=True)
class Conflict:
    id: str
    record_type: str
    record_id: str
    winner_rev: str
    loser_rev: str
    winner_state: str
    loser_state: str
    loser_was_local: bool
    detected_at: datetime
    status: str
    resolved_at: datetime | None
    resolved_by: str | None
    resolution: str | None


@dataclass(frozen=True, slots=True)
class CriteriaSet:
    id: str
    model_kind: str
    name: str
    legal_source: str
    effective_from: date
    effective_to: date | None
    version: int
    is_template: bool
    definition: str
    owner_office_id: str
    rev: str
    prev_rev: str | None
    deleted: bool
    created_at: datetime
    created_by: str
    updated_at: datetime
    updated_by: str


@dataclass(frozen=True, slots=True)
class Decision:
    id: str
    issuer_unit_id: str
    number: str
    decided_on: date
    signer_name: str
    signer_title: str
    kind: str
    year: int
    status: str
    revoked_on: date | None
    revoke_reason: str
    owner_office_id: str
    rev: str
    prev_rev: str | None
    deleted: bool
    created_at: datetime
    created_by: str
    updated_at: datetime
    updated_by: str


@dataclass(frozen=True, slots=True)
class DecisionEntry:
    id: str
    decision_id: str
    registration_id: str
    evaluation_id: str | None
    position: int
    display_name: str
    owner_office_id: str
    rev: str
    prev_rev: str | None
    deleted: bool
    created_at: datetime
    created_by: str
    updated_at: datetime
    updated_by: str


@dataclass(frozen=True, slots=True)
class Enrolment:
    id: str
    class_id: str
    person_id: str
    enrolled_on: date
    left_on: date | None
    status: str
    drop_reason: str
    owner_office_id: str
    rev: str
    prev_rev: str | None
    deleted: bool
    created_at: datetime
    created_by: str
    updated_at: datetime
    updated_by: str


@dataclass(frozen=True, slots=True)
class EthnicGroup:
    id: str
    code: str
    name: str
    aliases: str
    minority: bool
    owner_office_id: str
    rev: str
    prev_rev: str | None
    deleted: bool
    created_at: datetime
    created_by: str
    updated_at: datetime
    updated_by: str


@dataclass(frozen=True, slots=True)
class Evaluation:
    id: str
    registration_id: str
    criteria_set_id: str
    evaluated_on: date
    scores: str
    total: str
    passed: bool
    self_assessment: bool
    notes: str
    owner_office_id: str
    rev: str
    prev_rev: str | None
    deleted: bool
    created_at: datetime
    created_by: str
    updated_at: datetime
    updated_by: str


@dataclass(frozen=True, slots=True)
class Household:
    id: str
    commune_id: str
    village_id: str | None
    number: str
    head_person_id: str | None
    address: str
    residence_status: str
    owner_office_id: str
    rev: str
    prev_rev: str | None
    deleted: bool
    created_at: datetime
    created_by: str
    updated_at: datetime
    updated_by: str


@dataclass(frozen=True, slots=True)
class LearningCentre:
    id: str
    commune_id: str
    name: str
    founding_decision: str
    founded_on: date | None
    has_premises: bool
    has_seal: bool
    has_bank_account: bool
    computers: int
    has_internet: bool
    has_book_corner: bool
    status: str
    merged_into_id: str | None
    owner_office_id: str
    rev: str
    prev_rev: str | None
    deleted: bool
    created_at: datetime
    created_by: str
    updated_at: datetime
    updated_by: str


@dataclass(frozen=True, slots=True)
class LiteracyAttainment:
    """History of a person's literacy level, so the standard can be computed as of any date."""

    id: str
    person_id: str
    level: int
    attained_on: date | None
    source: str
    source_ref: str | None
    owner_office_id: str
    rev: str
    prev_rev: str | None
    deleted: bool
    created_at: datetime
    created_by: str
    updated_at: datetime
    updated_by: str


@dataclass(frozen=True, slots=True)
class LiteracyClass:
    id: str
    centre_id: str
    name: str
    phase: int
    current_term: int
    teacher_name: str
    village_id: str | None
    start_date: date
    end_date: date | None
    funding_programme: str
    owner_office_id: str
    rev: str
    prev_rev: str | None
    deleted: bool
    created_at: datetime
    created_by: str
    updated_at: datetime
    updated_by: str


@dataclass(frozen=True, slots=True)
class LiteracyRuleRecord:
    """Dated rule data for the literacy standard (thresholds and age bands)."""

    id: str
    level: int
    valid_from: date
    valid_to: date | None
    age_from: int
    age_to: int
    difficult_age_from: int
    difficult_age_to: int
    threshold: str
    legal_basis: str
    owner_office_id: str
    rev: str
    prev_rev: str | None
    deleted: bool
    created_at: datetime
    created_by: str
    updated_at: datetime
    updated_by: str


@dataclass(frozen=True, slots=True)
class LocalState:
    """Facts about this installation: its site and office, the clock, the audit head."""

    key: str
    value: str


@dataclass(frozen=True, slots=True)
class Office:
    id: str
    kind: str
    name: str
    unit_id: str | None
    hub_office_id: str | None
    owner_office_id: str
    rev: str
    prev_rev: str | None
    deleted: bool
    created_at: datetime
    created_by: str
    updated_at: datetime
    updated_by: str


@dataclass(frozen=True, slots=True)
class OfficeSetting:
    id: str
    office_id: str
    key: str
    value: str
    owner_office_id: str
    rev: str
    prev_rev: str | None
    deleted: bool
    created_at: datetime
    created_by: str
    updated_at: datetime
    updated_by: str


@dataclass(frozen=True, slots=True)
class Organisation:
    id: str
    commune_id: str
    name: str
    kind: str
    owner_office_id: str
    rev: str
    prev_rev: str | None
    deleted: bool
    created_at: datetime
    created_by: str
    updated_at: datetime
    updated_by: str


@dataclass(frozen=True, slots=True)
class Peer:
    office_id: str
    last_sent_seq: int
    last_sent_at: datetime | None
    acked_seq: int
    acked_at: datetime | None
    last_received_at: datetime | None


@dataclass(frozen=True, slots=True)
class Person:
    id: str
    full_name: str
    name_folded: str
    sex: str
    birth_date: date | None
    birth_year: int
    ethnic_code: str | None
    household_id: str | None
    relation_to_head: str
    commune_id: str
    village_id: str | None
    id_number: str | None
    disability: bool
    exempt: bool
    education: str
    literacy_level: int
    literacy_date: date | None
    literacy_source: str
    moved_away_on: date | None
    died_on: date | None
    note: str
    owner_office_id: str
    rev: str
    prev_rev: str | None
    deleted: bool
    created_at: datetime
    created_by: str
    updated_at: datetime
    updated_by: str


@dataclass(frozen=True, slots=True)
class PersonMerge:
    id: str
    kept_id: str
    other_id: str
    commune_id: str
    merged_at: datetime
    merged_by: str
    moves: str
    undone_at: datetime | None
    undone_by: str
    owner_office_id: str
    rev: str
    prev_rev: str | None
    deleted: bool
    created_at: datetime
    created_by: str
    updated_at: datetime
    updated_by: str


@dataclass(frozen=True, slots=True)
class Registration:
    id: str
    year: int
    model_kind: str
    subject_id: str
    commune_id: str
    registered_on: date
    status: str
    owner_office_id: str
    rev: str
    prev_rev: str | None
    deleted: bool
    created_at: datetime
    created_by: str
    updated_at: datetime
    updated_by: str


@dataclass(frozen=True, slots=True)
class Site:
    id: str
    office_id: str
    name: str
    signing_key: str | None
    encryption_key: str | None
    revoked_at: datetime | None
    revoke_reason: str
    owner_office_id: str
    rev: str
    prev_rev: str | None
    deleted: bool
    created_at: datetime
    created_by: str
    updated_at: datetime
    updated_by: str


@dataclass(frozen=True, slots=True)
class SiteReceipt:
    """What this site has applied from each remote site (see storage.models.SiteReceipt)."""

    site_id: str
    highest_seq: int
    updated_at: datetime
    office_id: str | None
    sender_max_rev: str | None
    gap_from: int
    gap_to: int


@dataclass(frozen=True, slots=True)
class PeerSite:
    site_id: str
    office_id: str
    acked_seq: int
    acked_at: datetime | None
    receipt_as_of: str


@dataclass(frozen=True, slots=True)
class TermResult:
    id: str
    enrolment_id: str
    term: int
    subject: str
    result: str
    recorded_on: date
    owner_office_id: str
    rev: str
    prev_rev: str | None
    deleted: bool
    created_at: datetime
    created_by: str
    updated_at: datetime
    updated_by: str


@dataclass(frozen=True, slots=True)
class UnitDesignation:
    id: str
    unit_id: str
    flag: str
    valid_from: date
    valid_to: date | None
    legal_basis: str
    owner_office_id: str
    rev: str
    prev_rev: str | None
    deleted: bool
    created_at: datetime
    created_by: str
    updated_at: datetime
    updated_by: str


@dataclass(frozen=True, slots=True)
class User:
    id: str
    username: str
    display_name: str
    role: str
    password_hash: str
    active: bool
    failed_logins: int
    locked_until: datetime | None
    created_at: datetime
