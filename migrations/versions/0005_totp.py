"""two-step sign-in: each clinician's TOTP secret and last used time step, recovery codes

Accounts that exist before this revision have no second factor: admins (and clinicians,
unless MFA_REQUIRED_FOR_CLINICIANS is false) set one up at their next sign-in.

Revision ID: 0005_totp
Revises: 0004_encrypt_phi
Create Date: 2026-11-27 11:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0005_totp"
down_revision = "0004_encrypt_phi"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("clinician", schema=None) as batch_op:
        # A Fernet token (intake/crypto.py EncryptedText), not the secret itself.
        batch_op.add_column(sa.Column("totp_secret", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("totp_confirmed_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("totp_last_counter", sa.Integer(), nullable=True))

    op.create_table(
        "recovery_code",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("clinician_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["clinician_id"], ["clinician.id"], name=op.f("fk_recovery_code_clinician_id_clinician")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recovery_code")),
        sa.UniqueConstraint("clinician_id", "code_hash", name=op.f("uq_recovery_code_clinician_id")),
    )


def downgrade():
    op.drop_table("recovery_code")
    with op.batch_alter_table("clinician", schema=None) as batch_op:
        batch_op.drop_column("totp_last_counter")
        batch_op.drop_column("totp_confirmed_at")
        batch_op.drop_column("totp_secret")
