"""the audit trail indexed by submission and action, for a summary's status history

A summary page lists the submission's "reviewed" and "reopened" events. The index on
(submission, time) found every event of the submission, and every view of it writes
one: the lookup walked all its views. With the action in the index it reads the few
status changes alone. The new index still serves the audit page's search by submission
(its first column), so it replaces the old one.

Revision ID: 0008_audit_status_index
Revises: 0007_sealed_patient_name
Create Date: 2026-12-02 17:30:00.000000

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0008_audit_status_index"
down_revision = "0007_sealed_patient_name"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        "ix_audit_event_submission_action_at",
        "audit_event",
        ["submission_public_id", "action", "at"],
        unique=False,
    )
    op.drop_index("ix_audit_event_submission_at", table_name="audit_event")


def downgrade():
    op.create_index(
        "ix_audit_event_submission_at", "audit_event", ["submission_public_id", "at"], unique=False
    )
    op.drop_index("ix_audit_event_submission_action_at", table_name="audit_event")
