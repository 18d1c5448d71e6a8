"""Command-line tasks (`flask --app intake NAME`): create-clinician, reset-password, seed-demo, the FHIR
API's tokens (create-api-token, revoke-api-token, list-api-tokens), and the data
lifecycle: rotate-keys, backfill, purge-expired, backup, restore."""

from __future__ import annotations

import getpass
import time
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from intake import audit, demo
from intake.audit import Action
from intake.clinic import accounts, mfa
from intake.extensions import db
from intake.fhir import tokens
from intake.media import jobs
from intake.models import Clinician, Role, utcnow
from intake.questionnaire.twitching import QUESTIONNAIRE
from intake.security.blind_index import search_key
from intake.security.crypto import data_keys
from intake.storage import backup, maintenance

FIRST_ADMIN = "admin"


def create_account(username: str, display_name: str, role: str, actor_label: str) -> tuple[Clinician, str]:
    """Create and commit an account; the one-time password is returned, never stored."""
    clinician, password = accounts.create_clinician(username, display_name, role, utcnow())
    audit.record(
        Action.ACCOUNT_CREATED, None, detail=f"{clinician.username} ({role})", actor_label=actor_label
    )
    db.session.commit()
    return clinician, password


def create_first_admin() -> tuple[Clinician, str] | None:
    """On an empty database only: the first administrator, who then names everyone else."""
    if accounts.any_clinician():
        return None
    return create_account(FIRST_ADMIN, "Administrator", Role.ADMIN, "intake-serve")


def one_time_password_notice(clinician: Clinician, password: str, sign_in: str = "/clinic/login") -> str:
    return (
        f"Username: {clinician.username}\n"
        f"One-time password: {password}\n"
        f"It is shown only this once. Sign in at {sign_in}; you will be asked to set up "
        "two-step sign-in with an authenticator app, then to choose your own password.\n"
        f"Lost it? Run: flask --app intake reset-password {clinician.username}"
    )


@click.command("create-clinician")
@click.argument("username")
@click.option("--name", "display_name", required=True, help="Full name, as colleagues see it.")
@click.option("--admin", is_flag=True, help="May manage accounts and read the audit trail.")
@with_appcontext
def create_clinician_command(username: str, display_name: str, admin: bool) -> None:
    """Create a clinician account and print its one-time password."""
    username = accounts.normalise_username(username)
    if not accounts.USERNAME_PATTERN.match(username):
        raise click.BadParameter("use 2 to 64 lower-case letters, digits, dots, dashes or underscores")
    if accounts.find_by_username(username):
        raise click.ClickException(f"there is already an account called {username}")
    clinician, password = create_account(
        username, display_name, Role.ADMIN if admin else Role.CLINICIAN, "cli"
    )
    click.echo(one_time_password_notice(clinician, password))


def _account(username: str):
    account = accounts.find_by_username(username)
    if account is None:
        raise click.ClickException(f"there is no account called {accounts.normalise_username(username)}")
    return account


@click.command("reset-second-factor")
@click.argument("username")
@with_appcontext
def reset_second_factor_command(username: str) -> None:
    """Remove an account's second factor (e.g. the last administrator lost their phone)."""
    account = _account(username)
    mfa.reset(account)
    audit.record(Action.SECOND_FACTOR_RESET, None, detail=account.username, actor_label="cli")
    db.session.commit()
    click.echo(f"{account.username} sets up two-step sign-in again at their next sign-in.")


@click.command("reset-password")
@click.argument("username")
@with_appcontext
def reset_password_command(username: str) -> None:
    """Give an account a new one-time password and print it (e.g. the first was lost)."""
    account = _account(username)
    password = accounts.reset_password(account)
    audit.record(Action.PASSWORD_RESET, None, detail=account.username, actor_label=_cli_actor())
    db.session.commit()
    click.echo(one_time_password_notice(account, password))


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
        row, token = tokens.create(name, actor, utcnow())
    except tokens.TokenError as error:
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
        row = tokens.revoke(name, utcnow())
    except tokens.TokenError as error:
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

    for row in tokens.all_tokens():
        state = f"revoked {when(row.revoked_at)}" if row.revoked else "live"
        click.echo(
            f"{row.name}\t{state}\tcreated {when(row.created_at)} by {row.created_by}"
            f"\tlast used {when(row.last_used_at)}"
        )


@click.command("rotate-keys")
@click.option("--batch", default=maintenance.BATCH, show_default=True, type=click.IntRange(1, 100_000))
@with_appcontext
def rotate_keys_command(batch: int) -> None:
    """Re-encrypt every stored value under the first key of INTAKE_DATA_KEYS."""
    result = maintenance.rotate_keys(batch)
    detail = f"rotated={result.rotated} current={result.current} unreadable={len(result.unreadable)}"
    audit.record(Action.KEYS_ROTATED, None, detail=detail, actor_label="cli")
    db.session.commit()
    click.echo(f"Re-encrypted {result.rotated} values; {result.current} were under the newest key already.")
    if result.unreadable:
        raise click.ClickException(
            "these values failed their integrity check or no configured key opens them: "
            + ", ".join(result.unreadable[:50])
            + ". Keep the old keys until they are resolved."
        )
    click.echo(
        "Old keys may now be removed from INTAKE_DATA_KEYS (keep them while backups made with them are kept)."
    )


@click.command("backfill")
@click.option("--batch", default=maintenance.BATCH, show_default=True, type=click.IntRange(1, 100_000))
@with_appcontext
def backfill_command(batch: int) -> None:
    """Seal the list label (name and synopsis) and index the person of submissions sent
    by older versions."""
    result = maintenance.backfill(QUESTIONNAIRE, batch)
    click.echo(f"Sealed {result.sealed} list labels; indexed {result.indexed} for earlier visits.")
    if result.unreadable:
        raise click.ClickException(
            "these failed their integrity check or no configured key opens them: "
            + ", ".join(result.unreadable[:50])
        )


@click.command("reindex")
@click.option("--batch", default=maintenance.BATCH, show_default=True, type=click.IntRange(1, 100_000))
@with_appcontext
def reindex_command(batch: int) -> None:
    """Work out the last-name search and earlier-visit indexes of every sent form again
    (after an upgrade that changes how names compare, or a new SEARCH_KEY)."""
    result = maintenance.reindex(batch)
    click.echo(f"Indexed {result.changed} submissions anew.")
    if result.unreadable:
        raise click.ClickException(
            "these failed their integrity check or no configured key opens them: "
            + ", ".join(result.unreadable[:50])
        )


@click.command("purge-expired")
@with_appcontext
def purge_expired_command() -> None:
    """Delete expired drafts and, with RETENTION_DAYS set, submissions older than that."""
    result = maintenance.purge_expired(utcnow(), current_app.config.get("RETENTION_DAYS"))
    audit.record(Action.PURGED, None, detail=result.describe(), actor_label="cli")
    db.session.commit()
    click.echo(
        f"Deleted {result.drafts} expired drafts, {result.submissions} submissions and {result.notes} notes."
    )


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(path: Path) -> None:
    """Write an encrypted, consistent copy of the SQLite database to PATH."""
    try:
        size = backup.backup(db.engine, data_keys(), path)
    except backup.BackupError as error:
        raise click.ClickException(str(error)) from None
    audit.record(Action.BACKED_UP, None, detail=f"{size} bytes", actor_label="cli")
    db.session.commit()
    click.echo(f"Backup written to {path} ({size} bytes), encrypted with the newest data key.")


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace a database that already holds data.")
@with_appcontext
def restore_command(path: Path, force: bool) -> None:
    """Replace the SQLite database with the backup in PATH (stop the app first)."""
    try:
        backup.restore(db.engine, data_keys(), path, force)
    except backup.BackupError as error:
        raise click.ClickException(str(error)) from None
    db.session.remove()
    audit.record(Action.RESTORED, None, detail=path.name[:150], actor_label="cli")
    db.session.commit()
    click.echo(f"Restored the database from {path}.")


@click.command("media-worker")
@click.option("--burst", is_flag=True, help="Stop once the queue is empty.")
@with_appcontext
def media_worker_command(burst: bool) -> None:
    """Check uploaded photos and videos from the queue on REDIS_URL (MEDIA_JOBS=rq)."""
    app = current_app._get_current_object()
    if not app.config.get("REDIS_URL"):
        raise click.ClickException("set REDIS_URL: the media queue lives in Redis")
    jobs.work(app, burst=burst)


def register(app: Flask) -> None:
    for command in (
        media_worker_command,
        create_clinician_command,
        reset_password_command,
        seed_demo_command,
        create_api_token_command,
        revoke_api_token_command,
        list_api_tokens_command,
        rotate_keys_command,
        backfill_command,
        reindex_command,
        purge_expired_command,
        backup_command,
        restore_command,
        reset_second_factor_command,
    ):
        app.cli.add_command(command)
