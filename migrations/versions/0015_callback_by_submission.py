"""callback requests by submission: the summary and the unsent form's page list a form's own

Revision ID: 0015_callback_by_submission
Revises: 0014_media
Create Date: 2026-12-07 07:20:00.000000

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0015_callback_by_submission"
down_revision = "0014_media"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        "ix_callback_request_submission", "callback_request", ["submission_id", "created_at"], unique=False
    )


def downgrade():
    op.drop_index("ix_callback_request_submission", table_name="callback_request")
