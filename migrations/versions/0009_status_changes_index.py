"""a partial index of the audit trail's status changes, for a summary's status history

A summary page lists the submission's "reviewed" and "reopened" events. The index on
(submission, action, time) found them only when the planner chose to put the action in
the index scan: on PostgreSQL, before the table's first ANALYZE (a new deployment, a
fresh benchmark), it scanned the submission's every event, views included, and threw
all but the status changes away: 0.9 ms after 2,000 views, rising with each one. This
index holds the status changes alone, so the history reads those few rows whatever the
statistics say (0.07 ms). Views never enter it, so writing one costs it nothing. The
older index stays: the audit page's search by submission uses it.

Revision ID: 0009_status_changes_index
Revises: 0008_audit_status_index
Create Date: 2026-12-03 09:30:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0009_status_changes_index"
down_revision = "0008_audit_status_index"
branch_labels = None
depends_on = None

STATUS_CHANGES = sa.text("action IN ('submission.reviewed', 'submission.reopened')")


def upgrade():
    op.create_index(
        "ix_audit_event_status_changes",
        "audit_event",
        ["submission_public_id", "at"],
        unique=False,
        postgresql_where=STATUS_CHANGES,
        sqlite_where=STATUS_CHANGES,
    )


def downgrade():
    op.drop_index("ix_audit_event_status_changes", table_name="audit_event")
