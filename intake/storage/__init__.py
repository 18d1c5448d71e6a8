"""The database and what keeps it: engine settings, reading sealed rows one by one,
migrations, backups, and the maintenance tasks (purge, key rotation).

- database.py     engine settings (SQLite safe for concurrent writers), read-only reads
- sealed.py       rows whose encrypted answers are opened one by one, failing closed
- migrations.py   Alembic through Flask-Migrate, loaded only when needed
- backup.py       encrypted backups and their restore
- maintenance.py  purging expired drafts, re-encrypting under a new key

May import: intake.models, intake.extensions, intake.security, intake.questionnaire;
never a blueprint.
"""
