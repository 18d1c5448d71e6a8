"""Varied, realistic, entirely made-up submissions for demos and load tests.

Answers are drawn item by item from the questionnaire itself (so they stay valid when it
changes), with a few items made realistic by hand: names, dates, the GAD/PHQ items moving
together, and a few percent of urgent and emergency safety answers.
"""

from __future__ import annotations

import itertools
import random
import uuid
from datetime import date, datetime, timedelta
from typing import Any, Iterator

from sqlalchemy import insert, select

from intake.extensions import db
from intake.models import REFERENCE_ALPHABET, Status, Submission
from intake.questionnaire.dates import age_on
from intake.questionnaire.safety import Tier, assess, signs_of_tier
from intake.questionnaire.schema import Item, ItemType, Questionnaire
from intake.questionnaire.synopsis import list_label
from intake.security.blind_index import last_name_index, person_index

FIRST_NAMES = (
    "Maria", "James", "Ana", "Robert", "Wei", "Fatima", "David", "Olga", "Carlos", "Linda",
    "Mohammed", "Sarah", "Jose", "Priya", "Michael", "Aisha", "Daniel", "Mei", "Luis", "Emma",
    "Kwame", "Sofia", "Thomas", "Yuki", "Juan", "Grace", "Ahmed", "Rachel", "Dmitri", "Rosa",
    "Samuel", "Hannah", "Andre", "Leila", "Patrick", "Chloe", "Hiroshi", "Esther", "Omar", "Julia",
)  # fmt: skip
LAST_NAMES = (
    "Lopez", "Smith", "Chen", "Johnson", "Garcia", "Williams", "Nguyen", "Brown", "Rodriguez",
    "Khan", "Miller", "Kim", "Davis", "Hernandez", "Patel", "Wilson", "Martinez", "Cohen",
    "Anderson", "Rivera", "Okafor", "Taylor", "Gonzalez", "Ivanova", "Thomas", "Singh",
    "Moore", "Perez", "Jackson", "Sato", "Martin", "O'Brien", "Lee", "Rossi", "White",
    "Sanchez", "Harris", "Ali", "Clark", "Ramirez", "Lewis", "Friedman", "Walker", "Torres",
)  # fmt: skip
DOCTORS = ("Dr. Chen", "Dr. Patel", "Dr. Goldberg", "Dr. Alvarez", "Dr. Okoye", "Dr. Novak")
TEXTS: dict[str, tuple[str, ...]] = {
    "twitch.triggers_other": ("Cold wind", "Long meetings", "Driving at night", "Chewing gum"),
    "history.injury_details": ("Car accident in 2009, cut above the left eye", "Ear surgery as a child"),
    "history.diagnoses_other": ("Migraine", "High blood pressure", "Thyroid problem"),
    "history.imaging_told": ("They said it was normal", "A small blood vessel near the nerve"),
    "history.medicines": ("Lisinopril 10 mg daily", "Vitamin D, magnesium", "Sertraline 50 mg", "None"),
    "stress.life_change_details": ("Moved to a new city", "My father passed away", "New job in March"),
    "visit.goals": (
        "I want the twitching to stop so I can read again.",
        "I would like to know if Botox is right for me.",
        "My eye closes while I drive and it scares me.",
        "I want to understand what is causing this.",
        "Quiero saber si hay tratamiento.",
    ),
}
OPTIONAL_SKIP = 0.15


def _month(rng: random.Random, today: date, years_back: int) -> str:
    months_back = rng.randint(0, years_back * 12)
    year, month = divmod(today.year * 12 + today.month - 1 - months_back, 12)
    return f"{year:04d}-{month + 1:02d}"


def _generic(rng: random.Random, item: Item, today: date) -> Any:
    codes = [choice.code for choice in item.choices]
    if item.type is ItemType.SINGLE:
        return rng.choice(codes)
    if item.type is ItemType.MULTI:
        exclusive = sorted(item.exclusive_codes)
        if exclusive and rng.random() < 0.3:
            return [rng.choice(exclusive)]
        pool = [c for c in codes if c not in exclusive]
        picked = set(rng.sample(pool, k=min(rng.randint(1, 3), len(pool))))
        return [c for c in codes if c in picked]
    if item.type in (ItemType.BOOLEAN, ItemType.CONSENT):
        return item.type is ItemType.CONSENT or rng.random() < 0.3
    if item.type is ItemType.SCALE:
        return rng.randint(item.min_value or 0, item.max_value or 10)
    if item.type is ItemType.INTEGER:
        low, high = item.min_value or 0, item.max_value or 10
        if low >= 1900:  # a year
            low, high = max(low, today.year - 40), min(high, today.year)
        return rng.randint(low, min(high, low + 20))
    if item.type is ItemType.MONTH_YEAR:
        return _month(rng, today, 8)
    if item.link_id in TEXTS:
        return rng.choice(TEXTS[item.link_id])
    return None


def _signs(rng: random.Random) -> list[str]:
    roll = rng.random()
    emergency, urgent = signs_of_tier(Tier.EMERGENCY), signs_of_tier(Tier.URGENT)
    if roll < 0.015:
        return [rng.choice(emergency)]
    if roll < 0.06:
        return [rng.choice(urgent)]
    return ["none"]


def _patient(rng: random.Random, today: date) -> dict[str, Any]:
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    born = today - timedelta(days=rng.randint(18 * 365, 85 * 365))
    anxious = rng.choice((0, 0, 1, 1, 2, 3))  # GAD and PHQ items move together
    answers: dict[str, Any] = {
        "consent.language": rng.choices(("en", "es"), (85, 15))[0],
        "safety.signs": _signs(rng),
        "about.first_name": first,
        "about.last_name": last,
        "about.birth_date": born.isoformat(),
        "about.email": f"{first}.{last}{rng.randint(1, 99)}@example.com".lower().replace("'", ""),
        "about.phone": f"(212) 555-{rng.randint(0, 9999):04d}",
        "about.referrer": rng.choice(DOCTORS) if rng.random() < 0.4 else None,
        "twitch.bother": min(10, max(0, int(rng.gauss(6, 2)))),
    }
    for n in range(1, 8):
        answers[f"stress.gad7.{n}"] = str(min(3, max(0, anxious + rng.randint(-1, 1))))
    for n in (1, 2):
        answers[f"stress.phq2.{n}"] = str(min(3, max(0, anxious + rng.randint(-1, 0))))
    answers.update(_history_flags(rng))
    answers.update(_respondent(rng, today, first, last))
    if rng.random() < 0.05:  # a skipped item makes the score "incomplete"
        answers[f"stress.gad7.{rng.randint(1, 7)}"] = None
    return answers


def _respondent(rng: random.Random, today: date, first: str, last: str) -> dict[str, Any]:
    """Who filled it in: mostly the patient; now and then a parent for a child or a carer."""
    roll = rng.random()
    if roll < 0.03:
        child = today - timedelta(days=rng.randint(6 * 365, 17 * 365))
        return {
            "consent.respondent": "parent",
            "about.respondent_check": None,  # asked on the welcome page already
            "about.birth_date": child.isoformat(),
            "about.respondent_name": f"{rng.choice(FIRST_NAMES)} {last}",
        }
    if roll < 0.07:
        return {
            "consent.respondent": "carer",
            "about.respondent_check": None,
            "about.respondent_name": f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
            "about.respondent_relationship": rng.choice(
                ("daughter", "son", "wife", "husband", "support worker")
            ),
        }
    return {"consent.respondent": "patient", "about.respondent_check": None}


def _history_flags(rng: random.Random) -> dict[str, Any]:
    """The later pages' red-flag answers, as rare as in a real clinic's patients."""
    weak = rng.random() < 0.1
    return {
        "stress.phq9.9": "1" if rng.random() < 0.02 else "0",
        "history.face_weakness_now": weak,
        "history.face_weakness_started": "longer" if weak else None,
        "history.face_weakness_course": rng.choice(("same", "better", "same", "worse")) if weak else None,
        "history.lump": rng.random() < 0.01,
        "history.injury_recent": False,
        "history.sudden_symptoms": ["none"],
    }


def fake_answers(questionnaire: Questionnaire, rng: random.Random, today: date) -> dict[str, Any]:
    answers = _patient(rng, today)
    for item in questionnaire.items():
        if item.link_id in answers:
            continue
        if not item.required and rng.random() < OPTIONAL_SKIP:
            continue
        answers[item.link_id] = _generic(rng, item, today)
    where = answers.get("twitch.where") or []
    answers["twitch.start_place"] = rng.choice(where) if where else None
    _consistent_onset(answers, rng, today)
    answers = {k: v for k, v in answers.items() if v not in (None, "", [])}
    return questionnaire.enabled_answers(answers)


def _consistent_onset(answers: dict[str, Any], rng: random.Random, today: date) -> None:
    """A remembered start date, or "I don't remember" with an age, as a person answers:
    never a date before birth nor an age that the date contradicts (which the summary's
    Answers to check would rightly point out on every other made-up row)."""
    born = date.fromisoformat(answers["about.birth_date"])
    if (answers.get("twitch.onset") or "9999") < born.isoformat()[:7]:
        answers["twitch.onset"] = _month(rng, today, max(age_on(born, today), 1))
        answers["twitch.onset"] = max(answers["twitch.onset"], born.isoformat()[:7])
    if answers.get("twitch.onset"):
        answers["twitch.onset_unknown"] = answers["twitch.onset_age"] = None
    elif answers.get("twitch.onset_unknown"):
        answers["twitch.onset_age"] = rng.randint(0, age_on(born, today))


def _reference(rng: random.Random, taken: set[str]) -> str:
    while True:
        code = "".join(rng.choice(REFERENCE_ALPHABET) for _ in range(8))
        reference = f"{code[:4]}-{code[4:]}"
        if reference not in taken:
            taken.add(reference)
            return reference


def demo_rows(
    questionnaire: Questionnaire,
    count: int,
    now: datetime,
    rng: random.Random,
    reviewer_id: int | None,
    key: bytes,
    taken: set[str],
) -> Iterator[dict[str, Any]]:
    for _ in range(count):
        answers = fake_answers(questionnaire, rng, now.date())
        # More recent submissions are denser, as a growing clinic would see.
        submitted = now - timedelta(days=365 * rng.random() ** 2, seconds=rng.randint(0, 86_400))
        tier = assess(answers).tier
        reviewed = rng.random() < (0.9 if now - submitted > timedelta(days=7) else 0.3)
        yield {
            "public_id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            "status": Status.REVIEWED if reviewed else Status.NEW,
            "questionnaire_version": questionnaire.version,
            "language": answers.get("consent.language", "en"),
            "answers": answers,
            "current_step": "review",
            "safety_tier": tier.value,
            "emergency_acknowledged": tier is Tier.EMERGENCY,
            "reference": _reference(rng, taken),
            "resume_token_hash": None,
            "created_at": submitted - timedelta(minutes=rng.randint(5, 40)),
            "updated_at": submitted,
            "expires_at": None,
            "submitted_at": submitted,
            "reviewed_at": min(now, submitted + timedelta(hours=rng.randint(1, 72))) if reviewed else None,
            "reviewed_by_id": reviewer_id if reviewed else None,
            "last_name_index": last_name_index(answers, key),
            "list_label": list_label(questionnaire, answers, submitted.date()),
            "person_index": person_index(answers, key),
        }


def seed(
    questionnaire: Questionnaire,
    count: int,
    now: datetime,
    key: bytes,
    reviewer_id: int | None,
    seed_value: int | None = None,
    batch: int = 2000,
) -> int:
    """Insert `count` made-up submissions in batches (one commit per batch)."""
    rng = random.Random(seed_value)
    taken = set(db.session.scalars(select(Submission.reference).where(Submission.reference.is_not(None))))
    rows = demo_rows(questionnaire, count, now, rng, reviewer_id, key, taken)
    done = 0
    while done < count:
        chunk = list(itertools.islice(rows, batch))
        db.session.execute(insert(Submission), chunk)
        db.session.commit()
        done += len(chunk)
    return done
