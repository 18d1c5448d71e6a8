"""The clinician's view of a draft's safety record (intake/questionnaire/safety_record.py)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from intake.questionnaire.safety import assess
from intake.questionnaire.safety_record import MAX_EVENTS, SafetyRecord, safety_box

NOW = datetime(2026, 12, 4, 15, 0, tzinfo=timezone.utc)
NONE, SPEECH, RASH = assess({}), assess({"safety.signs": ["speech"]}), assess({"safety.signs": ["ear_rash"]})


def test_it_lists_standing_flags_then_withdrawn_ones_with_page_and_time():
    record = SafetyRecord().after_answers(NONE, SPEECH, "safety", NOW, True)
    record = record.after_answers(SPEECH, RASH, "safety", NOW + timedelta(minutes=2), True)
    box = safety_box(SafetyRecord.from_json(record.to_json()), RASH, "emergency")
    assert [(line.code, line.withdrawn_at) for line in box.lines] == [
        ("ear_rash", None),
        ("speech", NOW + timedelta(minutes=2)),
    ]
    assert (box.highest, box.highest_at) == ("emergency", NOW)
    [lowered] = box.downgrades
    assert (lowered.lowered_from, lowered.lowered_to, lowered.page) == ("emergency", "urgent", "safety")


def test_a_row_sent_before_the_record_still_shows_its_flags_and_stored_tier():
    box = safety_box(SafetyRecord.from_json(None), RASH, "emergency")
    assert box.highest == "emergency"
    assert [(line.code, line.page, line.raised_at) for line in box.lines] == [("ear_rash", None, None)]


def test_the_record_keeps_a_bounded_number_of_events_but_never_loses_the_highest_tier():
    record = SafetyRecord()
    previous = NONE
    for n in range(MAX_EVENTS + 20):
        now_ = NONE if previous is SPEECH else SPEECH
        record = record.after_answers(previous, now_, "safety", NOW + timedelta(seconds=n), True)
        previous = now_
    assert len(record.events) == MAX_EVENTS
    assert record.highest == "emergency" and record.highest_at == NOW.isoformat()
