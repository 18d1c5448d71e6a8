"""Health data at rest: authenticated encryption (Fernet: AES-128-CBC and HMAC-SHA256)
with a list of keys, newest first (MultiFernet), inside SQLAlchemy column types.

A value that fails authentication (altered, truncated, or under a key no longer listed)
raises DecryptionError: nothing is ever shown or used without its tag checking out.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from flask import Flask, current_app
from sqlalchemy import Text, TypeDecorator

EXTENSION = "intake_data_keys"


class DecryptionError(RuntimeError):
    """A stored value failed its integrity check, or no configured key opens it."""


@dataclass(frozen=True)
class DataKeys:
    newest: Fernet  # encrypts
    all: MultiFernet  # decrypts with any key; re-encrypts under the newest (rotate)

    @classmethod
    def parse(cls, text: str | None) -> DataKeys:
        """From INTAKE_DATA_KEYS; ValueError if empty or a key is malformed."""
        keys = [Fernet(part.strip()) for part in (text or "").split(",") if part.strip()]
        if not keys:
            raise ValueError("no data keys")
        return cls(keys[0], MultiFernet(keys))

    def encrypt(self, plain: bytes) -> str:
        return self.newest.encrypt(plain).decode("ascii")

    def decrypt(self, token: str | bytes) -> bytes:
        try:
            return self.all.decrypt(token.encode("ascii") if isinstance(token, str) else token)
        except (InvalidToken, UnicodeEncodeError, TypeError):
            raise DecryptionError("a stored value failed its integrity check") from None

    def is_newest(self, token: str) -> bool:
        try:
            self.newest.decrypt(token.encode("ascii"))
        except (InvalidToken, UnicodeEncodeError):
            return False
        return True


def init_app(app: Flask) -> None:
    app.extensions[EXTENSION] = DataKeys.parse(app.config["INTAKE_DATA_KEYS"])


def data_keys() -> DataKeys:
    return current_app.extensions[EXTENSION]


class EncryptedText(TypeDecorator):
    """A str stored as a Fernet token (TEXT)."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect) -> str | None:
        return None if value is None else data_keys().encrypt(value.encode("utf-8"))

    def process_result_value(self, value: str | None, dialect) -> str | None:
        return None if value is None else data_keys().decrypt(value).decode("utf-8")


class EncryptedJSON(TypeDecorator):
    """A JSON document stored as one Fernet token (TEXT): every key and value hidden."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: Any, dialect) -> str | None:
        if value is None:
            return None
        return data_keys().encrypt(
            json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        )

    def process_result_value(self, value: str | None, dialect) -> Any:
        return None if value is None else json.loads(data_keys().decrypt(value))
