"""Configuration: development needs nothing; production refuses to start half-set or with
a development key, and says what is wrong."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet

from config import TEST_DATA_KEY, TEST_SECRET_KEY, Config, ProductionConfig
from intake import create_app
from tests.conftest import PRODUCTION_SECRETS, make_production_app

PRODUCTION_ENV = ("SECRET_KEY", "DATABASE_URL", "INTAKE_DATA_KEYS", "SEARCH_KEY", "PUBLIC_URL")


def test_it_refuses_to_start_production_without_its_secrets(monkeypatch):
    for name in PRODUCTION_ENV:
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(
        RuntimeError, match="missing: SECRET_KEY, DATABASE_URL, INTAKE_DATA_KEYS, SEARCH_KEY, PUBLIC_URL"
    ):
        create_app(ProductionConfig)


@pytest.mark.parametrize("missing", PRODUCTION_ENV)
def test_it_names_the_one_setting_production_lacks(monkeypatch, tmp_path, missing):
    for name, value in {
        **PRODUCTION_SECRETS,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'p.db'}",
        "PUBLIC_URL": "https://intake.example.org",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv(missing)
    with pytest.raises(RuntimeError, match=f"missing: {missing}\\."):
        create_app(ProductionConfig)


@pytest.mark.parametrize(
    "settings, problem",
    [
        ({"SECRET_KEY": TEST_SECRET_KEY}, "SECRET_KEY is a development or test key"),
        ({"SECRET_KEY": "too short"}, "SECRET_KEY is shorter than 32"),
        ({"INTAKE_DATA_KEYS": TEST_DATA_KEY}, "INTAKE_DATA_KEYS holds a development or test key"),
        (
            {"INTAKE_DATA_KEYS": Fernet.generate_key().decode() + "," + TEST_DATA_KEY},
            "development or test key",
        ),
        ({"INTAKE_DATA_KEYS": "not-a-key"}, "not a Fernet key"),
        ({"SEARCH_KEY": "short"}, "SEARCH_KEY is shorter than 32"),
        ({"SEARCH_KEY": PRODUCTION_SECRETS["SECRET_KEY"]}, "SECRET_KEY and SEARCH_KEY share a key"),
        # Low-entropy keys (the hardening issue, point 7): one character, a repeated
        # pattern, spaces, a memorable prefix padded out, a Fernet key of zero bytes.
        ({"SECRET_KEY": " " * 32}, "SECRET_KEY starts or ends with spaces"),
        ({"SECRET_KEY": "a" * 32}, "SECRET_KEY does not look random"),
        ({"SECRET_KEY": "abcd" * 8}, "SECRET_KEY does not look random"),
        ({"SECRET_KEY": "production-secret-" + "k" * 46}, "SECRET_KEY does not look random.*token_hex"),
        ({"SEARCH_KEY": "s" * 64}, "SEARCH_KEY does not look random"),
        (
            {"INTAKE_DATA_KEYS": "A" * 43 + "="},
            "A key in INTAKE_DATA_KEYS does not look random.*Fernet.generate_key",
        ),
        # One key, one purpose.
        (
            {"SEARCH_KEY": PRODUCTION_SECRETS["INTAKE_DATA_KEYS"]},
            "SEARCH_KEY and INTAKE_DATA_KEYS share a key",
        ),
        (
            {"SECRET_KEY": PRODUCTION_SECRETS["INTAKE_DATA_KEYS"]},
            "SECRET_KEY and INTAKE_DATA_KEYS share a key",
        ),
        (
            {
                "INTAKE_DATA_KEYS": PRODUCTION_SECRETS["INTAKE_DATA_KEYS"]
                + ","
                + PRODUCTION_SECRETS["INTAKE_DATA_KEYS"]
            },
            "lists the same key twice",
        ),
    ],
)
def test_it_refuses_development_test_or_weak_keys_in_production(monkeypatch, tmp_path, settings, problem):
    with pytest.raises(RuntimeError, match=problem):
        make_production_app(monkeypatch, f"sqlite:///{tmp_path / 'p.db'}", **settings)


def test_it_refuses_the_keys_development_generated_into_instance(monkeypatch, tmp_path):
    monkeypatch.setattr("intake._instance_path", lambda: str(tmp_path))
    development = create_app(
        type(
            "Dev",
            (Config,),
            {"SECRET_KEY": None, "INTAKE_DATA_KEYS": None, "SQLALCHEMY_DATABASE_URI": "sqlite://"},
        )
    )
    for name in ("SECRET_KEY", "INTAKE_DATA_KEYS"):
        with pytest.raises(RuntimeError, match=f"{name} (is|holds) a development or test key"):
            make_production_app(
                monkeypatch, f"sqlite:///{tmp_path / 'p.db'}", **{name: development.config[name]}
            )


def test_it_starts_production_when_configured(monkeypatch, tmp_path):
    app = make_production_app(monkeypatch, f"sqlite:///{tmp_path / 'prod.db'}")
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_NAME"] == "__Host-intake"
    response = app.test_client().get("/", base_url="https://localhost")
    assert "max-age=31536000" in response.headers["Strict-Transport-Security"]
    assert not (tmp_path / "secret_key").exists() and not (tmp_path / "data_keys").exists()


def test_it_generates_development_keys_once(monkeypatch, tmp_path):
    monkeypatch.setattr("intake._instance_path", lambda: str(tmp_path))
    config = type(
        "Dev",
        (Config,),
        {"SECRET_KEY": None, "INTAKE_DATA_KEYS": None, "SQLALCHEMY_DATABASE_URI": "sqlite://"},
    )
    first, second = create_app(config).config, create_app(config).config
    assert len(first["SECRET_KEY"]) == 64 and first["SECRET_KEY"] == second["SECRET_KEY"]
    assert first["INTAKE_DATA_KEYS"] == second["INTAKE_DATA_KEYS"]
    Fernet(first["INTAKE_DATA_KEYS"])  # a valid key
    for name in ("secret_key", "data_keys"):
        assert (tmp_path / name).stat().st_mode & 0o777 == 0o600


def test_it_takes_the_clinic_details_from_configuration(app, client):
    app.jinja_env.globals["clinic"]["phone"] = "(555) 000-1111"
    assert "(555) 000-1111" in client.get("/").get_data(as_text=True)


def test_production_password_hashing_meets_owasp_minimum():
    """Argon2id: OWASP's weakest accepted setting is 19 MiB with 2 passes (or more memory
    with fewer passes); nothing cheaper may become the default."""
    from config import ProductionConfig

    memory_mib, passes = ProductionConfig.ARGON2_MEMORY_KIB / 1024, ProductionConfig.ARGON2_TIME_COST
    assert (memory_mib >= 19 and passes >= 2) or (memory_mib >= 46 and passes >= 1)
    assert ProductionConfig.ARGON2_PARALLELISM >= 1
