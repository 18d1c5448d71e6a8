"""a version number on each submission, for saves checked without the write lock

Revision ID: 0006_row_version
Revises: 0005_totp
Create Date: 2026-11-27 12:45:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0006_row_version"
down_revision = "0005_totp"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("submission", schema=None) as batch_op:
        batch_op.add_column(sa.Column("row_version", sa.Integer(), server_default="1", nullable=False))


def downgrade():
    with op.batch_alter_table("submission", schema=None) as batch_op:
        batch_op.drop_column("row_version")
