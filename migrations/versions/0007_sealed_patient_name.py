"""the patient's name sealed on its own, for the workspace's list

The list showed each row's name by decrypting the row's whole answers (about 2 KB) and
parsing them: most of a dashboard page's cost, and 50 health records opened to show 50
names. The name is now sealed on its own when the form is sent. The rows already sent
get theirs here, with the key list the app runs with (INTAKE_DATA_KEYS, newest first),
through cryptography alone, as in 0004: migrations never import the app's code. A row
this cannot read keeps no name, and the list falls back to its answers (where the
integrity check marks it).

Revision ID: 0007_sealed_patient_name
Revises: 0006_row_version
Create Date: 2026-11-27 23:00:00.000000

"""

import json
import os

import sqlalchemy as sa
from alembic import op
from cryptography.fernet import Fernet, InvalidToken, MultiFernet

# revision identifiers, used by Alembic.
revision = "0007_sealed_patient_name"
down_revision = "0006_row_version"
branch_labels = None
depends_on = None

BATCH = 500


def _keys():
    """The app's configured data keys (Flask-Migrate runs this inside the app)."""
    from flask import current_app, has_app_context

    text = (current_app.config.get("INTAKE_DATA_KEYS") if has_app_context() else None) or os.environ.get(
        "INTAKE_DATA_KEYS"
    )
    keys = [Fernet(part.strip()) for part in (text or "").split(",") if part.strip()]
    if not keys:
        raise RuntimeError("INTAKE_DATA_KEYS must be set to seal the names of the rows already sent")
    return MultiFernet(keys)


def _name(answers):
    """As the app writes it (questionnaire.summary.patient_name at this revision)."""
    parts = (answers.get("about.first_name"), answers.get("about.last_name"))
    return " ".join(str(p).strip() for p in parts if p and str(p).strip())


def upgrade():
    with op.batch_alter_table("submission", schema=None) as batch_op:
        batch_op.add_column(sa.Column("patient_name", sa.Text(), nullable=True))
    bind = op.get_bind()
    table = sa.table(
        "submission",
        sa.column("id", sa.Integer),
        sa.column("status", sa.String),
        sa.column("answers", sa.Text),
        sa.column("patient_name", sa.Text),
    )
    keys, last_id = None, 0
    while True:
        rows = bind.execute(
            sa.select(table.c.id, table.c.answers)
            .where(table.c.id > last_id, table.c.status != "draft")
            .order_by(table.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        keys = keys or _keys()
        for row_id, token in rows:
            try:
                name = _name(json.loads(keys.decrypt(token.encode("ascii"))))
            except (InvalidToken, ValueError):
                continue
            sealed = keys.encrypt(name.encode("utf-8")).decode("ascii")
            bind.execute(table.update().where(table.c.id == row_id).values(patient_name=sealed))
        last_id = rows[-1][0]


def downgrade():
    with op.batch_alter_table("submission", schema=None) as batch_op:
        batch_op.drop_column("patient_name")
