"""the same person's earlier submissions: a keyed hash of name and date of birth (issue 27)

`person_index` (indexed with submitted_at) is written when a form is sent; rows sent
before this get theirs from `flask --app intake backfill`, which uses the app's code (a
migration may not). `person_unlink` keeps a clinician's "not the same person".

Revision ID: 0013_person_index
Revises: 0012_sealed_synopsis
Create Date: 2026-12-06 01:30:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0013_person_index"
down_revision = "0012_sealed_synopsis"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("submission", schema=None) as batch_op:
        batch_op.add_column(sa.Column("person_index", sa.String(length=64), nullable=True))
        batch_op.create_index(
            "ix_submission_person_submitted", ["person_index", "submitted_at"], unique=False
        )
    op.create_table(
        "person_unlink",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("other_id", sa.Integer(), nullable=False),
        sa.Column("clinician_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["clinician_id"], ["clinician.id"]),
        sa.ForeignKeyConstraint(["other_id"], ["submission.id"]),
        sa.ForeignKeyConstraint(["submission_id"], ["submission.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_person_unlink_submission", "person_unlink", ["submission_id"], unique=False)
    op.create_index("ix_person_unlink_other", "person_unlink", ["other_id"], unique=False)


def downgrade():
    op.drop_index("ix_person_unlink_other", table_name="person_unlink")
    op.drop_index("ix_person_unlink_submission", table_name="person_unlink")
    op.drop_table("person_unlink")
    with op.batch_alter_table("submission", schema=None) as batch_op:
        batch_op.drop_index("ix_submission_person_submitted")
        batch_op.drop_column("person_index")
