"""Initial schema: every record of DESIGN §3, and on SQLite the folded-name search index.

Revision ID: 0001
Revises:
Create Date: 2026-11-27 00:21:42.837333
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0001'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('admin_unit',
    sa.Column('key', sa.String(length=60), nullable=True),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('name_folded', sa.String(length=120), nullable=False),
    sa.Column('parent_id', sa.String(length=36), nullable=True),
    sa.Column('code', sa.String(length=20), nullable=True),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('is_demo', sa.Boolean(), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('owner_office_id', sa.String(length=36), nullable=False),
    sa.Column('rev', sa.String(length=64), nullable=False),
    sa.Column('prev_rev', sa.String(length=64), nullable=True),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['parent_id'], ['admin_unit.id'], name=op.f('fk_admin_unit_parent_id_admin_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_admin_unit')),
    sa.UniqueConstraint('key', name=op.f('uq_admin_unit_key'))
    )
    with op.batch_alter_table('admin_unit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_admin_unit_name_folded'), ['name_folded'], unique=False)
        batch_op.create_index(batch_op.f('ix_admin_unit_owner_office_id'), ['owner_office_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_admin_unit_parent_id'), ['parent_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_admin_unit_rev'), ['rev'], unique=False)

    op.create_table('app_user',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('username', sa.String(length=60), nullable=False),
    sa.Column('display_name', sa.String(length=120), nullable=False),
    sa.Column('role', sa.String(length=10), nullable=False),
    sa.Column('password_hash', sa.String(length=200), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('failed_logins', sa.Integer(), nullable=False),
    sa.Column('locked_until', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_app_user')),
    sa.UniqueConstraint('username', name=op.f('uq_app_user_username'))
    )
    op.create_table('audit_event',
    sa.Column('seq', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('site_id', sa.String(length=36), nullable=False),
    sa.Column('actor', sa.String(length=100), nullable=False),
    sa.Column('action', sa.String(length=60), nullable=False),
    sa.Column('record_type', sa.String(length=40), nullable=False),
    sa.Column('record_id', sa.String(length=36), nullable=False),
    sa.Column('before', sa.Text(), nullable=True),
    sa.Column('after', sa.Text(), nullable=True),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('seq', name=op.f('pk_audit_event'))
    )
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_event_record_id'), ['record_id'], unique=False)

    op.create_table('bundle_ledger',
    sa.Column('bundle_id', sa.String(length=36), nullable=False),
    sa.Column('direction', sa.String(length=4), nullable=False),
    sa.Column('peer_office_id', sa.String(length=36), nullable=False),
    sa.Column('sender_site_id', sa.String(length=36), nullable=False),
    sa.Column('seq_from', sa.Integer(), nullable=False),
    sa.Column('seq_to', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('counts', sa.Text(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('file_name', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('bundle_id', name=op.f('pk_bundle_ledger'))
    )
    with op.batch_alter_table('bundle_ledger', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bundle_ledger_peer_office_id'), ['peer_office_id'], unique=False)

    op.create_table('change_log',
    sa.Column('seq', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('record_type', sa.String(length=40), nullable=False),
    sa.Column('record_id', sa.String(length=36), nullable=False),
    sa.Column('rev', sa.String(length=64), nullable=False),
    sa.Column('origin_site_id', sa.String(length=36), nullable=False),
    sa.PrimaryKeyConstraint('seq', name=op.f('pk_change_log'))
    )
    with op.batch_alter_table('change_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_change_log_record_id'), ['record_id'], unique=False)

    op.create_table('conflict',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('record_type', sa.String(length=40), nullable=False),
    sa.Column('record_id', sa.String(length=36), nullable=False),
    sa.Column('winner_rev', sa.String(length=64), nullable=False),
    sa.Column('loser_rev', sa.String(length=64), nullable=False),
    sa.Column('winner_state', sa.Text(), nullable=False),
    sa.Column('loser_state', sa.Text(), nullable=False),
    sa.Column('loser_was_local', sa.Boolean(), nullable=False),
    sa.Column('detected_at', sa.DateTime(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('resolved_at', sa.DateTime(), nullable=True),
    sa.Column('resolved_by', sa.String(length=100), nullable=True),
    sa.Column('resolution', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_conflict'))
    )
    with op.batch_alter_table('conflict', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_conflict_record_id'), ['record_id'], unique=False)

    op.create_table('criteria_set',
    sa.Column('model_kind', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('legal_source', sa.Text(), nullable=False),
    sa.Column('effective_from', sa.Date(), nullable=False),
    sa.Column('effective_to', sa.Date(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('is_template', sa.Boolean(), nullable=False),
    sa.Column('definition', sa.Text(), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('owner_office_id', sa.String(length=36), nullable=False),
    sa.Column('rev', sa.String(length=64), nullable=False),
    sa.Column('prev_rev', sa.String(length=64), nullable=True),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by', sa.String(length=100), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_criteria_set'))
    )
    with op.batch_alter_table('criteria_set', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_criteria_set_owner_office_id'), ['owner_office_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_criteria_set_rev'), ['rev'], unique=False)

    op.create_table('ethnic_group',
    sa.Column('code', sa.String(length=4), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('aliases', sa.Text(), nullable=False),
    sa.Column('minority', sa.Boolean(), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('owner_office_id', sa.String(length=36), nullable=False),
    sa.Column('rev', sa.String(length=64), nullable=False),
    sa.Column('prev_rev', sa.String(length=64), nullable=True),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by', sa.String(length=100), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ethnic_group')),
    sa.UniqueConstraint('code', name=op.f('uq_ethnic_group_code'))
    )
    with op.batch_alter_table('ethnic_group', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ethnic_group_owner_office_id'), ['owner_office_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ethnic_group_rev'), ['rev'], unique=False)

    op.create_table('literacy_rule',
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.Column('age_from', sa.Integer(), nullable=False),
    sa.Column('age_to', sa.Integer(), nullable=False),
    sa.Column('difficult_age_from', sa.Integer(), nullable=False),
    sa.Column('difficult_age_to', sa.Integer(), nullable=False),
    sa.Column('threshold', sa.String(length=10), nullable=False),
    sa.Column('legal_basis', sa.Text(), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('owner_office_id', sa.String(length=36), nullable=False),
    sa.Column('rev', sa.String(length=64), nullable=False),
    sa.Column('prev_rev', sa.String(length=64), nullable=True),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by', sa.String(length=100), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_literacy_rule'))
    )
    with op.batch_alter_table('literacy_rule', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_literacy_rule_owner_office_id'), ['owner_office_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_literacy_rule_rev'), ['rev'], unique=False)

    op.create_table('local_state',
    sa.Column('key', sa.String(length=60), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_local_state'))
    )
    op.create_table('peer',
    sa.Column('office_id', sa.String(length=36), nullable=False),
    sa.Column('last_sent_seq', sa.Integer(), nullable=False),
    sa.Column('last_sent_at', sa.DateTime(), nullable=True),
    sa.Column('acked_seq', sa.Integer(), nullable=False),
    sa.Column('acked_at', sa.DateTime(), nullable=True),
    sa.Column('last_received_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('office_id', name=op.f('pk_peer'))
    )
    op.create_table('site_receipt',
    sa.Column('site_id', sa.String(length=36), nullable=False),
    sa.Column('highest_seq', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('site_id', name=op.f('pk_site_receipt'))
    )
    op.create_table('admin_succession',
    sa.Column('predecessor_id', sa.String(length=36), nullable=False),
    sa.Column('successor_id', sa.String(length=36), nullable=False),
    sa.Column('effective', sa.Date(), nullable=False),
    sa.Column('share', sa.String(length=10), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('owner_office_id', sa.String(length=36), nullable=False),
    sa.Column('rev', sa.String(length=64), nullable=False),
    sa.Column('prev_rev', sa.String(length=64), nullable=True),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['predecessor_id'], ['admin_unit.id'], name=op.f('fk_admin_succession_predecessor_id_admin_unit')),
    sa.ForeignKeyConstraint(['successor_id'], ['admin_unit.id'], name=op.f('fk_admin_succession_successor_id_admin_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_admin_succession'))
    )
    with op.batch_alter_table('admin_succession', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_admin_succession_owner_office_id'), ['owner_office_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_admin_succession_predecessor_id'), ['predecessor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_admin_succession_rev'), ['rev'], unique=False)
        batch_op.create_index(batch_op.f('ix_admin_succession_successor_id'), ['successor_id'], unique=False)

    op.create_table('decision',
    sa.Column('issuer_unit_id', sa.String(length=36), nullable=False),
    sa.Column('number', sa.String(length=40), nullable=False),
    sa.Column('decided_on', sa.Date(), nullable=False),
    sa.Column('signer_name', sa.String(length=120), nullable=False),
    sa.Column('signer_title', sa.String(length=20), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('revoked_on', sa.Date(), nullable=True),
    sa.Column('revoke_reason', sa.Text(), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('owner_office_id', sa.String(length=36), nullable=False),
    sa.Column('rev', sa.String(length=64), nullable=False),
    sa.Column('prev_rev', sa.String(length=64), nullable=True),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['issuer_unit_id'], ['admin_unit.id'], name=op.f('fk_decision_issuer_unit_id_admin_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_decision'))
    )
    with op.batch_alter_table('decision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_decision_issuer_unit_id'), ['issuer_unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_decision_owner_office_id'), ['owner_office_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_decision_rev'), ['rev'], unique=False)
        batch_op.create_index(batch_op.f('ix_decision_year'), ['year'], unique=False)

    op.create_table('household',
    sa.Column('commune_id', sa.String(length=36), nullable=False),
    sa.Column('village_id', sa.String(length=36), nullable=True),
    sa.Column('number', sa.String(length=30), nullable=False),
    sa.Column('head_person_id', sa.String(length=36), nullable=True),
    sa.Column('address', sa.Text(), nullable=False),
    sa.Column('residence_status', sa.String(length=20), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('owner_office_id', sa.String(length=36), nullable=False),
    sa.Column('rev', sa.String(length=64), nullable=False),
    sa.Column('prev_rev', sa.String(length=64), nullable=True),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['commune_id'], ['admin_unit.id'], name=op.f('fk_household_commune_id_admin_unit')),
    sa.ForeignKeyConstraint(['village_id'], ['admin_unit.id'], name=op.f('fk_household_village_id_admin_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_household'))
    )
    with op.batch_alter_table('household', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_household_commune_id'), ['commune_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_household_head_person_id'), ['head_person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_household_owner_office_id'), ['owner_office_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_household_rev'), ['rev'], unique=False)
        batch_op.create_index(batch_op.f('ix_household_village_id'), ['village_id'], unique=False)

    op.create_table('learning_centre',
    sa.Column('commune_id', sa.String(length=36), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('founding_decision', sa.String(length=100), nullable=False),
    sa.Column('founded_on', sa.Date(), nullable=True),
    sa.Column('has_premises', sa.Boolean(), nullable=False),
    sa.Column('has_seal', sa.Boolean(), nullable=False),
    sa.Column('has_bank_account', sa.Boolean(), nullable=False),
    sa.Column('computers', sa.Integer(), nullable=False),
    sa.Column('has_internet', sa.Boolean(), nullable=False),
    sa.Column('has_book_corner', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('merged_into_id', sa.String(length=36), nullable=True),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('owner_office_id', sa.String(length=36), nullable=False),
    sa.Column('rev', sa.String(length=64), nullable=False),
    sa.Column('prev_rev', sa.String(length=64), nullable=True),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['commune_id'], ['admin_unit.id'], name=op.f('fk_learning_centre_commune_id_admin_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_learning_centre'))
    )
    with op.batch_alter_table('learning_centre', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_learning_centre_commune_id'), ['commune_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_learning_centre_owner_office_id'), ['owner_office_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_learning_centre_rev'), ['rev'], unique=False)

    op.create_table('office',
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('unit_id', sa.String(length=36), nullable=True),
    sa.Column('hub_office_id', sa.String(length=36), nullable=True),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('owner_office_id', sa.String(length=36), nullable=False),
    sa.Column('rev', sa.String(length=64), nullable=False),
    sa.Column('prev_rev', sa.String(length=64), nullable=True),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['admin_unit.id'], name=op.f('fk_office_unit_id_admin_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_office'))
    )
    with op.batch_alter_table('office', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_office_owner_office_id'), ['owner_office_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_office_rev'), ['rev'], unique=False)
        batch_op.create_index(batch_op.f('ix_office_unit_id'), ['unit_id'], unique=False)

    op.create_table('organisation',
    sa.Column('commune_id', sa.String(length=36), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('owner_office_id', sa.String(length=36), nullable=False),
    sa.Column('rev', sa.String(length=64), nullable=False),
    sa.Column('prev_rev', sa.String(length=64), nullable=True),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['commune_id'], ['admin_unit.id'], name=op.f('fk_organisation_commune_id_admin_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organisation'))
    )
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organisation_commune_id'), ['commune_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_organisation_owner_office_id'), ['owner_office_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_organisation_rev'), ['rev'], unique=False)

    op.create_table('registration',
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('model_kind', sa.String(length=20), nullable=False),
    sa.Column('subject_id', sa.String(length=36), nullable=False),
    sa.Column('commune_id', sa.String(length=36), nullable=False),
    sa.Column('registered_on', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('owner_office_id', sa.String(length=36), nullable=False),
    sa.Column('rev', sa.String(length=64), nullable=False),
    sa.Column('prev_rev', sa.String(length=64), nullable=True),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['commune_id'], ['admin_unit.id'], name=op.f('fk_registration_commune_id_admin_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_registration'))
    )
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_registration_commune_id'), ['commune_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_registration_owner_office_id'), ['owner_office_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_registration_rev'), ['rev'], unique=False)
        batch_op.create_index(batch_op.f('ix_registration_subject_id'), ['subject_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_registration_year'), ['year'], unique=False)

    op.create_table('unit_designation',
    sa.Column('unit_id', sa.String(length=36), nullable=False),
    sa.Column('flag', sa.String(length=40), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.Column('legal_basis', sa.Text(), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('owner_office_id', sa.String(length=36), nullable=False),
    sa.Column('rev', sa.String(length=64), nullable=False),
    sa.Column('prev_rev', sa.String(length=64), nullable=True),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['admin_unit.id'], name=op.f('fk_unit_designation_unit_id_admin_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_unit_designation'))
    )
    with op.batch_alter_table('unit_designation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_unit_designation_owner_office_id'), ['owner_office_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_unit_designation_rev'), ['rev'], unique=False)
        batch_op.create_index(batch_op.f('ix_unit_designation_unit_id'), ['unit_id'], unique=False)

    op.create_table('centre_activity',
    sa.Column('centre_id', sa.String(length=36), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('sessions', sa.Integer(), nullable=False),
    sa.Column('participants_total', sa.Integer(), nullable=False),
    sa.Column('participants_female', sa.Integer(), nullable=False),
    sa.Column('participants_minority', sa.Integer(), nullable=False),
    sa.Column('funding', sa.Integer(), nullable=False),
    sa.Column('funding_source', sa.String(length=120), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('owner_office_id', sa.String(length=36), nullable=False),
    sa.Column('rev', sa.String(length=64), nullable=False),
    sa.Column('prev_rev', sa.String(length=64), nullable=True),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['centre_id'], ['learning_centre.id'], name=op.f('fk_centre_activity_centre_id_learning_centre')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_centre_activity'))
    )
    with op.batch_alter_table('centre_activity', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_centre_activity_centre_id'), ['centre_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_centre_activity_owner_office_id'), ['owner_office_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_centre_activity_rev'), ['rev'], unique=False)

    op.create_table('centre_ranking',
    sa.Column('centre_id', sa.String(length=36), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('ranking', sa.String(length=12), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('owner_office_id', sa.String(length=36), nullable=False),
    sa.Column('rev', sa.String(length=64), nullable=False),
    sa.Column('prev_rev', sa.String(length=64), nullable=True),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['centre_id'], ['learning_centre.id'], name=op.f('fk_centre_ranking_centre_id_learning_centre')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_centre_ranking'))
    )
    with op.batch_alter_table('centre_ranking', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_centre_ranking_centre_id'), ['centre_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_centre_ranking_owner_office_id'), ['owner_office_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_centre_ranking_rev'), ['rev'], unique=False)

    op.create_table('centre_staff',
    sa.Column('centre_id', sa.String(length=36), nullable=False),
    sa.Column('full_name', sa.String(length=120), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('position', sa.String(length=120), nullable=False),
    sa.Column('from_date', sa.Date(), nullable=True),
    sa.Column('to_date', sa.Date(), nullable=True),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('owner_office_id', sa.String(length=36), nullable=False),
    sa.Column('rev', sa.String(length=64), nullable=False),
    sa.Column('prev_rev', sa.String(length=64), nullable=True),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['centre_id'], ['learning_centre.id'], name=op.f('fk_centre_staff_centre_id_learning_centre')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_centre_staff'))
    )
    with op.batch_alter_table('centre_staff', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_centre_staff_centre_id'), ['centre_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_centre_staff_owner_office_id'), ['owner_office_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_centre_staff_rev'), ['rev'], unique=False)

    op.create_table('evaluation',
    sa.Column('registration_id', sa.String(length=36), nullable=False),
    sa.Column('criteria_set_id', sa.String(length=36), nullable=False),
    sa.Column('evaluated_on', sa.Date(), nullable=False),
    sa.Column('scores', sa.Text(), nullable=False),
    sa.Column('total', sa.String(length=12), nullable=False),
    sa.Column('passed', sa.Boolean(), nullable=False),
    sa.Column('self_assessment', sa.Boolean(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('owner_office_id', sa.String(length=36), nullable=False),
    sa.Column('rev', sa.String(length=64), nullable=False),
    sa.Column('prev_rev', sa.String(length=64), nullable=True),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['criteria_set_id'], ['criteria_set.id'], name=op.f('fk_evaluation_criteria_set_id_criteria_set')),
    sa.ForeignKeyConstraint(['registration_id'], ['registration.id'], name=op.f('fk_evaluation_registration_id_registration')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evaluation'))
    )
    with op.batch_alter_table('evaluation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evaluation_criteria_set_id'), ['criteria_set_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_evaluation_owner_office_id'), ['owner_office_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_evaluation_registration_id'), ['registration_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_evaluation_rev'), ['rev'], unique=False)

    op.create_table('literacy_class',
    sa.Column('centre_id', sa.String(length=36), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('phase', sa.Integer(), nullable=False),
    sa.Column('current_term', sa.Integer(), nullable=False),
    sa.Column('teacher_name', sa.String(length=120), nullable=False),
    sa.Column('village_id', sa.String(length=36), nullable=True),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('funding_programme', sa.String(length=120), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('owner_office_id', sa.String(length=36), nullable=False),
    sa.Column('rev', sa.String(length=64), nullable=False),
    sa.Column('prev_rev', sa.String(length=64), nullable=True),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['centre_id'], ['learning_centre.id'], name=op.f('fk_literacy_class_centre_id_learning_centre')),
    sa.ForeignKeyConstraint(['village_id'], ['admin_unit.id'], name=op.f('fk_literacy_class_village_id_admin_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_literacy_class'))
    )
    with op.batch_alter_table('literacy_class', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_literacy_class_centre_id'), ['centre_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_literacy_class_owner_office_id'), ['owner_office_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_literacy_class_rev'), ['rev'], unique=False)
        batch_op.create_index(batch_op.f('ix_literacy_class_village_id'), ['village_id'], unique=False)

    op.create_table('office_setting',
    sa.Column('office_id', sa.String(length=36), nullable=False),
    sa.Column('key', sa.String(length=60), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('owner_office_id', sa.String(length=36), nullable=False),
    sa.Column('rev', sa.String(length=64), nullable=False),
    sa.Column('prev_rev', sa.String(length=64), nullable=True),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['office_id'], ['office.id'], name=op.f('fk_office_setting_office_id_office')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_office_setting')),
    sa.UniqueConstraint('office_id', 'key', name=op.f('uq_office_setting_office_id'))
    )
    with op.batch_alter_table('office_setting', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_office_setting_office_id'), ['office_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_office_setting_owner_office_id'), ['owner_office_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_office_setting_rev'), ['rev'], unique=False)

    op.create_table('person',
    sa.Column('full_name', sa.String(length=120), nullable=False),
    sa.Column('name_folded', sa.String(length=120), nullable=False),
    sa.Column('sex', sa.String(length=1), nullable=False),
    sa.Column('birth_date', sa.Date(), nullable=True),
    sa.Column('birth_year', sa.Integer(), nullable=False),
    sa.Column('ethnic_code', sa.String(length=4), nullable=True),
    sa.Column('household_id', sa.String(length=36), nullable=True),
    sa.Column('relation_to_head', sa.String(length=40), nullable=False),
    sa.Column('commune_id', sa.String(length=36), nullable=False),
    sa.Column('village_id', sa.String(length=36), nullable=True),
    sa.Column('id_number', sa.String(length=20), nullable=True),
    sa.Column('disability', sa.Boolean(), nullable=False),
    sa.Column('exempt', sa.Boolean(), nullable=False),
    sa.Column('education', sa.String(length=40), nullable=False),
    sa.Column('literacy_level', sa.Integer(), nullable=False),
    sa.Column('literacy_date', sa.Date(), nullable=True),
    sa.Column('literacy_source', sa.String(length=40), nullable=False),
    sa.Column('moved_away_on', sa.Date(), nullable=True),
    sa.Column('died_on', sa.Date(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('owner_office_id', sa.String(length=36), nullable=False),
    sa.Column('rev', sa.String(length=64), nullable=False),
    sa.Column('prev_rev', sa.String(length=64), nullable=True),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['commune_id'], ['admin_unit.id'], name=op.f('fk_person_commune_id_admin_unit')),
    sa.ForeignKeyConstraint(['household_id'], ['household.id'], name=op.f('fk_person_household_id_household')),
    sa.ForeignKeyConstraint(['village_id'], ['admin_unit.id'], name=op.f('fk_person_village_id_admin_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_person'))
    )
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_person_commune_id'), ['commune_id'], unique=False)
        batch_op.create_index('ix_person_commune_name', ['commune_id', 'name_folded'], unique=False)
        batch_op.create_index(batch_op.f('ix_person_household_id'), ['household_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_person_name_folded'), ['name_folded'], unique=False)
        batch_op.create_index(batch_op.f('ix_person_owner_office_id'), ['owner_office_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_person_rev'), ['rev'], unique=False)
        batch_op.create_index(batch_op.f('ix_person_village_id'), ['village_id'], unique=False)

    op.create_table('site',
    sa.Column('office_id', sa.String(length=36), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('signing_key', sa.String(length=100), nullable=True),
    sa.Column('encryption_key', sa.String(length=100), nullable=True),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.Column('revoke_reason', sa.Text(), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('owner_office_id', sa.String(length=36), nullable=False),
    sa.Column('rev', sa.String(length=64), nullable=False),
    sa.Column('prev_rev', sa.String(length=64), nullable=True),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['office_id'], ['office.id'], name=op.f('fk_site_office_id_office')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_site'))
    )
    with op.batch_alter_table('site', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_site_office_id'), ['office_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_site_owner_office_id'), ['owner_office_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_site_rev'), ['rev'], unique=False)

    op.create_table('clan',
    sa.Column('commune_id', sa.String(length=36), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('head_person_id', sa.String(length=36), nullable=True),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('owner_office_id', sa.String(length=36), nullable=False),
    sa.Column('rev', sa.String(length=64), nullable=False),
    sa.Column('prev_rev', sa.String(length=64), nullable=True),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['commune_id'], ['admin_unit.id'], name=op.f('fk_clan_commune_id_admin_unit')),
    sa.ForeignKeyConstraint(['head_person_id'], ['person.id'], name=op.f('fk_clan_head_person_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_clan'))
    )
    with op.batch_alter_table('clan', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_clan_commune_id'), ['commune_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_clan_head_person_id'), ['head_person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_clan_owner_office_id'), ['owner_office_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_clan_rev'), ['rev'], unique=False)

    op.create_table('decision_entry',
    sa.Column('decision_id', sa.String(length=36), nullable=False),
    sa.Column('registration_id', sa.String(length=36), nullable=False),
    sa.Column('evaluation_id', sa.String(length=36), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('display_name', sa.String(length=200), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('owner_office_id', sa.String(length=36), nullable=False),
    sa.Column('rev', sa.String(length=64), nullable=False),
    sa.Column('prev_rev', sa.String(length=64), nullable=True),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['decision_id'], ['decision.id'], name=op.f('fk_decision_entry_decision_id_decision')),
    sa.ForeignKeyConstraint(['evaluation_id'], ['evaluation.id'], name=op.f('fk_decision_entry_evaluation_id_evaluation')),
    sa.ForeignKeyConstraint(['registration_id'], ['registration.id'], name=op.f('fk_decision_entry_registration_id_registration')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_decision_entry'))
    )
    with op.batch_alter_table('decision_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_decision_entry_decision_id'), ['decision_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_decision_entry_evaluation_id'), ['evaluation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_decision_entry_owner_office_id'), ['owner_office_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_decision_entry_registration_id'), ['registration_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_decision_entry_rev'), ['rev'], unique=False)

    op.create_table('enrolment',
    sa.Column('class_id', sa.String(length=36), nullable=False),
    sa.Column('person_id', sa.String(length=36), nullable=False),
    sa.Column('enrolled_on', sa.Date(), nullable=False),
    sa.Column('left_on', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('drop_reason', sa.Text(), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('owner_office_id', sa.String(length=36), nullable=False),
    sa.Column('rev', sa.String(length=64), nullable=False),
    sa.Column('prev_rev', sa.String(length=64), nullable=True),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['class_id'], ['literacy_class.id'], name=op.f('fk_enrolment_class_id_literacy_class')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_enrolment_person_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enrolment'))
    )
    with op.batch_alter_table('enrolment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_enrolment_class_id'), ['class_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_enrolment_owner_office_id'), ['owner_office_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_enrolment_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_enrolment_rev'), ['rev'], unique=False)

    op.create_table('literacy_attainment',
    sa.Column('person_id', sa.String(length=36), nullable=False),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('attained_on', sa.Date(), nullable=True),
    sa.Column('source', sa.String(length=40), nullable=False),
    sa.Column('source_ref', sa.String(length=36), nullable=True),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('owner_office_id', sa.String(length=36), nullable=False),
    sa.Column('rev', sa.String(length=64), nullable=False),
    sa.Column('prev_rev', sa.String(length=64), nullable=True),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_literacy_attainment_person_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_literacy_attainment'))
    )
    with op.batch_alter_table('literacy_attainment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_literacy_attainment_owner_office_id'), ['owner_office_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_literacy_attainment_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_literacy_attainment_rev'), ['rev'], unique=False)

    op.create_table('certificate',
    sa.Column('entry_id', sa.String(length=36), nullable=False),
    sa.Column('office_id', sa.String(length=36), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('serial', sa.Integer(), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('verification_code', sa.String(length=200), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('owner_office_id', sa.String(length=36), nullable=False),
    sa.Column('rev', sa.String(length=64), nullable=False),
    sa.Column('prev_rev', sa.String(length=64), nullable=True),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['entry_id'], ['decision_entry.id'], name=op.f('fk_certificate_entry_id_decision_entry')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_certificate')),
    sa.UniqueConstraint('office_id', 'year', 'serial', name=op.f('uq_certificate_office_id'))
    )
    with op.batch_alter_table('certificate', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_certificate_entry_id'), ['entry_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_certificate_owner_office_id'), ['owner_office_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_certificate_rev'), ['rev'], unique=False)

    op.create_table('clan_member',
    sa.Column('clan_id', sa.String(length=36), nullable=False),
    sa.Column('household_id', sa.String(length=36), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('owner_office_id', sa.String(length=36), nullable=False),
    sa.Column('rev', sa.String(length=64), nullable=False),
    sa.Column('prev_rev', sa.String(length=64), nullable=True),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['clan_id'], ['clan.id'], name=op.f('fk_clan_member_clan_id_clan')),
    sa.ForeignKeyConstraint(['household_id'], ['household.id'], name=op.f('fk_clan_member_household_id_household')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_clan_member'))
    )
    with op.batch_alter_table('clan_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_clan_member_clan_id'), ['clan_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_clan_member_household_id'), ['household_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_clan_member_owner_office_id'), ['owner_office_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_clan_member_rev'), ['rev'], unique=False)

    op.create_table('term_result',
    sa.Column('enrolment_id', sa.String(length=36), nullable=False),
    sa.Column('term', sa.Integer(), nullable=False),
    sa.Column('subject', sa.String(length=40), nullable=False),
    sa.Column('result', sa.String(length=12), nullable=False),
    sa.Column('recorded_on', sa.Date(), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('owner_office_id', sa.String(length=36), nullable=False),
    sa.Column('rev', sa.String(length=64), nullable=False),
    sa.Column('prev_rev', sa.String(length=64), nullable=True),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['enrolment_id'], ['enrolment.id'], name=op.f('fk_term_result_enrolment_id_enrolment')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_term_result'))
    )
    with op.batch_alter_table('term_result', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_term_result_enrolment_id'), ['enrolment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_term_result_owner_office_id'), ['owner_office_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_term_result_rev'), ['rev'], unique=False)

    op.create_table('certificate_print',
    sa.Column('certificate_id', sa.String(length=36), nullable=False),
    sa.Column('printed_at', sa.DateTime(), nullable=False),
    sa.Column('reprint', sa.Boolean(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('owner_office_id', sa.String(length=36), nullable=False),
    sa.Column('rev', sa.String(length=64), nullable=False),
    sa.Column('prev_rev', sa.String(length=64), nullable=True),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['certificate_id'], ['certificate.id'], name=op.f('fk_certificate_print_certificate_id_certificate')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_certificate_print'))
    )
    with op.batch_alter_table('certificate_print', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_certificate_print_certificate_id'), ['certificate_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_certificate_print_owner_office_id'), ['owner_office_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_certificate_print_rev'), ['rev'], unique=False)

    _create_search_index()


def downgrade() -> None:
    _drop_search_index()
    with op.batch_alter_table('certificate_print', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_certificate_print_rev'))
        batch_op.drop_index(batch_op.f('ix_certificate_print_owner_office_id'))
        batch_op.drop_index(batch_op.f('ix_certificate_print_certificate_id'))

    op.drop_table('certificate_print')
    with op.batch_alter_table('term_result', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_term_result_rev'))
        batch_op.drop_index(batch_op.f('ix_term_result_owner_office_id'))
        batch_op.drop_index(batch_op.f('ix_term_result_enrolment_id'))

    op.drop_table('term_result')
    with op.batch_alter_table('clan_member', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_clan_member_rev'))
        batch_op.drop_index(batch_op.f('ix_clan_member_owner_office_id'))
        batch_op.drop_index(batch_op.f('ix_clan_member_household_id'))
        batch_op.drop_index(batch_op.f('ix_clan_member_clan_id'))

    op.drop_table('clan_member')
    with op.batch_alter_table('certificate', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_certificate_rev'))
        batch_op.drop_index(batch_op.f('ix_certificate_owner_office_id'))
        batch_op.drop_index(batch_op.f('ix_certificate_entry_id'))

    op.drop_table('certificate')
    with op.batch_alter_table('literacy_attainment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_literacy_attainment_rev'))
        batch_op.drop_index(batch_op.f('ix_literacy_attainment_person_id'))
        batch_op.drop_index(batch_op.f('ix_literacy_attainment_owner_office_id'))

    op.drop_table('literacy_attainment')
    with op.batch_alter_table('enrolment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_enrolment_rev'))
        batch_op.drop_index(batch_op.f('ix_enrolment_person_id'))
        batch_op.drop_index(batch_op.f('ix_enrolment_owner_office_id'))
        batch_op.drop_index(batch_op.f('ix_enrolment_class_id'))

    op.drop_table('enrolment')
    with op.batch_alter_table('decision_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_decision_entry_rev'))
        batch_op.drop_index(batch_op.f('ix_decision_entry_registration_id'))
        batch_op.drop_index(batch_op.f('ix_decision_entry_owner_office_id'))
        batch_op.drop_index(batch_op.f('ix_decision_entry_evaluation_id'))
        batch_op.drop_index(batch_op.f('ix_decision_entry_decision_id'))

    op.drop_table('decision_entry')
    with op.batch_alter_table('clan', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_clan_rev'))
        batch_op.drop_index(batch_op.f('ix_clan_owner_office_id'))
        batch_op.drop_index(batch_op.f('ix_clan_head_person_id'))
        batch_op.drop_index(batch_op.f('ix_clan_commune_id'))

    op.drop_table('clan')
    with op.batch_alter_table('site', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_site_rev'))
        batch_op.drop_index(batch_op.f('ix_site_owner_office_id'))
        batch_op.drop_index(batch_op.f('ix_site_office_id'))

    op.drop_table('site')
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_person_village_id'))
        batch_op.drop_index(batch_op.f('ix_person_rev'))
        batch_op.drop_index(batch_op.f('ix_person_owner_office_id'))
        batch_op.drop_index(batch_op.f('ix_person_name_folded'))
        batch_op.drop_index(batch_op.f('ix_person_household_id'))
        batch_op.drop_index('ix_person_commune_name')
        batch_op.drop_index(batch_op.f('ix_person_commune_id'))

    op.drop_table('person')
    with op.batch_alter_table('office_setting', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_office_setting_rev'))
        batch_op.drop_index(batch_op.f('ix_office_setting_owner_office_id'))
        batch_op.drop_index(batch_op.f('ix_office_setting_office_id'))

    op.drop_table('office_setting')
    with op.batch_alter_table('literacy_class', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_literacy_class_village_id'))
        batch_op.drop_index(batch_op.f('ix_literacy_class_rev'))
        batch_op.drop_index(batch_op.f('ix_literacy_class_owner_office_id'))
        batch_op.drop_index(batch_op.f('ix_literacy_class_centre_id'))

    op.drop_table('literacy_class')
    with op.batch_alter_table('evaluation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evaluation_rev'))
        batch_op.drop_index(batch_op.f('ix_evaluation_registration_id'))
        batch_op.drop_index(batch_op.f('ix_evaluation_owner_office_id'))
        batch_op.drop_index(batch_op.f('ix_evaluation_criteria_set_id'))

    op.drop_table('evaluation')
    with op.batch_alter_table('centre_staff', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_centre_staff_rev'))
        batch_op.drop_index(batch_op.f('ix_centre_staff_owner_office_id'))
        batch_op.drop_index(batch_op.f('ix_centre_staff_centre_id'))

    op.drop_table('centre_staff')
    with op.batch_alter_table('centre_ranking', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_centre_ranking_rev'))
        batch_op.drop_index(batch_op.f('ix_centre_ranking_owner_office_id'))
        batch_op.drop_index(batch_op.f('ix_centre_ranking_centre_id'))

    op.drop_table('centre_ranking')
    with op.batch_alter_table('centre_activity', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_centre_activity_rev'))
        batch_op.drop_index(batch_op.f('ix_centre_activity_owner_office_id'))
        batch_op.drop_index(batch_op.f('ix_centre_activity_centre_id'))

    op.drop_table('centre_activity')
    with op.batch_alter_table('unit_designation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_unit_designation_unit_id'))
        batch_op.drop_index(batch_op.f('ix_unit_designation_rev'))
        batch_op.drop_index(batch_op.f('ix_unit_designation_owner_office_id'))

    op.drop_table('unit_designation')
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_registration_year'))
        batch_op.drop_index(batch_op.f('ix_registration_subject_id'))
        batch_op.drop_index(batch_op.f('ix_registration_rev'))
        batch_op.drop_index(batch_op.f('ix_registration_owner_office_id'))
        batch_op.drop_index(batch_op.f('ix_registration_commune_id'))

    op.drop_table('registration')
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organisation_rev'))
        batch_op.drop_index(batch_op.f('ix_organisation_owner_office_id'))
        batch_op.drop_index(batch_op.f('ix_organisation_commune_id'))

    op.drop_table('organisation')
    with op.batch_alter_table('office', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_office_unit_id'))
        batch_op.drop_index(batch_op.f('ix_office_rev'))
        batch_op.drop_index(batch_op.f('ix_office_owner_office_id'))

    op.drop_table('office')
    with op.batch_alter_table('learning_centre', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_learning_centre_rev'))
        batch_op.drop_index(batch_op.f('ix_learning_centre_owner_office_id'))
        batch_op.drop_index(batch_op.f('ix_learning_centre_commune_id'))

    op.drop_table('learning_centre')
    with op.batch_alter_table('household', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_household_village_id'))
        batch_op.drop_index(batch_op.f('ix_household_rev'))
        batch_op.drop_index(batch_op.f('ix_household_owner_office_id'))
        batch_op.drop_index(batch_op.f('ix_household_head_person_id'))
        batch_op.drop_index(batch_op.f('ix_household_commune_id'))

    op.drop_table('household')
    with op.batch_alter_table('decision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_decision_year'))
        batch_op.drop_index(batch_op.f('ix_decision_rev'))
        batch_op.drop_index(batch_op.f('ix_decision_owner_office_id'))
        batch_op.drop_index(batch_op.f('ix_decision_issuer_unit_id'))

    op.drop_table('decision')
    with op.batch_alter_table('admin_succession', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_admin_succession_successor_id'))
        batch_op.drop_index(batch_op.f('ix_admin_succession_rev'))
        batch_op.drop_index(batch_op.f('ix_admin_succession_predecessor_id'))
        batch_op.drop_index(batch_op.f('ix_admin_succession_owner_office_id'))

    op.drop_table('admin_succession')
    op.drop_table('site_receipt')
    op.drop_table('peer')
    op.drop_table('local_state')
    with op.batch_alter_table('literacy_rule', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_literacy_rule_rev'))
        batch_op.drop_index(batch_op.f('ix_literacy_rule_owner_office_id'))

    op.drop_table('literacy_rule')
    with op.batch_alter_table('ethnic_group', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ethnic_group_rev'))
        batch_op.drop_index(batch_op.f('ix_ethnic_group_owner_office_id'))

    op.drop_table('ethnic_group')
    with op.batch_alter_table('criteria_set', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_criteria_set_rev'))
        batch_op.drop_index(batch_op.f('ix_criteria_set_owner_office_id'))

    op.drop_table('criteria_set')
    with op.batch_alter_table('conflict', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_conflict_record_id'))

    op.drop_table('conflict')
    with op.batch_alter_table('change_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_change_log_record_id'))

    op.drop_table('change_log')
    with op.batch_alter_table('bundle_ledger', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bundle_ledger_peer_office_id'))

    op.drop_table('bundle_ledger')
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_event_record_id'))

    op.drop_table('audit_event')
    op.drop_table('app_user')
    with op.batch_alter_table('admin_unit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_admin_unit_rev'))
        batch_op.drop_index(batch_op.f('ix_admin_unit_parent_id'))
        batch_op.drop_index(batch_op.f('ix_admin_unit_owner_office_id'))
        batch_op.drop_index(batch_op.f('ix_admin_unit_name_folded'))

    op.drop_table('admin_unit')


# Full-text index of folded person names (SQLite only; PostgreSQL searches name_folded).
# External content on person.rowid: 'rebuild' restores it from the table at any time.
_SEARCH_SQL = [
    "CREATE VIRTUAL TABLE person_fts USING fts5(name_folded, content='person', content_rowid='rowid', "
    "tokenize='unicode61', prefix='2 3')",
    "CREATE TRIGGER person_fts_ai AFTER INSERT ON person BEGIN "
    "INSERT INTO person_fts(rowid, name_folded) VALUES (new.rowid, new.name_folded); END",
    "CREATE TRIGGER person_fts_ad AFTER DELETE ON person BEGIN "
    "INSERT INTO person_fts(person_fts, rowid, name_folded) VALUES ('delete', old.rowid, old.name_folded); END",
    "CREATE TRIGGER person_fts_au AFTER UPDATE OF name_folded ON person BEGIN "
    "INSERT INTO person_fts(person_fts, rowid, name_folded) VALUES ('delete', old.rowid, old.name_folded); "
    "INSERT INTO person_fts(rowid, name_folded) VALUES (new.rowid, new.name_folded); END",
]


def _create_search_index() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for statement in _SEARCH_SQL:
            op.execute(statement)


def _drop_search_index() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in ("person_fts_ai", "person_fts_ad", "person_fts_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS person_fts")
