"""the list's label, the name and the one-line synopsis sealed together (issue 27)

Each row of the list shows the patient's name and synopsis ("58 y F · left · lower lid →
cheek ..."), sealed as one token when the form is sent (one decryption a row, as the name
alone was in 0007). Rows sent before this have none: the list reads their sealed name and
works the synopsis out from the answers (clinic/workspace.py, labels_for), until
`flask backfill` seals theirs with today's code, which a migration may not import.

Revision ID: 0012_sealed_synopsis
Revises: 0011_callback_request
Create Date: 2026-12-06 01:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0012_sealed_synopsis"
down_revision = "0011_callback_request"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("submission", schema=None) as batch_op:
        batch_op.add_column(sa.Column("list_label", sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table("submission", schema=None) as batch_op:
        batch_op.drop_column("list_label")
