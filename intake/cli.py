"""Command-line tasks: `flask --app intake create-clinician`, `seed-demo`, and the FHIR API's
tokens (`create-api-token`, `revoke-api-token`, `list-api-tokens`)."""

from __future__ import annotations

import getpass
import time

import click
from flask import Flask
from flask.cli import with_appcontext
from sqlalchemy import select

from . import api_tokens, audit, auth, demo
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
        f"It is shown only this once. Sign in at {sign_in}; you will be asked to choose "
        "your own password."
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


def _cli_actor() -> str:
    """Who ran the command, as far as the machine knows: "cli:<login name>"."""
    try:
        return f"cli:{getpass.getuser()}"[:64]
    except (KeyError, OSError):  # no login name (e.g. a container's numeric user)
        return "cli"


@click.command("create-api-token")
@click.argument("name")
@with_appcontext
def create_api_token_command(name: str) -> None:
    """Create a token for the integration NAME and print it (once) for the FHIR API."""
    actor = _cli_actor()
    try:
        row, token = api_tokens.create(name, actor, utcnow())
    except api_tokens.TokenError as error:
        raise click.ClickException(str(error)) from None
    audit.record(Action.API_TOKEN_CREATED, None, detail=row.name, actor_label=actor)
    db.session.commit()
    click.echo(
        f"API token for {row.name}:\n{token}\n"
        "It is shown only this once and cannot be recovered; store it in the integration's "
        "secrets. Send it as the header\n"
        f"Authorization: Bearer <token>\nRevoke it with: flask --app intake revoke-api-token {row.name}"
    )


@click.command("revoke-api-token")
@click.argument("name")
@with_appcontext
def revoke_api_token_command(name: str) -> None:
    """Revoke the live token of the integration NAME: it stops working at once."""
    actor = _cli_actor()
    try:
        row = api_tokens.revoke(name, utcnow())
    except api_tokens.TokenError as error:
        raise click.ClickException(str(error)) from None
    audit.record(Action.API_TOKEN_REVOKED, None, detail=row.name, actor_label=actor)
    db.session.commit()
    click.echo(f"The token of {row.name} is revoked.")


@click.command("list-api-tokens")
@with_appcontext
def list_api_tokens_command() -> None:
    """List the integrations' tokens (never the tokens themselves)."""
    def when(moment) -> str:
        return moment.strftime("%Y-%m-%d %H:%M UTC") if moment else "-"

    for row in api_tokens.all_tokens():
        state = f"revoked {when(row.revoked_at)}" if row.revoked else "live"
        click.echo(f"{row.name}\t{state}\tcreated {when(row.created_at)} by {row.created_by}"
                   f"\tlast used {when(row.last_used_at)}")


def register(app: Flask) -> None:
    app.cli.add_command(create_clinician_command)
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(create_api_token_command)
    app.cli.add_command(revoke_api_token_command)
    app.cli.add_command(list_api_tokens_command)
