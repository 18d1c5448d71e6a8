"""Which version of the questionnaire asked what, and what changed between versions.

Answers are keyed by link id and no link id is ever renamed or dropped, so answers given
against any version read with today's questionnaire; an item a version did not ask is
simply unanswered. What this module adds is the memory of which items are new, so that a
draft begun on an earlier version asks only those (patient/views.py, "resume").

Pure Python: no Flask, no database.
"""

from __future__ import annotations

from dataclasses import dataclass

from intake.questionnaire.schema import Questionnaire, Step


@dataclass(frozen=True)
class Version:
    number: str
    changes: tuple[str, ...]  # the change list, in the README's words
    released: str | None = None  # YYYY-MM-DD, when patients first answered it (FHIR `date`)


# Every item of 1.0.0, the first version patients answered (commit cd90cb2..2e1aa40^).
V1_LINK_IDS = frozenset(
    {
        "consent.agree", "consent.language", "safety.signs",
        "about.first_name", "about.last_name", "about.birth_date", "about.email", "about.phone",
        "about.contact_method", "about.language", "about.language_other", "about.referrer",
        "about.heard_from", "about.heard_from_other",
        "twitch.where", "twitch.side", "twitch.start_place", "twitch.onset", "twitch.onset_manner",
        "twitch.spread", "twitch.frequency", "twitch.episode_length", "twitch.eye_closes",
        "twitch.in_sleep", "twitch.urge", "twitch.suppressible", "twitch.triggers",
        "twitch.triggers_other", "twitch.course", "twitch.bother", "twitch.affects",
        "history.paralysis", "history.paralysis_side", "history.paralysis_year",
        "history.paralysis_recovery", "history.synkinesis_eye", "history.synkinesis_tears",
        "history.face_weakness_now", "history.injury", "history.injury_details",
        "history.other_symptoms", "history.diagnoses", "history.diagnoses_other", "history.family",
        "history.imaging", "history.imaging_when", "history.imaging_told", "history.medicines",
        "history.treatments", "history.botox_last", "history.botox_effect", "history.botox_weeks",
        *(f"stress.gad7.{n}" for n in range(1, 8)), "stress.phq2.1", "stress.phq2.2",
        "stress.level", "stress.life_change", "stress.life_change_details", "stress.adrenaline",
        "stress.caffeine", "stress.alcohol", "stress.sleep_hours", "stress.sleep_quality",
        "visit.goals", "visit.times",
    }
)  # fmt: skip

# Items that moved to another step in 2.0.0 and keep their link id (a contract): so their
# prefix names the step they were first asked on, not the one they are on now.
MOVED_IN_2 = frozenset(
    {
        "history.medicines", "history.treatments",
        "history.botox_last", "history.botox_effect", "history.botox_weeks",
    }
)  # fmt: skip

# Items 2.0.0 asks again of a draft begun on 1.0.0 although they keep their link id: the
# safety question gained signs that need care at once (issue 25), so it is asked afresh.
ASKED_AGAIN_IN_2 = frozenset({"safety.signs"})

VERSIONS = (
    Version("1.0.0", ("The first version: seven pages, GAD-7 and PHQ-2.",), released="2026-11-27"),
    Version(
        "2.0.0",
        (
            "Safety follows the whole form: new emergency and urgent signs on the safety page, "
            "new or old facial weakness told apart on the history page, PHQ-9 item 9.",
            "Two new pages, 'What the movements are like' and 'How the movements began and "
            "changed': visible or only felt, rippling, lasting for days, eyes shut and hard to "
            "open, the eyebrow going up as the eye shuts (with a drawing), both sides together or "
            "each on its own, a click in the ear, blinking, light, dry eyes, what eases the "
            "movements (with a drawing), full strength from the start, an event before, "
            "distraction, changing side or pattern, waves over the years, other movements or "
            "sounds and the age they began.",
            "Jaw and tongue among the places; 'I don't remember' and the age at onset.",
            "After a facial paralysis: whether it came back, how long after it the twitching "
            "began, movement only with voluntary movement or also at rest, tightness, the mouth "
            "pulling with a blink, the neck tightening.",
            "A new 'Medicines and treatments' page: the medicines list and the treatments moved "
            "there; medicine groups and a change of medicine before the twitching; Botox product, "
            "number of times, dose and sites, who injects, days to work, side effects; "
            "pregnancy or breastfeeding, an allergy to botulinum toxin or albumin, blood thinners.",
            "Sex and whether an interpreter is needed; ADHD, OCD, myasthenia gravis or "
            "Lambert-Eaton, high blood pressure, diabetes and Lyme disease among the conditions "
            "a doctor has named.",
            "The GAD-7 and PHQ difficulty questions; the time frame beside every instrument item; "
            "each instrument's answers in its own translation context.",
            "Spanish: 'movimientos' instead of 'espasmos'; US spelling 'tumor'.",
        ),
        released="2026-12-05",
    ),
    Version(
        "2.1.0",
        (
            "No question changed; the three longest pages are split where the topic breaks, "
            "so that each is shorter on a phone: the twitching page (where and since when), "
            "then 'How often it happens and what sets it off'; the health history page (the "
            "face: paralysis, weakness, lumps, injuries), then 'Other health conditions'; the "
            "GAD-7 and PHQ as 'Worry and mood', then 'Stress and daily life'.",
            "Questions worded for whoever fills the form in: 'your child' for a parent, 'the "
            "person you care for' for a carer (the GAD-7 and PHQ keep their own wording).",
        ),
        released="2026-12-06",
    ),
    Version(
        "2.2.0",
        (
            "A new page after 'How often it happens and what sets it off', 'Photos and video' "
            "(optional): the nine photos of the standard facial-nerve set, each with a drawing, "
            "and up to three videos of an episode, with a consent of its own to keep them in "
            "the record.",
        ),
        released="2026-12-06",
    ),
    Version(
        "2.3.0",
        (
            "No new question; the pregnancy question is not asked when the patient's sex is given as male.",
            "US English in two texts: 'watching a movie', 'Medicine for nausea'.",
        ),
        released="2026-12-07",
    ),
)
CURRENT = VERSIONS[-1].number


def known(number: str) -> bool:
    return any(v.number == number for v in VERSIONS)


def released(number: str) -> str | None:
    """The date a version was published (YYYY-MM-DD); None for an unknown version."""
    return next((v.released for v in VERSIONS if v.number == number), None)


def asked_in(questionnaire: Questionnaire, number: str) -> frozenset[str]:
    """The link ids a version asked (today's for the current one or an unknown one)."""
    if number == "1.0.0":
        return V1_LINK_IDS
    return frozenset(item.link_id for item in questionnaire.items())


def new_since(questionnaire: Questionnaire, number: str) -> frozenset[str]:
    """Link ids today's questionnaire asks that version `number` did not ask as it is now."""
    new = frozenset(item.link_id for item in questionnaire.items()) - asked_in(questionnaire, number)
    return new | ASKED_AGAIN_IN_2 if number == "1.0.0" else new


def first_step_asking_new(questionnaire: Questionnaire, number: str) -> Step | None:
    """The first step with a question that version `number` did not ask, if any."""
    new = new_since(questionnaire, number)
    return next(
        (step for step in questionnaire.steps if new.intersection(i.link_id for i in step.items)), None
    )
