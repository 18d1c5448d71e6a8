"""The clinician's pre-visit summary, built from one submission's answers.

Sections follow "The clinician's pre-visit summary" in QUESTIONNAIRE.md. Everything here
reports what the patient answered; nothing names a condition the patient may have or
weighs a likelihood ("reported features", never conclusions).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from itertools import groupby
from operator import attrgetter
from typing import Any, Mapping

from intake.questionnaire.dates import age_on, months_between, parse_date, parse_month
from intake.questionnaire.display import EMPTY, choice_display, display_answer
from intake.questionnaire.respondent import CARER, PARENT, PATIENT, respondent
from intake.questionnaire.safety import SafetyAssessment, assess
from intake.questionnaire.schema import Item, ItemType, Questionnaire, Step
from intake.questionnaire.scoring import GAD2, GAD7, PHQ2, Score, score_all

# The "about" step is shown as `Who`; its free text is not the patient's account.
NOT_OWN_WORDS_STEPS = frozenset({"about"})
# Section titles, as the summary page heads them.
TWITCHING, PATTERN, HISTORY = "Twitching at a glance", "What the movements are like", "History"
TREATMENTS, DAILY_LIFE = "Medicines and treatments", "Scores, stress and daily life"
OWN_WORDS = "In the patient's own words"
# Free text that a section shows beside the answer it explains ("Triggers: Stress; Other:
# cold wind"). It appears there only: not again under own words, and "Every answer" points
# to the section (issue 27, part 6: free text appears once).
FREE_TEXT_IN_SECTIONS = {
    "twitch.triggers_other": TWITCHING,
    "pattern.eases_with_other": PATTERN,
    "history.injury_details": HISTORY,
    "history.diagnoses_other": HISTORY,
    "history.imaging_told": HISTORY,
    "history.medicines": TREATMENTS,
    "treatments.medicine_change_details": TREATMENTS,
    "treatments.botox_dose": TREATMENTS,
    "treatments.botox_injector": TREATMENTS,
    "stress.life_change_details": DAILY_LIFE,
}


@dataclass(frozen=True)
class Fact:
    label: str
    value: str


@dataclass(frozen=True)
class Who:
    name: str
    age: int | None  # whole years on the day the summary is built
    birth_date: str | None
    email: str | None
    phone: str | None
    contact_method: str | None
    language: str | None
    referrer: str | None
    sex: str | None = None
    interpreter: str | None = None
    filled_in_by: str | None = None  # "Parent or guardian: Jane Doe"; None when the patient


@dataclass(frozen=True)
class AnswerLine:
    link_id: str
    step: str
    question: str
    value: str


@dataclass(frozen=True)
class PreVisitSummary:
    safety: SafetyAssessment  # flags: emergency first, in the option's own wording
    who: Who
    twitching: tuple[Fact, ...]
    pattern: tuple[Fact, ...]  # what the movements are like, how they began and changed
    history: tuple[Fact, ...]
    treatments: tuple[Fact, ...]  # medicines, treatments tried, what matters for treatment
    scores: tuple[Score, ...]
    daily_life: tuple[Fact, ...]  # stress, adrenaline, caffeine, alcohol, sleep
    own_words: tuple[Fact, ...]  # (question, free text)
    visit_times: str | None  # preferred appointment times
    features: tuple[str, ...]  # "reported features to explore"
    answers: tuple[AnswerLine, ...]  # every answer, in questionnaire order

    @property
    def answers_by_step(self) -> tuple[tuple[str, tuple[AnswerLine, ...]], ...]:
        """Every answer under its step's title, steps in questionnaire order."""
        return tuple((step, tuple(lines)) for step, lines in groupby(self.answers, key=attrgetter("step")))


# --------------------------------------------------------------------------- display


# --------------------------------------------------------------------------- reading


class _Answers:
    """Enabled answers plus the questionnaire, with the few lookups the sections need."""

    def __init__(self, questionnaire: Questionnaire, answers: Mapping[str, Any]) -> None:
        self.questionnaire = questionnaire
        self.values = questionnaire.enabled_answers(answers)

    def get(self, link_id: str) -> Any:
        value = self.values.get(link_id)
        return None if value in EMPTY else value

    def show(self, link_id: str) -> str | None:
        if self.get(link_id) is None:
            return None
        return display_answer(self.questionnaire.item(link_id), self.get(link_id)) or None

    def codes(self, link_id: str) -> list[str]:
        value = self.get(link_id)
        return value if isinstance(value, list) else [] if value is None else [value]

    def has(self, link_id: str, code: Any) -> bool:
        value = self.get(link_id)
        return code in value if isinstance(value, list) else value == code

    def choice(self, link_id: str, code: str) -> str:
        return choice_display(self.questionnaire.item(link_id), code)

    def with_other(self, link_id: str, other_link_id: str) -> str | None:
        """A multi answer with its "other" choice replaced by what the patient wrote."""
        other = self.show(other_link_id)
        parts = [
            f"Other: {other}" if code == "other" and other else self.choice(link_id, code)
            for code in self.codes(link_id)
        ]
        return "; ".join(parts) or None


def _facts(*pairs: tuple[str, str | None]) -> tuple[Fact, ...]:
    return tuple(Fact(label, value) for label, value in pairs if value)


def _out_of_ten(value: Any) -> str | None:
    return None if value is None else f"{value}/10"


def _join(*parts: str | None) -> str | None:
    return "; ".join(p for p in parts if p) or None


def _labelled(label: str, value: str | None) -> str | None:
    return f"{label}: {value}" if value else None


# --------------------------------------------------------------------------- sections


def _safety(a: _Answers) -> SafetyAssessment:
    # assess() already puts the highest tier first.
    return assess(a.values)


def patient_name(answers: Mapping[str, Any]) -> str:
    """The first and last name as the patient gave them; "" when they gave neither."""
    parts = (answers.get("about.first_name"), answers.get("about.last_name"))
    return " ".join(str(p).strip() for p in parts if p and str(p).strip())


def _who(a: _Answers, today: date) -> Who:
    birth = parse_date(str(a.get("about.birth_date") or ""))
    language = a.show("about.language")
    if a.has("about.language", "other") and a.show("about.language_other"):
        language = a.show("about.language_other")
    return Who(
        name=" ".join(filter(None, (a.show("about.first_name"), a.show("about.last_name")))),
        age=age_on(birth, today) if birth else None,
        birth_date=a.show("about.birth_date"),
        email=a.show("about.email"),
        phone=a.show("about.phone"),
        contact_method=a.show("about.contact_method"),
        language=language,
        referrer=a.show("about.referrer"),
        sex=a.show("about.sex"),
        interpreter=a.show("about.interpreter"),
        filled_in_by=_filled_in_by(a),
    )


RESPONDENT_LABELS = {PARENT: "Parent or guardian", CARER: "Carer or relative"}


def _filled_in_by(a: _Answers) -> str | None:
    who = respondent(a.values)
    if who == PATIENT:
        return None
    relationship = a.show("about.respondent_relationship")
    name = a.show("about.respondent_name")
    label = RESPONDENT_LABELS[who] + (f" ({relationship})" if relationship else "")
    return f"{label}: {name}" if name else label


def _since(a: _Answers, today: date) -> str | None:
    started = parse_month(a.get("twitch.onset"))
    if started:
        how_long = _ago(started, today)
        since = f"{a.show('twitch.onset')} ({how_long})" if how_long else a.show("twitch.onset")
    elif a.has("twitch.onset_unknown", "dont_remember"):
        since = "Date not remembered"
    else:
        since = None
    return _join(since, _labelled("began", a.show("twitch.onset_manner")))


def _age_at_onset(a: _Answers, today: date) -> str | None:
    """The age given, or else the age worked out from the date of birth and the onset."""
    given = a.get("twitch.onset_age")
    birth = parse_date(str(a.get("about.birth_date") or ""))
    if given is not None:
        years_ago = age_on(birth, today) - given if birth else None
        ago = f"; about {years_ago} years ago" if years_ago and years_ago > 0 else ""
        return f"{given} (as given){ago}"
    started = parse_month(a.get("twitch.onset"))
    if birth and started and started >= birth:
        return f"about {age_on(birth, started)} (from the date of birth and the onset)"
    return None


def _ago(month: date, today: date) -> str | None:
    months = months_between(month, today)
    if months < 0:
        return None
    if months < 2:
        return ("this month", "last month")[months]
    return f"{months} months ago" if months < 24 else f"{months // 12} years ago"


def _twitching(a: _Answers, today: date) -> tuple[Fact, ...]:
    several_places = len(a.codes("twitch.where")) > 1
    start = a.show("twitch.start_place") if several_places else None
    return _facts(
        ("Side", a.show("twitch.side")),
        ("Started at" if start else "Where", start or a.show("twitch.where")),
        ("Now at", a.show("twitch.where") if start else None),
        ("Since", _since(a, today)),
        ("Age at onset", _age_at_onset(a, today)),
        ("Spread to other parts of the face", a.show("twitch.spread")),
        (
            "How often",
            _join(
                a.show("twitch.frequency"),
                _labelled("each episode", a.show("twitch.episode_length")),
            ),
        ),
        ("Eye closes fully during a spasm", a.show("twitch.eye_closes")),
        ("Seen to continue during sleep", a.show("twitch.in_sleep")),
        (
            "Urge / can hold it back",
            _join(
                _labelled("urge before it", a.show("twitch.urge")),
                _labelled("can hold it back", a.show("twitch.suppressible")),
            ),
        ),
        ("Triggers", a.with_other("twitch.triggers", "twitch.triggers_other")),
        ("Course over the last months", a.show("twitch.course")),
        (
            "Bother",
            _join(
                _out_of_ten(a.get("twitch.bother")),
                _labelled("affects", a.show("twitch.affects")),
            ),
        ),
    )


def _pattern(a: _Answers) -> tuple[Fact, ...]:
    return _facts(
        ("Seen by others or only felt", a.show("pattern.visible")),
        ("Rippling, like worms under the skin", a.show("pattern.rippling")),
        ("Without a break for days", a.show("pattern.continuous_days")),
        ("Eyes squeeze shut and are hard to open", a.show("pattern.eyes_shut")),
        ("Eyebrow when the eye shuts", a.show("pattern.brow_up")),
        ("Both sides", a.show("pattern.both_sides")),
        ("Click or thump in the ear with the movements", a.show("pattern.ear_click")),
        ("Blinks much more than before", a.show("pattern.blinking")),
        ("Light bothers the eyes between movements", a.show("pattern.light")),
        ("Dry or gritty eyes", a.show("pattern.dry_eyes")),
        ("Eases with", a.with_other("pattern.eases_with", "pattern.eases_with_other")),
        ("At full strength from the start", a.show("course.full_at_start")),
        ("In the weeks before it began", a.show("course.event_before")),
        ("Stops or changes when distracted", a.show("course.distraction")),
        ("Changes side or pattern", a.show("course.varies")),
        ("Comes and goes in waves over the years", a.show("course.waves")),
        (
            "Other movements or sounds away from the face",
            _join(
                a.show("course.other_movements"),
                _labelled("began at age", a.show("course.other_movements_age")),
            ),
        ),
    )


def _treatments(a: _Answers) -> tuple[Fact, ...]:
    return _facts(
        ("Medicines", a.show("history.medicines")),
        ("Takes or recently took", a.show("treatments.medicine_groups")),
        (
            "Began or worsened after a medicine change",
            _join(a.show("treatments.medicine_change"), a.show("treatments.medicine_change_details")),
        ),
        ("Treatments tried", a.show("history.treatments")),
        (
            "Botox",
            _join(
                _labelled("product", a.show("treatments.botox_product")),
                _labelled("times", a.show("treatments.botox_times")),
                _labelled("dose and sites", a.show("treatments.botox_dose")),
                _labelled("injected by", a.show("treatments.botox_injector")),
                _labelled("last injection", a.show("history.botox_last")),
                _labelled("effect", a.show("history.botox_effect")),
                _labelled("days to work", a.show("treatments.botox_days_to_work")),
                _labelled("weeks it helped", a.show("history.botox_weeks")),
                _labelled("side effects", a.show("treatments.botox_side_effects")),
            ),
        ),
        ("Pregnant, trying or breastfeeding", a.show("treatments.pregnant")),
        ("Allergy to botulinum toxin or albumin", a.show("treatments.toxin_allergy")),
        ("Takes a blood thinner", a.show("treatments.blood_thinner")),
    )


def _history(a: _Answers) -> tuple[Fact, ...]:
    return _facts(
        (
            "Prior facial paralysis",
            _join(
                a.show("history.paralysis"),
                a.show("history.paralysis_side"),
                _labelled("year", a.show("history.paralysis_year")),
                _labelled("recovery", a.show("history.paralysis_recovery")),
                _labelled("came back", a.show("history.paralysis_again")),
            ),
        ),
        (
            "After the paralysis",
            _join(
                _labelled("twitching began", a.show("history.twitch_after_paralysis")),
                _labelled("movements", a.show("history.synkinesis_at_rest")),
                _labelled("eye closes on smiling or chewing", a.show("history.synkinesis_eye")),
                _labelled("mouth pulls on blinking", a.show("history.synkinesis_mouth")),
                _labelled("neck tightens", a.show("history.synkinesis_neck")),
                _labelled("tight or stiff", a.show("history.synkinesis_tight")),
                _labelled("tears when eating", a.show("history.synkinesis_tears")),
            ),
        ),
        ("Face weakness now", a.show("history.face_weakness_now")),
        (
            "Injury or surgery to face, head, ear or parotid",
            _join(a.show("history.injury"), a.show("history.injury_details")),
        ),
        ("Other symptoms now", a.show("history.other_symptoms")),
        (
            "A doctor has told them they have",
            a.with_other("history.diagnoses", "history.diagnoses_other"),
        ),
        ("Family history", a.show("history.family")),
        (
            "Head MRI or CT",
            _join(
                a.show("history.imaging"),
                a.show("history.imaging_when"),
                _labelled("told", a.show("history.imaging_told")),
            ),
        ),
    )


def _daily_life(a: _Answers) -> tuple[Fact, ...]:
    hours = a.get("stress.sleep_hours")
    return _facts(
        ("GAD-7: how difficult the problems made daily life", a.show("stress.gad7.difficulty")),
        ("PHQ: how difficult the problems made daily life", a.show("stress.phq.difficulty")),
        ("Stress over the last month", _out_of_ten(a.get("stress.level"))),
        (
            "Big stressful change in the last 6 months",
            _join(a.show("stress.life_change"), a.show("stress.life_change_details")),
        ),
        ("Racing heart, shakiness or adrenaline rush", a.show("stress.adrenaline")),
        ("Caffeinated drinks a day", a.show("stress.caffeine")),
        ("Alcoholic drinks a week", a.show("stress.alcohol")),
        (
            "Sleep",
            _join(
                f"{hours} hours a night" if hours is not None else None,
                _labelled("sleeps", a.show("stress.sleep_quality")),
            ),
        ),
    )


def _own_words(a: _Answers) -> tuple[Fact, ...]:
    return _facts(
        *(
            (item.text, a.show(item.link_id))
            for step in a.questionnaire.steps
            for item in step.items
            if _own_words_item(step, item)
        )
    )


def _all_answers(a: _Answers) -> tuple[AnswerLine, ...]:
    """Every answer; free text only once, where the summary shows it (issue 27, part 6)."""
    shown = ((step, item, a.show(item.link_id)) for step in a.questionnaire.steps for item in step.items)
    return tuple(
        AnswerLine(item.link_id, step.title, item.text, _see(step, item) or value)
        for step, item, value in shown
        if value
    )


def _see(step: Step, item: Item) -> str | None:
    """Where the summary shows an item's free text, for "Every answer" to point to."""
    section = FREE_TEXT_IN_SECTIONS.get(item.link_id) or (OWN_WORDS if _own_words_item(step, item) else None)
    return f"See “{section}”" if section else None


def _own_words_item(step: Step, item: Item) -> bool:
    return (
        step.id not in NOT_OWN_WORDS_STEPS
        and item.type in (ItemType.TEXT, ItemType.LONG_TEXT)
        and item.link_id not in FREE_TEXT_IN_SECTIONS
    )


# --------------------------------------------------------------------------- features

# (item, answer, statement): shown when the item's answer is, or includes, that answer.
# Plain reports of what the patient ticked; never a conclusion or a likelihood.
TWITCHING_FEATURES: tuple[tuple[str, str | bool, str], ...] = (
    ("twitch.side", "both", "Twitching reported on both sides of the face"),
    ("twitch.onset_manner", "sudden", "Twitching reported to have begun suddenly"),
    ("twitch.spread", "yes", "Twitching reported to have spread"),
    ("twitch.frequency", "constant", "Twitching reported to be present all the time"),
    ("twitch.eye_closes", "yes", "Eye reported to close completely during spasms"),
    ("twitch.in_sleep", "yes", "Twitching reported to continue during sleep"),
    ("twitch.urge", "yes", "Reports an urge or build-up before the twitching"),
    ("twitch.suppressible", "yes", "Reports being able to hold back the twitching"),
    (
        "twitch.triggers",
        "face_movement",
        "Reports the twitching is brought on by talking, eating or smiling",
    ),
    ("twitch.course", "worse", "Twitching reported to be getting worse"),
    ("twitch.affects", "driving", "Reports the twitching gets in the way of driving"),
)
PATTERN_FEATURES: tuple[tuple[str, str | bool, str], ...] = (
    ("pattern.visible", "only_feel", "Reports the movements are felt but not seen by others"),
    ("pattern.rippling", "yes", "Reports rippling movements, like worms under the skin"),
    ("pattern.continuous_days", "yes", "Reports the movements going on without a break for days"),
    ("pattern.eyes_shut", "yes", "Reports the eyes squeezing shut and being hard to open"),
    ("pattern.brow_up", "yes", "Reports the eyebrow going up as the eye shuts in a spasm"),
    ("pattern.both_sides", "together", "Reports both sides of the face moving at the same time"),
    ("pattern.both_sides", "separately", "Reports each side of the face moving on its own"),
    ("pattern.ear_click", "yes", "Reports a click or thump in the ear in time with the movements"),
    ("pattern.blinking", "yes", "Reports blinking much more than before"),
    ("pattern.light", "yes", "Reports light bothering the eyes even between movements"),
    ("pattern.dry_eyes", "yes", "Reports dry or gritty eyes"),
    ("course.full_at_start", "yes", "Reports the movements were at full strength from the start"),
    ("course.distraction", "yes", "Reports the movements stop or change when distracted"),
    ("course.varies", "yes", "Reports the movements change side or pattern from one time to the next"),
    ("course.waves", "yes", "Reports the movements come and go in waves over the years"),
)
HISTORY_FEATURES: tuple[tuple[str, str | bool, str], ...] = (
    ("history.paralysis_recovery", "partial", "Reports partial recovery after the paralysis"),
    ("history.paralysis_recovery", "none", "Reports no recovery after the paralysis"),
    ("history.paralysis_again", "same_side", "Reports the facial paralysis came back on the same side"),
    ("history.paralysis_again", "other_side", "Reports a facial paralysis on the other side as well"),
    (
        "history.synkinesis_at_rest",
        "only_moving",
        "Reports the movements since the paralysis come only when moving the face",
    ),
    (
        "history.synkinesis_at_rest",
        "also_still",
        "Reports the movements since the paralysis come also when the face is still",
    ),
    ("history.synkinesis_eye", "yes", "Reports the eye closing when smiling or chewing"),
    ("history.synkinesis_mouth", "yes", "Reports the mouth pulling when blinking or closing the eyes"),
    ("history.synkinesis_neck", "yes", "Reports the neck tightening when smiling or closing the eyes"),
    ("history.synkinesis_tight", "yes", "Reports tightness or stiffness on the side of the paralysis"),
    ("history.synkinesis_tears", "yes", "Reports tears running when eating"),
    ("history.face_weakness_now", True, "Reports weakness of the face now"),
    (
        "history.injury",
        True,
        "Reports a past injury or surgery to the face, head, ear or parotid area",
    ),
    ("history.imaging", "yes", "Reports a previous MRI or CT scan of the head"),
)
TREATMENT_FEATURES: tuple[tuple[str, str | bool, str], ...] = (
    (
        "treatments.medicine_change",
        "yes",
        "Reports the twitching began or got worse soon after a medicine change",
    ),
    ("history.treatments", "surgery", "Reports previous surgery for the twitching"),
    (
        "treatments.pregnant",
        "yes",
        "Reports being pregnant, trying to become pregnant or breastfeeding",
    ),
    ("treatments.toxin_allergy", "yes", "Reports an allergic reaction to botulinum toxin or albumin"),
    ("treatments.blood_thinner", "yes", "Reports taking a blood thinner"),
    ("about.interpreter", True, "Asks for an interpreter at the visit"),
)
DAILY_LIFE_FEATURES: tuple[tuple[str, str | bool, str], ...] = (
    ("stress.life_change", True, "Reports a big, stressful change in the last 6 months"),
    (
        "stress.adrenaline",
        "often",
        "Reports often having a racing heart, shakiness or an adrenaline rush",
    ),
    ("stress.sleep_quality", "poor", "Reports sleeping poorly most nights"),
)
# Choices that say "nothing to report" rather than a feature.
NO_FEATURE_CODES = frozenset({"none", "dont_know", "other"})


def _from_table(a: _Answers, table: tuple[tuple[str, str | bool, str], ...]) -> list[str]:
    return [text for link_id, answer, text in table if a.has(link_id, answer)]


def _spread_pattern(a: _Answers) -> str | None:
    where = a.codes("twitch.where")
    start = a.get("twitch.start_place") if len(where) > 1 else None
    others = [a.choice("twitch.where", code).lower() for code in where if code != start]
    if not start or not others:
        return None
    first = a.choice("twitch.where", start).lower()
    return f"Twitching reported to have started at the {first}; now also at {_and(others)}"


def _and(places: list[str]) -> str:
    """Join places as in "the cheek, the lips and the chin"."""
    named = [f"the {place}" for place in places]
    return " and ".join(filter(None, (", ".join(named[:-1]), named[-1])))


def _paralysis(a: _Answers) -> str | None:
    if not a.has("history.paralysis", "yes"):
        return None
    sides = (a.get("history.paralysis_side"), a.get("twitch.side"))
    if sides in (("left", "left"), ("right", "right")):
        return "Prior facial paralysis on the same side as the twitching"
    if sides in (("left", "right"), ("right", "left")):
        return "Prior facial paralysis on the opposite side from the twitching"
    side = a.show("history.paralysis_side")
    return "Prior facial paralysis reported" + (f" ({side.lower()})" if side else "")


def _ticked(a: _Answers, link_id: str, lead: str) -> list[str]:
    """One line listing the ticked choices of a multi item, or nothing."""
    codes = [c for c in a.codes(link_id) if c not in NO_FEATURE_CODES]
    return [lead + "; ".join(a.choice(link_id, c) for c in codes)] if codes else []


def _pattern_features(a: _Answers) -> list[str | None]:
    age = a.show("course.other_movements_age")
    other = "Reports other movements or sounds away from the face" + (f" (began at age {age})" if age else "")
    return [
        *_from_table(a, PATTERN_FEATURES),
        *_ticked(a, "pattern.eases_with", "Reports the movements ease with: "),
        *_ticked(a, "course.event_before", "Reports in the weeks before the movements began: "),
        other if a.has("course.other_movements", "yes") else None,
    ]


def _treatment_features(a: _Answers) -> list[str | None]:
    botox = _join(
        "Reports previous Botox injections",
        _labelled("last", a.show("history.botox_last")),
        _labelled("effect", a.show("history.botox_effect")),
    )
    return [
        *_ticked(a, "treatments.medicine_groups", "Reports taking or recently taking: "),
        *_from_table(a, TREATMENT_FEATURES),
        botox if a.has("history.treatments", "botox") else None,
        *_ticked(a, "treatments.botox_side_effects", "Reports after Botox: "),
    ]


def _history_features(a: _Answers) -> list[str | None]:
    told = [c for c in a.codes("history.diagnoses") if c not in NO_FEATURE_CODES]
    after = a.get("history.twitch_after_paralysis")
    return [
        _paralysis(a),
        *_from_table(a, HISTORY_FEATURES),
        *_ticked(a, "history.other_symptoms", "Also reports now: "),
        # The patient's free text is never copied here; it is under "own words".
        *(f"Reports a doctor has told them they have: {a.choice('history.diagnoses', c)}" for c in told),
        "Reports a doctor has told them of another condition (see their own words)"
        if a.has("history.diagnoses", "other")
        else None,
        *_ticked(a, "history.family", "Reports a family history of: "),
        f"Reports the twitching began: {a.show('history.twitch_after_paralysis')}"
        if after not in (None, "not_sure")
        else None,
    ]


def _score_features(scores: tuple[Score, ...]) -> list[str]:
    by_id = {s.instrument.id: s for s in scores}
    gad7 = by_id[GAD7.id]
    cut_off = [f"GAD-7 score of {GAD7.positive_at} or more ({gad7.label})"]
    screens = (by_id[GAD2.id], by_id[PHQ2.id])
    # An incomplete score whose answered items already reach the cut-off is reported too.
    return (cut_off if gad7.already_positive else []) + [
        f"Positive {s.instrument.name} screen" + ("" if s.complete else " (from the items answered)")
        for s in screens
        if s.already_positive
    ]


def _features(a: _Answers, scores: tuple[Score, ...]) -> tuple[str, ...]:
    proxy = respondent(a.values) != PATIENT and any(s.complete or s.at_least for s in scores)
    features = [
        # The GAD-7 and PHQ are validated as self-report (their manuals): say who answered.
        "GAD-7 and PHQ answered by someone other than the patient (validated for self-report)"
        if proxy
        else None,
        *_from_table(a, TWITCHING_FEATURES),
        _spread_pattern(a),
        *_pattern_features(a),
        *_history_features(a),
        *_treatment_features(a),
        *_score_features(scores),
        *_from_table(a, DAILY_LIFE_FEATURES),
    ]
    return tuple(f for f in features if f)


# --------------------------------------------------------------------------- entry point


def build_summary(
    questionnaire: Questionnaire, answers: Mapping[str, Any], *, today: date
) -> PreVisitSummary:
    a = _Answers(questionnaire, answers)
    scores = score_all(a.values)
    return PreVisitSummary(
        safety=_safety(a),
        who=_who(a, today),
        twitching=_twitching(a, today),
        pattern=_pattern(a),
        history=_history(a),
        treatments=_treatments(a),
        scores=scores,
        daily_life=_daily_life(a),
        own_words=_own_words(a),
        visit_times=a.show("visit.times"),
        features=_features(a, scores),
        answers=_all_answers(a),
    )
