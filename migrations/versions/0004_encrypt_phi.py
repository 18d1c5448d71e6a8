"""encrypt health data at rest: submission.answers and review_note.body become Fernet tokens

The rows already there are encrypted here, in the same transaction as the type change,
with the key list the app runs with (INTAKE_DATA_KEYS, newest first; in development the
key generated into instance/data_keys), through cryptography alone: migrations never
import the app's code, which may change after this file is written. So after this
revision no plaintext is left, and the app's column types never need to accept any:
a value that is not a valid token is refused (fail closed), never trusted as legacy.

Downgrading decrypts them back (the keys are needed for that too).

Revision ID: 0004_encrypt_phi
Revises: 0003_api_token
Create Date: 2026-11-27 12:00:00

"""

import os

import sqlalchemy as sa
from alembic import op
from cryptography.fernet import Fernet, MultiFernet

# revision identifiers, used by Alembic.
revision = "0004_encrypt_phi"
down_revision = "0003_api_token"
branch_labels = None
depends_on = None

BATCH = 500
COLUMNS = (("submission", "answers"), ("review_note", "body"))


def _keys():
    """The app's configured data keys (Flask-Migrate runs this inside the app)."""
    from flask import current_app, has_app_context

    text = (current_app.config.get("INTAKE_DATA_KEYS") if has_app_context() else None) or os.environ.get(
        "INTAKE_DATA_KEYS"
    )
    keys = [Fernet(part.strip()) for part in (text or "").split(",") if part.strip()]
    if not keys:
        raise RuntimeError("INTAKE_DATA_KEYS must be set to encrypt or decrypt the existing rows")
    return MultiFernet(keys)


def _rewrite(table_name, column_name, change):
    """Apply `change(keys, text)` to every non-null value, in batches by id."""
    bind = op.get_bind()
    table = sa.table(table_name, sa.column("id", sa.Integer), sa.column(column_name, sa.Text))
    column, keys, last_id = table.c[column_name], None, 0
    while True:
        rows = bind.execute(
            sa.select(table.c.id, column).where(table.c.id > last_id).order_by(table.c.id).limit(BATCH)
        ).all()
        if not rows:
            return
        keys = keys or _keys()
        for row_id, value in rows:
            if value is not None:
                bind.execute(
                    table.update().where(table.c.id == row_id).values({column_name: change(keys, value)})
                )
        last_id = rows[-1][0]


def _encrypt(keys, text):
    return keys.encrypt(text.encode("utf-8")).decode("ascii")


def _decrypt(keys, token):
    return keys.decrypt(token.encode("ascii")).decode("utf-8")


def _answers_type(new_type, old_type, cast):
    if op.get_bind().dialect.name == "postgresql":
        op.alter_column(
            "submission",
            "answers",
            type_=new_type,
            existing_type=old_type,
            existing_nullable=False,
            postgresql_using=f"answers::{cast}",
        )
    else:
        # SQLite rebuilds the table (env.py turns foreign keys off meanwhile, as SQLite
        # asks, and checks them all before it turns them back on).
        with op.batch_alter_table("submission", schema=None) as batch_op:
            batch_op.alter_column("answers", type_=new_type, existing_type=old_type, existing_nullable=False)


def upgrade():
    # JSON to TEXT first (PostgreSQL keeps the document's text exactly), then encrypt.
    _answers_type(sa.Text(), sa.JSON(), "text")
    for table_name, column_name in COLUMNS:
        _rewrite(table_name, column_name, _encrypt)


def downgrade():
    for table_name, column_name in COLUMNS:
        _rewrite(table_name, column_name, _decrypt)
    _answers_type(sa.JSON(), sa.Text(), "json")
