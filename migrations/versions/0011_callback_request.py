"""callback requests: "ask the clinic to call me today" from the urgent and support pages

Revision ID: 0011_callback_request
Revises: 0010_safety_record
Create Date: 2026-12-05 00:45:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0011_callback_request"
down_revision = "0010_safety_record"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "callback_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("phone", sa.Text(), nullable=False),
        sa.Column("good_time", sa.Text(), nullable=False),
        sa.Column("tier", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("handled_at", sa.DateTime(), nullable=True),
        sa.Column("handled_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["handled_by_id"], ["clinician.id"]),
        sa.ForeignKeyConstraint(["submission_id"], ["submission.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_callback_request_handled_created", "callback_request", ["handled_at", "created_at"], unique=False
    )


def downgrade():
    op.drop_index("ix_callback_request_handled_created", table_name="callback_request")
    op.drop_table("callback_request")
