"""Configuration: development needs nothing; production refuses to start half-set."""

from __future__ import annotations

import pytest

from config import Config, ProductionConfig
from intake import create_app


def test_it_refuses_to_start_production_without_its_secrets(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY, DATABASE_URL"):
        create_app(ProductionConfig)


def test_it_starts_production_when_configured(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "k" * 64)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'prod.db'}")
    config = type("Prod", (ProductionConfig,), {"SECRET_KEY": "k" * 64, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'prod.db'}"})
    app = create_app(config)
    assert app.config["SESSION_COOKIE_SECURE"] is True
    response = app.test_client().get("/")
    assert "max-age=31536000" in response.headers["Strict-Transport-Security"]


def test_it_generates_a_development_secret_key_once(monkeypatch, tmp_path):
    monkeypatch.setattr("intake._instance_path", lambda: str(tmp_path))
    config = type("Dev", (Config,), {"SECRET_KEY": None, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    first = create_app(config).config["SECRET_KEY"]
    second = create_app(config).config["SECRET_KEY"]
    assert len(first) == 64 and first == second
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600


def test_it_takes_the_clinic_details_from_configuration(app, client):
    app.jinja_env.globals["clinic"]["phone"] = "(555) 000-1111"
    assert "(555) 000-1111" in client.get("/").get_data(as_text=True)
