"""API tokens of the integrations that read the FHIR API: create, revoke, check.

A token is 256 random bits shown once to the admin who creates it; only its SHA-256 is
stored, so a copy of the database opens nothing. Use-cases flush; the caller commits.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Update, bindparam, select, update

from intake.extensions import db
from intake.models import ApiToken

# Lower case like usernames, and short enough that "api:<name>" fits an audit row's actor.
NAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,47}$")
# What secrets.token_urlsafe(32) produces: 43 characters of base64url.
TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{43}$")


class TokenError(ValueError):
    """A token that cannot be created or revoked as asked (the message says why)."""


def normalise_name(name: str) -> str:
    return name.strip().casefold()


def hash_token(token: str) -> str:
    # 256 random bits need no salt or stretching: a plain hash cannot be reversed.
    return hashlib.sha256(token.encode()).hexdigest()


def live_token(name: str) -> ApiToken | None:
    return db.session.scalar(
        select(ApiToken).where(ApiToken.name == normalise_name(name), ApiToken.revoked_at.is_(None))
    )


def create(name: str, created_by: str, now: datetime) -> tuple[ApiToken, str]:
    """A new token for the integration `name`; the token itself is returned, never stored."""
    name = normalise_name(name)
    if not NAME_PATTERN.match(name):
        raise TokenError("use 2 to 48 lower-case letters, digits, dots, dashes or underscores")
    if live_token(name) is not None:
        raise TokenError(f"{name} already has a token: revoke it first to replace it")
    token = secrets.token_urlsafe(32)
    row = ApiToken(name=name, token_hash=hash_token(token), created_at=now, created_by=created_by[:64])
    db.session.add(row)
    db.session.flush()
    return row, token


def revoke(name: str, now: datetime) -> ApiToken:
    row = live_token(name)
    if row is None:
        raise TokenError(f"there is no live token called {normalise_name(name)}")
    row.revoked_at = now
    db.session.flush()
    return row


def all_tokens() -> list[ApiToken]:
    return list(db.session.scalars(select(ApiToken).order_by(ApiToken.name, ApiToken.id)))


@dataclass(frozen=True)
class Check:
    """The outcome of checking a presented token. `client` is set only when it is good."""

    client: ApiToken | None
    reason: str  # for the audit trail: "", "no token", "unknown token", "revoked token"
    name: str | None = None  # the integration named by a known token, good or revoked


BY_HASH = select(ApiToken).where(ApiToken.token_hash == bindparam("token_hash"))  # every API call


def check(presented: str | None) -> Check:
    """Whether a presented token opens the API. Reads only: the caller records the use
    (`mark_used`) with its audit row, after the reading."""
    if not presented:
        return Check(None, "no token")
    if not TOKEN_PATTERN.match(presented):
        return Check(None, "unknown token")
    row = db.session.scalar(BY_HASH, {"token_hash": hash_token(presented)})
    if row is None:
        return Check(None, "unknown token")
    if row.revoked:
        return Check(None, "revoked token", row.name)
    return Check(row, "", row.name)


def mark_used(token_id: int, now: datetime) -> Update:
    """The statement that records a token's last use."""
    return update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=now)
