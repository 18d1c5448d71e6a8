"""photos and video from the patient's phone: files, their renditions, sealed chunks

Revision ID: 0014_media
Revises: 0013_person_index
Create Date: 2026-12-06 22:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0014_media"
down_revision = "0013_person_index"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "media_file",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("public_id", sa.String(length=36), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("slot", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("declared_size", sa.BigInteger(), nullable=False),
        sa.Column("received_size", sa.BigInteger(), nullable=False),
        sa.Column("problem", sa.String(length=32), nullable=True),
        sa.Column("width", sa.Integer(), nullable=True),
        sa.Column("height", sa.Integer(), nullable=True),
        sa.Column("duration_ms", sa.Integer(), nullable=True),
        sa.Column("transcoded", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["submission_id"], ["submission.id"], name="fk_media_file_submission_id_submission"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_media_file"),
        sa.UniqueConstraint("public_id", name="uq_media_file_public_id"),
    )
    op.create_index("ix_media_file_submission_slot", "media_file", ["submission_id", "slot"], unique=False)
    op.create_index("ix_media_file_status_expires", "media_file", ["status", "expires_at"], unique=False)
    op.create_table(
        "media_rendition",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("media_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=8), nullable=False),
        sa.Column("content_type", sa.String(length=32), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("chunk_count", sa.Integer(), nullable=False),
        sa.Column("sha1", sa.String(length=40), nullable=True),
        sa.ForeignKeyConstraint(
            ["media_id"], ["media_file.id"], name="fk_media_rendition_media_id_media_file"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_media_rendition"),
        sa.UniqueConstraint("media_id", "name", name="uq_media_rendition_media_id"),
    )
    op.create_table(
        "media_chunk",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rendition_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["rendition_id"], ["media_rendition.id"], name="fk_media_chunk_rendition_id_media_rendition"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_media_chunk"),
        sa.UniqueConstraint("rendition_id", "seq", name="uq_media_chunk_rendition_id"),
    )


def downgrade():
    op.drop_table("media_chunk")
    op.drop_table("media_rendition")
    op.drop_index("ix_media_file_status_expires", table_name="media_file")
    op.drop_index("ix_media_file_submission_slot", table_name="media_file")
    op.drop_table("media_file")
