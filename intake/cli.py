"""Command-line tasks: `flask --app intake create-clinician`, `flask --app intake seed-demo`."""

from __future__ import annotations

import time

import click
from flask import Flask
from flask.cli import with_appcontext
from sqlalchemy import select

from . import audit, auth, demo, mfa
from .audit import Action
from .extensions import db
from .models import Clinician, Role, utcnow
from .questionnaire.twitching import QUESTIONNAIRE
from .security import search_key

FIRST_ADMIN = "admin"


def create_account(username: str, display_name: str, role: str, actor_label: str) -> tuple[Clinician, str]:
    """Create and commit an account; the one-time password is returned, never stored."""
    clinician, password = auth.create_clinician(username, display_name, role, utcnow())
    audit.record(Action.ACCOUNT_CREATED, None, detail=f"{clinician.username} ({role})", actor_label=actor_label)
    db.session.commit()
    return clinician, password


def create_first_admin() -> tuple[Clinician, str] | None:
    """On an empty database only: the first administrator, who then names everyone else."""
    if auth.any_clinician():
        return None
    return create_account(FIRST_ADMIN, "Administrator", Role.ADMIN, "intake-serve")


def one_time_password_notice(clinician: Clinician, password: str, sign_in: str = "/clinic/login") -> str:
    return (
        f"Username: {clinician.username}\n"
        f"One-time password: {password}\n"
        f"It is shown only this once. Sign in at {sign_in}; you will be asked to set up "
        "two-step sign-in with an authenticator app, then to choose your own password."
    )


@click.command("create-clinician")
@click.argument("username")
@click.option("--name", "display_name", required=True, help="Full name, as colleagues see it.")
@click.option("--admin", is_flag=True, help="May manage accounts and read the audit trail.")
@with_appcontext
def create_clinician_command(username: str, display_name: str, admin: bool) -> None:
    """Create a clinician account and print its one-time password."""
    username = auth.normalise_username(username)
    if not auth.USERNAME_PATTERN.match(username):
        raise click.BadParameter("use 2 to 64 lower-case letters, digits, dots, dashes or underscores")
    if auth.find_by_username(username):
        raise click.ClickException(f"there is already an account called {username}")
    clinician, password = create_account(username, display_name, Role.ADMIN if admin else Role.CLINICIAN, "cli")
    click.echo(one_time_password_notice(clinician, password))


@click.command("reset-second-factor")
@click.argument("username")
@with_appcontext
def reset_second_factor_command(username: str) -> None:
    """Remove an account's second factor (e.g. the last administrator lost their phone)."""
    account = auth.find_by_username(username)
    if account is None:
        raise click.ClickException(f"there is no account called {auth.normalise_username(username)}")
    mfa.reset(account)
    audit.record(Action.SECOND_FACTOR_RESET, None, detail=account.username, actor_label="cli")
    db.session.commit()
    click.echo(f"{account.username} sets up two-step sign-in again at their next sign-in.")


@click.command("seed-demo")
@click.option("--count", default=5000, show_default=True, type=click.IntRange(1, 1_000_000))
@click.option("--seed", "seed_value", type=int, default=None, help="Repeat the same data.")
@with_appcontext
def seed_demo_command(count: int, seed_value: int | None) -> None:
    """Fill the database with made-up submissions (for demos and load tests only)."""
    started = time.perf_counter()
    reviewer = db.session.scalar(select(Clinician.id).order_by(Clinician.id).limit(1))
    made = demo.seed(QUESTIONNAIRE, count, utcnow(), search_key(), reviewer, seed_value)
    click.echo(f"Added {made} made-up submissions in {time.perf_counter() - started:.1f} s.")


def register(app: Flask) -> None:
    app.cli.add_command(create_clinician_command)
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(reset_second_factor_command)
