"""Every patient page passes the Nu Html Checker (vnu) with no errors."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.answers import MARIA
from tests.conftest import make_submission
from tests.patient_pages import patient_pages

VNU_JAR = Path(
    os.environ.get(
        "VNU_JAR", Path(__file__).resolve().parents[1] / ".tools/node_modules/vnu-jar/build/dist/vnu.jar"
    )
)


def run_vnu(files: list[Path]) -> list[dict]:
    if not VNU_JAR.exists() or not shutil.which("java"):
        reason = f"Nu Html Checker not found at {VNU_JAR} (npm install --prefix .tools vnu-jar), or no java"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    result = subprocess.run(
        ["java", "-jar", str(VNU_JAR), "--errors-only", "--format", "json", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    return json.loads(result.stderr or '{"messages": []}')["messages"]


def clinician_pages(app, admin) -> list[tuple[str, str]]:
    public_id = make_submission(app, {**MARIA, "visit.goals": "<script>alert(1)</script> & more"})
    anonymous = app.test_client()
    pages = [("login", anonymous.get("/clinic/login").get_data(as_text=True))]
    for path in (
        "/clinic/",
        "/clinic/?tier=urgent",
        f"/clinic/submissions/{public_id}",
        "/clinic/password",
        "/clinic/admin/accounts",
        "/clinic/admin/audit",
    ):
        response = admin.client.get(path)
        assert response.status_code == 200, path
        pages.append((path.strip("/").replace("/", "-").replace("?", "-"), response.get_data(as_text=True)))
    return pages


@pytest.mark.sqlite_only  # the markup does not depend on the database
def test_it_serves_valid_html_on_every_page(app, admin, tmp_path):
    files = []
    for number, (name, html) in enumerate(patient_pages(app) + clinician_pages(app, admin)):
        path = tmp_path / f"{number:02d}-{name.replace(' ', '-').replace('=', '-')}.html"
        path.write_text(html)
        files.append(path)
    messages = run_vnu(files)
    assert messages == [], "\n".join(
        f"{Path(m['url']).name}:{m.get('lastLine')}: {m['message']}" for m in messages
    )


def test_the_checker_finds_an_error(tmp_path):
    broken = tmp_path / "broken.html"
    broken.write_text("<!doctype html><html lang=en><title>x</title><p><div></p>")
    assert run_vnu([broken])


@pytest.mark.sqlite_only
def test_every_page_has_a_meta_description_in_its_language(app, admin):
    """Issue 28, part 11 (Lighthouse's "Document has a meta description" audit)."""
    english, spanish = dict(patient_pages(app)), dict(patient_pages(app, "es"))
    for name, html in [*english.items(), *spanish.items(), *clinician_pages(app, admin)]:
        assert re.search(r'<meta name="description" content="[^"]{40,}">', html), name
    assert 'content="Questions to answer before your visit' in english["safety"]
    assert 'content="Preguntas para responder antes de su cita' in spanish["safety"]
