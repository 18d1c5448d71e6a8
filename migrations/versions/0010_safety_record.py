"""the safety record: the highest tier and every change of a draft's red flags

Safety now reads the whole form and never lowers a tier silently: `safety_tier` keeps the
highest tier ever reached, and `safety_record` (sealed like the answers, as it names the
signs) keeps when each flag was raised, from which page, every downgrade, and the signs
the patient said a doctor had already checked. Rows already there start with no record;
their tier stands as their highest.

Revision ID: 0010_safety_record
Revises: 0009_status_changes_index
Create Date: 2026-12-04 23:45:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0010_safety_record"
down_revision = "0009_status_changes_index"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("submission", schema=None) as batch_op:
        batch_op.add_column(sa.Column("safety_record", sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table("submission", schema=None) as batch_op:
        batch_op.drop_column("safety_record")
