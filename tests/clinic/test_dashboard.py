"""The list of submissions: newest first, filters, search, keyset pages, cost per page."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import event, select, text

from intake import demo, listing
from intake.extensions import db
from intake.models import Submission
from intake.questionnaire.twitching import QUESTIONNAIRE
from intake.security.blind_index import name_index, normalise_name, search_key
from tests.answers import MARIA
from tests.conftest import make_submission, sqlite_steps

NOW = datetime.now(timezone.utc)


def _refs(page: str) -> list[str]:
    return re.findall(r'class="reference-link"[^>]*>([^<]+)</a>', page)


def _person(last: str, signs: list[str] | None = None) -> dict:
    return {**MARIA, "about.last_name": last, "safety.signs": signs or ["none"]}


def test_it_lists_submissions_newest_first_and_never_drafts(app, client, clinician, patient):
    make_submission(app, _person("Older"), reference="AAAA-2222", submitted_at=NOW - timedelta(days=2))
    make_submission(app, _person("Newer"), reference="BBBB-3333", submitted_at=NOW - timedelta(hours=1))
    patient.client = app.test_client()
    patient.complete_all_steps()  # a draft, never sent
    page = client.get("/clinic/").get_data(as_text=True)
    assert _refs(page) == ["BBBB-3333", "AAAA-2222"]
    assert "Maria Newer" in page and "Canary-Lopez" not in page


def test_each_row_links_to_its_own_summary(app, client, clinician):
    make_submission(app, _person("Older"), reference="AAAA-2222", submitted_at=NOW - timedelta(days=2))
    make_submission(app, _person("Newer"), reference="BBBB-3333", submitted_at=NOW - timedelta(hours=1))
    page = client.get("/clinic/").get_data(as_text=True)
    links = re.findall(r'<a class="reference-link" href="([^"]+)">([^<]+)</a>', page)
    assert [reference for _, reference in links] == ["BBBB-3333", "AAAA-2222"]
    for (href, reference), last in zip(links, ("Newer", "Older"), strict=True):
        summary = client.get(href)
        assert summary.status_code == 200
        assert reference in summary.get_data(as_text=True) and f"Maria {last}" in summary.get_data(
            as_text=True
        )


def test_rows_older_versions_sent_show_their_name_from_the_sealed_name_or_the_answers(app, client, clinician):
    """Rows sent before list labels (0012) have their name sealed alone; rows an even older
    version sent (during a rolling upgrade) have none, and the list opens their answers."""
    make_submission(app, _person("Labelled"), reference="AAAA-2222", submitted_at=NOW - timedelta(days=3))
    make_submission(
        app, _person("Named"), reference="BBBB-3333", submitted_at=NOW - timedelta(days=2), derived=False
    )
    make_submission(
        app, _person("Older"), reference="CCCC-4444", submitted_at=NOW - timedelta(days=1), derived=False
    )
    with app.app_context(), db.engine.begin() as connection:
        sealed = connection.execute(
            text("SELECT list_label FROM submission WHERE reference = 'AAAA-2222'")
        ).scalar_one()
        connection.execute(text("UPDATE submission SET patient_name = NULL WHERE reference = 'CCCC-4444'"))
    assert sealed.startswith("gAAAAA"), "make_submission seals the label as a send does"
    page = client.get("/clinic/").get_data(as_text=True)
    assert "Maria Labelled" in page and "Maria Named" in page and "Maria Older" in page


def test_it_makes_emergency_and_urgent_rows_stand_out_in_words_and_colour(app, client, clinician):
    make_submission(app, _person("Flagged", ["speech"]))
    make_submission(app, _person("Sameday", ["hearing_loss"]))
    make_submission(app, _person("Routine"))
    page = client.get("/clinic/").get_data(as_text=True)
    assert 'class="row-emergency"' in page and ">Emergency</strong>" in page
    assert 'class="row-urgent"' in page and ">Urgent</strong>" in page
    assert "Waiting for review:" in page and "1 emergency" in page and "1 urgent" in page
    css = (Path(app.static_folder) / "css" / "app.css").read_text()
    assert ".submissions tr.row-emergency { background:" in css


def _row(page: str, reference: str) -> str:
    return re.search(rf'<tr class="row-[^"]+">(?:(?!</tr>).)*{reference}.*?</tr>', page, re.S).group(0)


def test_each_row_shows_when_in_the_clinics_time_its_safety_and_its_status(app, client, clinician):
    app.config["CLINIC_TIMEZONE"] = "America/New_York"
    make_submission(
        app,
        _person("Noon"),
        reference="AAAA-2222",
        submitted_at=datetime(2026, 1, 5, 17, 4, tzinfo=timezone.utc),
    )  # EST, UTC-5
    make_submission(
        app,
        _person("Night", ["ear_rash"]),
        reference="BBBB-3333",
        status="reviewed",
        submitted_at=datetime(2026, 7, 1, 4, 30, tzinfo=timezone.utc),
    )  # EDT, UTC-4
    page = client.get("/clinic/").get_data(as_text=True)
    noon, night = _row(page, "AAAA-2222"), _row(page, "BBBB-3333")
    assert "<td>Jan 5, 2026, 12:04 PM</td>" in noon and "<td>Jul 1, 2026, 12:30 AM</td>" in night
    assert '<span class="tier-badge tier-none">None</span>' in noon and "<td>New</td>" in noon
    assert '<strong class="tier-badge tier-urgent">Urgent</strong>' in night and "<td>Reviewed</td>" in night


@pytest.mark.parametrize(
    "query, expected",
    [
        ("status=new", {"NEWA-2222", "NEWB-2222"}),
        ("status=reviewed", {"REVD-2222"}),
        ("tier=emergency", {"NEWB-2222"}),
        ("tier=urgent", {"REVD-2222"}),
        ("tier=none", {"NEWA-2222"}),
        ("status=new&tier=emergency", {"NEWB-2222"}),
        ("from={d3}", {"NEWA-2222", "NEWB-2222"}),
        ("to={d3}", {"REVD-2222", "NEWB-2222"}),
        ("from={d3}&to={d3}", {"NEWB-2222"}),
    ],
)
def test_it_filters_by_status_tier_and_submitted_dates(app, client, clinician, query, expected):
    make_submission(app, _person("A"), reference="NEWA-2222", submitted_at=NOW - timedelta(days=1))
    make_submission(
        app, _person("B", ["vision"]), reference="NEWB-2222", submitted_at=NOW - timedelta(days=3)
    )
    make_submission(
        app,
        _person("C", ["ear_rash"]),
        reference="REVD-2222",
        status="reviewed",
        submitted_at=NOW - timedelta(days=6),
    )
    zone = ZoneInfo(app.config["CLINIC_TIMEZONE"])
    d3 = (NOW - timedelta(days=3)).astimezone(zone).date().isoformat()
    page = client.get("/clinic/?" + query.format(d3=d3)).get_data(as_text=True)
    assert set(_refs(page)) == expected


def test_pages_of_one_shape_share_a_statement_but_never_its_values(app, client, clinician):
    """A page statement is built once per set of filters and direction, with each value
    bound when it runs: one page's values never carry over into the next."""
    make_submission(app, _person("A"), reference="NEWA-2222", submitted_at=NOW - timedelta(days=1))
    make_submission(
        app,
        _person("C", ["ear_rash"]),
        reference="REVD-2222",
        status="reviewed",
        submitted_at=NOW - timedelta(days=2),
    )
    built = listing._page_statement.cache_info().currsize
    for status, tier, expected in (
        ("new", "none", ["NEWA-2222"]),
        ("reviewed", "urgent", ["REVD-2222"]),
        ("new", "urgent", []),
        ("reviewed", "none", []),
    ):
        assert _refs(client.get(f"/clinic/?status={status}&tier={tier}").get_data(as_text=True)) == expected
    assert listing._page_statement.cache_info().currsize <= built + 1


def test_it_finds_a_reference_however_it_is_typed(app, client, clinician):
    make_submission(app, _person("Smith"), reference="K7QF-3MZP")
    make_submission(app, _person("Jones"), reference="M2NP-4TRS")
    for typed in ("K7QF-3MZP", "k7qf3mzp", " k7qf 3mzp "):
        response = clinician.post("/clinic/", {"q": typed}, token_from="/clinic/")
        with app.app_context():
            assert response.location.endswith("ref=K7QF-3MZP&name=" + name_index(typed)), typed
        assert _refs(client.get(response.location).get_data(as_text=True)) == ["K7QF-3MZP"]


def test_it_finds_an_exact_last_name_without_putting_it_in_the_address(app, client, clinician):
    make_submission(app, _person("García López"), reference="GGGG-2222")
    make_submission(app, _person("Garcia"), reference="HHHH-2222")
    make_submission(app, _person("López"), reference="JJJJ-2222")
    response = clinician.post("/clinic/", {"q": "  garcía   LÓPEZ "}, token_from="/clinic/")
    assert "garc" not in response.location.lower() and "pez" not in response.location.lower()
    page = client.get(response.location).get_data(as_text=True)
    assert _refs(page) == ["GGGG-2222"]
    assert 'value="garcía LÓPEZ"' in page, "the box shows what was typed"
    partial = clinician.post("/clinic/", {"q": "Garc"}, token_from="/clinic/")
    assert _refs(client.get(partial.location).get_data(as_text=True)) == []


def test_an_empty_list_says_why_when_the_dates_are_reversed_or_a_full_name_was_typed(app, client, clinician):
    make_submission(app, _person("Martin"), reference="MMMM-2222")
    reversed_dates = client.get("/clinic/?from=2026-12-06&to=2026-12-01").get_data(as_text=True)
    assert "the “From” date is after the “To” date" in reversed_dates
    full_name = clinician.post("/clinic/", {"q": "Jose Martin"}, token_from="/clinic/")
    page = client.get(full_name.location).get_data(as_text=True)
    assert _refs(page) == [] and "Search by the last name alone" in page
    assert "No submissions match these filters." in client.get("/clinic/?tier=emergency").get_data(
        as_text=True
    )
    # The name is found; another filter leaves it out: the name hint would mislead.
    martin = clinician.post("/clinic/", {"q": "Martin", "tier": "emergency"}, token_from="/clinic/")
    filtered = client.get(martin.location).get_data(as_text=True)
    assert "No submissions match these filters." in filtered and "last name alone" not in filtered


def test_it_stores_a_keyed_hash_of_the_last_name_at_submit(app, patient):
    patient.complete_all_steps()
    patient.submit()
    with app.app_context():
        submission = db.session.scalar(db.select(Submission))
        assert submission.last_name_index == name_index("canary-lopez")
        assert "canary" not in submission.last_name_index
        app.config["SEARCH_KEY"] = "another key"
        assert submission.last_name_index != name_index("canary-lopez"), "keyed, not a plain hash"
    assert normalise_name("  Canary-LOPEZ ") == "canary-lopez"


def test_an_apostrophe_or_hyphen_as_a_phone_types_it_finds_the_same_name(app, client, clinician):
    """An iPhone types O’Brien (U+2019): searching "O'Brien" missed it (review helper)."""
    assert normalise_name("O\u2019Brien") == normalise_name("o'brien") == "o'brien"
    assert normalise_name("Smith\u2013Jones") == normalise_name("smith-jones")
    assert normalise_name("García") != normalise_name("Garcia"), "accents still count"
    make_submission(app, _person("O\u2019Brien"), reference="OBRI-2222")
    make_submission(app, _person("Smith-Jones"), reference="SMJO-2222")
    for typed, expected in (
        ("O'Brien", ["OBRI-2222"]),
        ("o\u2018brien", ["OBRI-2222"]),
        ("Smith\u2010Jones", ["SMJO-2222"]),
    ):
        response = clinician.post("/clinic/", {"q": typed}, token_from="/clinic/")
        assert _refs(client.get(response.location).get_data(as_text=True)) == expected, typed


def test_reindex_works_out_every_index_again_after_the_name_s_normal_form_changed(app, client, clinician):
    public_id = make_submission(app, _person("O\u2019Brien"), reference="OBRI-2222")
    with app.app_context():
        row = db.session.scalar(select(Submission).where(Submission.public_id == public_id))
        row.last_name_index = "0" * 64  # as an older normal form hashed it
        right_person = row.person_index
        row.person_index = None
        db.session.commit()
    found = clinician.post("/clinic/", {"q": "O'Brien"}, token_from="/clinic/")
    assert _refs(client.get(found.location).get_data(as_text=True)) == []
    result = app.test_cli_runner().invoke(args=["reindex"])
    assert result.exit_code == 0 and "Indexed 1 submissions anew." in result.output
    assert _refs(client.get(found.location).get_data(as_text=True)) == ["OBRI-2222"]
    with app.app_context():
        assert db.session.scalar(select(Submission.person_index)) == right_person
    assert "Indexed 0 submissions anew." in app.test_cli_runner().invoke(args=["reindex"]).output


def test_it_pages_through_every_submission_once_with_keyset_links(app, client, clinician):
    app.config["DASHBOARD_PAGE_SIZE"] = 7
    same_moment = NOW - timedelta(days=1)
    expected = []
    for n in range(17):
        # Ties on submitted_at must neither repeat nor skip a row across pages.
        at = same_moment if n % 3 == 0 else NOW - timedelta(hours=n)
        make_submission(
            app,
            _person(f"P{n}"),
            reference=f"PG{n:02d}-2222".replace("0", "Z").replace("1", "X"),
            submitted_at=at,
        )
    with app.app_context():
        expected = [
            r
            for (r,) in db.session.execute(
                db.select(Submission.reference).order_by(Submission.submitted_at.desc(), Submission.id.desc())
            )
        ]
    seen, path, pages = [], "/clinic/", []
    while path:
        page = client.get(path).get_data(as_text=True)
        pages.append(path)
        seen += _refs(page)
        older = re.search(r'href="([^"]+)" rel="next"', page)
        path = older.group(1).replace("&amp;", "&") if older else None
    assert seen == expected and len(pages) == 3
    back = re.search(r'href="([^"]+)" rel="prev"', client.get(pages[2]).get_data(as_text=True)).group(1)
    assert _refs(client.get(back.replace("&amp;", "&")).get_data(as_text=True)) == expected[7:14]


def test_it_keeps_filters_on_page_links_and_the_export_link(app, client, clinician):
    app.config["DASHBOARD_PAGE_SIZE"] = 1
    make_submission(app, _person("A", ["speech"]))
    make_submission(app, _person("B", ["speech"]))
    page = client.get("/clinic/?tier=emergency&status=new").get_data(as_text=True)
    assert re.search(r'href="/clinic/\?before=[0-9.]+&amp;status=new&amp;tier=emergency" rel="next"', page)
    assert 'href="/clinic/export.csv?status=new&amp;tier=emergency"' in page


def _statements(app, client, path: str) -> list[str]:
    seen: list[str] = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", capture)
    try:
        assert client.get(path).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    return seen


def test_it_lists_a_page_in_one_statement_that_reads_no_answers(app, client, clinician):
    """Each row's name is sealed on its own: the listing reads it with the row, and no
    patient's answers are opened to show a page."""
    app.config["DASHBOARD_PAGE_SIZE"] = 5
    for n in range(12):
        make_submission(app, _person(f"P{n}"), submitted_at=NOW - timedelta(hours=12 - n))
    statements = [s for s in _statements(app, client, "/clinic/") if "submission" in s]
    assert [s for s in statements if "submission.answers" in s] == []
    listing = [s for s in statements if "ORDER BY submission.submitted_at DESC" in s]
    assert len(listing) == 1 and "submission.list_label" in listing[0] and "LIMIT" in listing[0]
    page = client.get("/clinic/").get_data(as_text=True)
    assert [n for n in range(12) if f"Maria P{n}<" in page] == [7, 8, 9, 10, 11]


@pytest.mark.sqlite_only  # PostgreSQL's planner chooses plans by table statistics
@pytest.mark.parametrize(
    "filters",
    [
        listing.Filters(),
        listing.Filters(status="new"),
        listing.Filters(tier="emergency"),
        listing.Filters(status="reviewed", tier="urgent"),
        listing.Filters(name_key="0" * 64),
        listing.Filters(
            submitted_from=NOW.date() - timedelta(days=60), submitted_to=NOW.date() - timedelta(days=30)
        ),
    ],
)
def test_it_pages_from_an_index_without_sorting_the_table(app, filters):
    with app.app_context():
        statement = listing.filtered(filters, ZoneInfo("America/New_York"))
        statement = statement.order_by(Submission.submitted_at.desc(), Submission.id.desc()).limit(51)
        compiled = statement.compile(db.engine, compile_kwargs={"literal_binds": True})
        plan = " | ".join(row[-1] for row in db.session.execute(text(f"EXPLAIN QUERY PLAN {compiled}")))
    assert "USING INDEX" in plan and "TEMP B-TREE" not in plan, plan


@pytest.mark.sqlite_only  # counts SQLite's own instructions
@pytest.mark.parametrize("direction", ["before", "after"])
def test_a_keyset_page_costs_the_same_near_the_top_and_deep_down(app, direction):
    # "after" (the Newer link) reads upwards from the cursor: without a bound on the
    # index it would first walk every row older than the cursor.
    with app.app_context():
        demo.seed(QUESTIONNAIRE, 600, NOW, search_key(), None, seed_value=6)
        newest_first = db.select(Submission).order_by(Submission.submitted_at.desc(), Submission.id.desc())
        costs = []
        for depth in (40, 560):
            cursor = listing.Cursor.of(db.session.scalars(newest_first.offset(depth).limit(1)).one())
            costs.append(
                sqlite_steps(
                    lambda: listing.page(
                        listing.Filters(),
                        ZoneInfo("America/New_York"),
                        20,
                        **{direction: cursor},  # noqa: B023 (called at once)
                    )
                )
            )
    assert max(costs) < 1.2 * min(costs), costs


@pytest.mark.parametrize("far", ["9999-12-31", "0001-01-01"])
def test_it_refuses_a_date_at_the_end_of_the_calendar_instead_of_failing(client, clinician, far):
    response = client.get(f"/clinic/?to={far}")
    assert response.status_code in (302, 400) and "Traceback" not in response.get_data(as_text=True)
    assert client.get(f"/clinic/?from={far}").status_code != 500


def test_each_row_carries_the_patient_s_synopsis(app, client, clinician):
    """Issue 27, part 1: the dashboard row gives a clinical clue, sealed like the name."""
    make_submission(app, MARIA, reference="SYNO-2222")
    page = client.get("/clinic/").get_data(as_text=True)
    assert '<span class="row-synopsis">47 y · left · lower lid → cheek, mouth corner' in page


def test_a_row_sent_before_synopses_were_sealed_works_it_out_and_the_command_seals_it(app, client, clinician):
    make_submission(app, MARIA, derived=False)
    page = client.get("/clinic/").get_data(as_text=True)
    assert '<span class="row-synopsis">47 y · left · lower lid' in page, "from the answers meanwhile"
    result = app.test_cli_runner().invoke(args=["backfill"])
    assert result.exit_code == 0 and "Sealed 1 list labels; indexed 1 for earlier visits." in result.output
    with app.app_context():
        [row] = db.session.query(Submission).all()
        assert row.list_label["synopsis"].startswith("47 y · left") and len(row.person_index) == 64
        assert row.list_label["name"] == "Maria Lopez"
    statements = [s for s in _statements(app, client, "/clinic/") if "submission.answers" in s]
    assert statements == [], "sealed now: no answers opened for the list"
    again = app.test_cli_runner().invoke(args=["backfill"]).output.strip()
    assert again == "Sealed 0 list labels; indexed 0 for earlier visits."
