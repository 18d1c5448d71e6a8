"""Schema migrations (Flask-Migrate, Alembic), loaded only where they are used.

Flask-Migrate imports Alembic as it is imported: 9 MB in every web worker, which never
migrates. Here `flask db ...` is a command group that binds Flask-Migrate to the app
when one of its commands is looked up, and `upgrade` does the same for the laptop demo.
"""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask

from intake.extensions import db

DIRECTORY = str(Path(__file__).resolve().parents[2] / "migrations")


def bind(app: Flask) -> None:
    """Flask-Migrate, set up for this app (once): what its commands and functions read."""
    if "migrate" not in app.extensions:
        from flask_migrate import Migrate

        Migrate(app, db, directory=DIRECTORY, render_as_batch=True)


def upgrade(app: Flask, quiet: bool = False) -> None:
    """The schema brought up to date, inside an app context; `quiet`: without a line per
    migration."""
    bind(app)
    from flask_migrate import upgrade as upgrade_to_head

    upgrade_to_head(x_arg=["quiet=true"] if quiet else None)


class MigrationCommands(click.Group):
    """`flask db`: stands in the command list for Flask-Migrate's own group, which is
    imported, bound and handed the command line when `flask db` is run."""

    def __init__(self, app: Flask) -> None:
        super().__init__("db", help="Perform database migrations (Flask-Migrate).")
        self.app = app

    def make_context(self, info_name, args, parent=None, **extra) -> click.Context:
        bind(self.app)
        from flask_migrate.cli import db as group

        return group.make_context(info_name, args, parent=parent, **extra)


def init_app(app: Flask) -> None:
    app.cli.add_command(MigrationCommands(app))
