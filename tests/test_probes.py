"""Probes the load balancer calls."""

from __future__ import annotations

from sqlalchemy.exc import OperationalError

from intake.extensions import db


def test_it_says_the_process_is_up(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json == {"status": "ok"}


def test_it_says_ready_when_the_database_answers(client):
    response = client.get("/readyz")
    assert response.status_code == 200 and response.json["database"] == "ok"


def test_it_says_not_ready_when_the_database_does_not_answer(client, monkeypatch):
    def unreachable(*args, **kwargs):
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setattr(db.session, "execute", unreachable)
    response = client.get("/readyz")
    assert response.status_code == 503 and response.json["database"] == "unreachable"
