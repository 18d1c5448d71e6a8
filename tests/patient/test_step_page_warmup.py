"""Step pages compiled in gunicorn's master before it forks (intake/patient/step_page.py), so no
worker compiles one in its first requests."""

from __future__ import annotations

import gc
import importlib.util
from pathlib import Path
from types import SimpleNamespace

import pytest
from flask import Flask

from intake.patient.step_page import compile_step_pages, step_page_cache
from tests.conftest import Patient

GUNICORN_CONF = Path(__file__).resolve().parents[2] / "gunicorn.conf.py"


def _cached(app) -> int:
    with app.app_context():
        return len(step_page_cache())


def test_it_compiles_every_step_in_every_language_and_requests_find_them(app):
    assert compile_step_pages(app) == 14 * 2 * 2  # steps x languages x (in the form, from review)
    patient = Patient(app.test_client())
    assert patient.client.get("/", headers={"Accept-Language": "es"}).status_code == 200
    patient.start()
    for path in ("/step/safety", "/step/safety?return=review"):
        assert patient.client.get(path).status_code == 200
    patient.client.post("/language", data={"lang": "es", "csrf_token": patient.token("/step/safety")})
    assert patient.client.get("/step/safety").status_code == 200
    assert _cached(app) == 14 * 2 * 2, "a request compiled a page the warm-up had not"


def _gunicorn_conf():
    spec = importlib.util.spec_from_file_location("gunicorn_conf", GUNICORN_CONF)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _server(app, preload: bool = True):
    logged = []
    server = SimpleNamespace(
        cfg=SimpleNamespace(preload_app=preload),
        app=SimpleNamespace(wsgi=lambda: app),
        log=SimpleNamespace(info=lambda *args: logged.append(args)),
    )
    return server, logged


def test_gunicorn_compiles_the_pages_in_the_master_before_forking(app):
    server, logged = _server(app)
    _gunicorn_conf().when_ready(server)
    assert _cached(app) == 56 and logged == [("compiled %d step pages before forking", 56)]


def test_gunicorn_leaves_other_apps_and_unpreloaded_servers_alone(app):
    other = Flask("baseline")
    server, logged = _server(other)
    _gunicorn_conf().when_ready(server)  # the benchmark's baseline: nothing to compile
    server, logged = _server(app, preload=False)
    _gunicorn_conf().when_ready(server)  # workers load the app themselves: nothing shared
    assert _cached(app) == 0 and logged == []


def test_workers_reach_their_request_limit_at_well_spread_counts(monkeypatch):
    """Workers share the load evenly: with a narrow jitter they restart together and
    leave nobody to answer. Each limit is drawn from [max, max + jitter]."""
    conf = _gunicorn_conf()
    assert conf.max_requests >= 10_000 and conf.max_requests_jitter >= conf.max_requests // 2
    monkeypatch.setenv("GUNICORN_MAX_REQUESTS", "4000")
    conf = _gunicorn_conf()
    assert (conf.max_requests, conf.max_requests_jitter) == (4000, 2000)


@pytest.mark.parametrize("preload, frozen", [(True, True), (False, False)])
def test_gunicorn_freezes_what_the_master_holds_before_forking(app, preload, frozen):
    """A worker's full collection walks only the objects the worker made: the master's
    (the app, its libraries, the compiled pages) are frozen before the fork. Without
    preload_app the master holds no app, and workers import it after the fork."""
    gc.unfreeze()
    try:
        _gunicorn_conf().when_ready(_server(app, preload)[0])
        assert (gc.get_freeze_count() > 10_000) is frozen
    finally:
        gc.unfreeze()


def test_it_compiles_in_production_which_serves_only_its_public_host(monkeypatch, tmp_path):
    """gunicorn's master compiles the pages on the configured origin: a request context
    on any other host is refused (TRUSTED_HOSTS), and the master would not start."""
    from tests.conftest import make_production_app

    app = make_production_app(
        monkeypatch, f"sqlite:///{tmp_path / 'p.db'}", PUBLIC_URL="https://intake.example.org"
    )
    assert compile_step_pages(app) == 14 * 2 * 2
