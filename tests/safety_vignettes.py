"""Patient stories for the safety rules (intake/questionnaire/safety.py), answered as a
literal-minded patient would, each with the published guidance behind its expected tier.

Each story's answers lie over a benign, complete form (BASE: a long-settled Bell's palsy
with synkinesis, the safety step answered "None of these"); `flags` are every rule code
the answers must raise, no more.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tests.answers import MARIA

AHA = "AHA/ASA, 'Stroke symptoms' (BE FAST): call 911 at once"
NHS_STROKE = "NHS, 'Stroke: symptoms': call 999"
NHS_GBS = "NHS, 'Guillain-Barre syndrome': 999 for breathing or swallowing trouble; urgent GP otherwise"
NHS_MENINGITIS = "NHS, 'Meningitis': call 999 (fever with stiff neck or severe headache)"
NICE_HEAD = "NICE NG232 (2023) 1.1/1.2 and NHS, 'Head injury and concussion'"
AAO_BELL = "AAO-HNS, Clinical Practice Guideline: Bell's Palsy (2013), KAS 4 and KAS 11"
NHS_BELL = "NHS, 'Bell's palsy': urgent GP appointment or 111 when the face droops"
NHS_RAMSAY = "NHS, 'Ramsay Hunt syndrome': see a GP urgently"
NICE_HEARING = "NICE NG98 (2018) 1.1.1: sudden hearing loss within 30 days, seen within 24 hours"
NHS_EYE = "NHS, 'Red eye': urgent help for a painful red eye; AAO-HNS 2013 KAS 11"
MHRA = "MHRA Drug Safety Update (Aug 2013), metoclopramide: acute dystonic reactions"
NICE_SEIZURE = "NICE NG217 (2022) 1.2: suspected first seizure, prompt assessment"
PHQ9 = "PHQ-9 instruction manual (Pfizer), item 9; SAMHSA 988 Lifeline"
NICE_LUMP = "NICE NG12 (2015) 1.8: unexplained lump; AAO-HNS 2013 KAS 11"
LONG_STANDING = "AHA/ASA BE FAST and NHS: the alarms are for sudden, new signs; old deficits are history"

# A settled history that raises nothing: as MARIA, with the 2.0.0 safety follow-ups.
BASE: dict[str, Any] = {
    **MARIA,
    "safety.signs": ["none"],
    "history.face_weakness_now": False,
    "history.other_symptoms": ["tinnitus"],
    "history.lump": False,
    "stress.phq9.9": "0",
}


@dataclass(frozen=True)
class Vignette:
    name: str
    answers: dict[str, Any]
    tier: str
    flags: frozenset[str]
    source: str
    drop: tuple[str, ...] = field(default=())  # BASE answers this story does not give

    def all_answers(self) -> dict[str, Any]:
        kept = {k: v for k, v in BASE.items() if k not in self.drop}
        return {**kept, **self.answers}


def _v(name, answers, tier, flags, source, drop=()):
    return Vignette(name, answers, tier, frozenset(flags), source, tuple(drop))


def _signs(*codes):
    return {"safety.signs": list(codes)}


_WEAK_NOW = {"history.face_weakness_now": True}
_SUDDEN = "history.sudden_symptoms"

VIGNETTES: tuple[Vignette, ...] = (
    # --- emergency ---------------------------------------------------------------------------
    _v("Face droops on one side since this morning", _signs("face_droop"), "emergency", {"face_droop"}, AHA),
    _v("Arm went weak and numb an hour ago", _signs("limb_weakness"), "emergency", {"limb_weakness"}, AHA),
    _v("Words came out jumbled at lunch", _signs("speech"), "emergency", {"speech"}, NHS_STROKE),
    _v("Lost the sight of one eye suddenly", _signs("vision"), "emergency", {"vision"}, AHA),
    _v("Suddenly cannot walk straight, room spinning", _signs("balance"), "emergency", {"balance"}, AHA),
    _v("Worst headache of my life, came on in seconds", _signs("headache"), "emergency", {"headache"}, AHA),
    _v("Half the face went numb suddenly", _signs("face_numbness"), "emergency", {"face_numbness"}, AHA),
    _v(
        "Choking on drinks and short of breath",
        _signs("swallow_breathe"),
        "emergency",
        {"swallow_breathe"},
        NHS_GBS,
    ),
    _v("Fever and a stiff neck", _signs("fever_neck"), "emergency", {"fever_neck"}, NHS_MENINGITIS),
    _v(
        "Clear fluid from the ear after a fall",
        _signs("injury_fluid"),
        "emergency",
        {"injury_fluid"},
        NICE_HEAD,
    ),
    _v(
        "None on the safety page, then sudden face numbness on the history page",
        {"history.other_symptoms": ["numbness"], _SUDDEN: ["numbness"]},
        "emergency",
        {"symptoms_sudden"},
        AHA,
    ),
    _v(
        "None on the safety page, then new double vision on the history page",
        {"history.other_symptoms": ["double_vision", "tinnitus"], _SUDDEN: ["double_vision"]},
        "emergency",
        {"symptoms_sudden"},
        AHA,
    ),
    _v(
        "Sudden dizziness given only on the history page",
        {"history.other_symptoms": ["dizziness"], _SUDDEN: ["dizziness"]},
        "emergency",
        {"symptoms_sudden"},
        AHA,
    ),
    _v(
        "Stroke sign and an ear rash together",
        _signs("face_droop", "ear_rash"),
        "emergency",
        {"face_droop", "ear_rash"},
        f"{AHA}; {NHS_RAMSAY}",
    ),
    _v(
        "Stroke sign and thoughts of self-harm",
        {**_signs("speech"), "stress.phq9.9": "2"},
        "emergency",
        {"speech", "self_harm"},
        f"{AHA}; {PHQ9}",
    ),
    # --- urgent ------------------------------------------------------------------------------
    _v(
        "Face went weak two days ago, not seen yet (safety page)",
        _signs("face_weakness_new"),
        "urgent",
        {"face_weakness_new"},
        AAO_BELL,
    ),
    _v(
        "A palsy two weeks old that nobody has examined (history page)",
        {**_WEAK_NOW, "history.face_weakness_started": "weeks", "history.face_weakness_checked": False},
        "urgent",
        {"face_weakness_recent"},
        f"{AAO_BELL}; {NHS_BELL}",
    ),
    _v(
        "Weakness since yesterday, not yet checked (history page)",
        {**_WEAK_NOW, "history.face_weakness_started": "days", "history.face_weakness_checked": False},
        "urgent",
        {"face_weakness_recent"},
        AAO_BELL,
    ),
    _v(
        "Both sides of the face weak this week",
        _signs("both_sides_weak"),
        "urgent",
        {"both_sides_weak"},
        NHS_GBS,
    ),
    _v("The eye stopped closing last week", _signs("eye_not_closing"), "urgent", {"eye"}, NHS_EYE),
    _v("Blisters in the ear and it hurts", _signs("ear_rash"), "urgent", {"ear_rash"}, NHS_RAMSAY),
    _v("Woke up deaf in one ear", _signs("hearing_loss"), "urgent", {"hearing_loss"}, NICE_HEARING),
    _v(
        "Sudden hearing loss given on the history page",
        {"history.other_symptoms": ["hearing_loss"], _SUDDEN: ["hearing_loss"]},
        "urgent",
        {"hearing_loss_history"},
        NICE_HEARING,
    ),
    _v(
        "Neck twisting and eyes rolling up since a new anti-sickness pill",
        _signs("medicine_reaction"),
        "urgent",
        {"medicine_reaction"},
        MHRA,
    ),
    _v(
        "The twitching spread into the hand, confused afterwards",
        _signs("seizure_like"),
        "urgent",
        {"seizure_like"},
        NICE_SEIZURE,
    ),
    _v(
        "Hit the side of the head three days ago", _signs("head_injury"), "urgent", {"head_injury"}, NICE_HEAD
    ),
    _v(
        "Face weak since a fall two weeks ago, already seen",
        {
            **_WEAK_NOW,
            "history.face_weakness_started": "weeks",
            "history.face_weakness_checked": True,
            "history.injury": True,
            "history.injury_recent": True,
        },
        "urgent",
        {"injury_weakness", "injury_recent"},
        NICE_HEAD,
    ),
    _v("Thoughts of self-harm on several days", {"stress.phq9.9": "1"}, "urgent", {"self_harm"}, PHQ9),
    _v("Thoughts of self-harm nearly every day", {"stress.phq9.9": "3"}, "urgent", {"self_harm"}, PHQ9),
    # --- soon --------------------------------------------------------------------------------
    _v("A lump in front of the ear", {"history.lump": True}, "soon", {"lump"}, NICE_LUMP),
    _v(
        "Weakness for a year, slowly getting worse",
        {**_WEAK_NOW, "history.face_weakness_started": "longer", "history.face_weakness_course": "worse"},
        "soon",
        {"weakness_worsening"},
        AAO_BELL,
    ),
    _v(
        "A lump and weakness slowly getting worse",
        {
            **_WEAK_NOW,
            "history.face_weakness_started": "longer",
            "history.face_weakness_course": "worse",
            "history.lump": True,
        },
        "soon",
        {"weakness_worsening", "lump"},
        NICE_LUMP,
    ),
    _v(
        "Hit the face three weeks ago, no weakness",
        {"history.injury": True, "history.injury_recent": True},
        "soon",
        {"injury_recent"},
        NICE_HEAD,
    ),
    # --- none: long-standing deficits and everyday stories ----------------------------------------
    _v(
        "An old stroke: arm weakness and speech trouble for years",
        {"history.lasting": ["limb_weakness", "speech"], "history.diagnoses": ["stroke"]},
        "none",
        set(),
        LONG_STANDING,
    ),
    _v(
        "MS for years: double vision and poor balance",
        {"history.lasting": ["vision", "balance"], "history.diagnoses": ["multiple_sclerosis"]},
        "none",
        set(),
        LONG_STANDING,
    ),
    _v(
        "An eye that has not closed fully for ten years",
        {"history.lasting": ["eye_not_closing"]},
        "none",
        set(),
        f"{LONG_STANDING}; AAO-HNS 2013 KAS 11 concerns eye symptoms that develop",
    ),
    _v("A Bell's palsy in 2015 with synkinesis now", {}, "none", set(), AAO_BELL),
    _v(
        "Face weak for years, unchanged",
        {**_WEAK_NOW, "history.face_weakness_started": "longer", "history.face_weakness_course": "same"},
        "none",
        set(),
        AAO_BELL,
    ),
    _v(
        "Face numbness that has been there for years",
        {"history.other_symptoms": ["numbness"], _SUDDEN: ["none"]},
        "none",
        set(),
        LONG_STANDING,
    ),
    _v(
        "Hearing loss for years",
        {"history.other_symptoms": ["hearing_loss", "tinnitus"], _SUDDEN: ["none"]},
        "none",
        set(),
        NICE_HEARING,
    ),
    _v("No thoughts of self-harm", {"stress.phq9.9": "0"}, "none", set(), PHQ9),
    _v(
        "Eyelid flutter with coffee and stress",
        {"twitch.where": ["lower_eyelid"], "twitch.triggers": ["caffeine", "stress"]},
        "none",
        set(),
        "NHS, 'Twitching eyes and muscles': see a GP if it lasts more than 2 weeks (no same-day sign)",
    ),
    _v(
        "Dry eye and ringing in the ear",
        {"history.other_symptoms": ["dry_eye", "tinnitus"]},
        "none",
        set(),
        LONG_STANDING,
    ),
    _v(
        "An injury years ago, none recent",
        {"history.injury": True, "history.injury_recent": False},
        "none",
        set(),
        NICE_HEAD,
    ),
)


def form_posts(answers: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The answers as a browser would post them, one form per step."""
    from intake.questionnaire.schema import ItemType
    from intake.questionnaire.twitching import QUESTIONNAIRE

    posts: dict[str, dict[str, Any]] = {}
    for step in QUESTIONNAIRE.steps:
        form: dict[str, Any] = {}
        for item in step.items:
            value = answers.get(item.link_id)
            if value is None:
                continue
            if item.type is ItemType.BOOLEAN:
                form[item.link_id] = "yes" if value else "no"
            elif item.type is ItemType.CONSENT:
                form[item.link_id] = "y"
            elif item.type is ItemType.MONTH_YEAR:
                year, month = value.split("-")
                form[f"{item.link_id}-month"], form[f"{item.link_id}-year"] = str(int(month)), year
            elif item.type is ItemType.MULTI:
                form[item.link_id] = list(value)
            else:
                form[item.link_id] = str(value)
        posts[step.id] = form
    return posts
