"""the one-line synopsis sealed on its own, for the workspace's list (issue 27)

Each row of the list shows the patient's synopsis ("58 y F · left · lower lid → cheek
..."), sealed when the form is sent, like the name in 0007. Rows sent before this have
none: the list works theirs out from the answers (clinic/workspace.py, labels_for), and
`flask backfill` seals them with today's code, which a migration may not import.

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
        batch_op.add_column(sa.Column("synopsis", sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table("submission", schema=None) as batch_op:
        batch_op.drop_column("synopsis")
