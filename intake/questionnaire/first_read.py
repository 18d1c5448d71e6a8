"""What a clinician reads first on a summary (issue 27), gathered in one place: the
synopsis, the face map, the timeline, answers to check and the key facts with their
pertinent negatives. All as of the day the form was sent. Pure Python: no Flask.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Mapping

from intake.questionnaire.checks import answers_to_check
from intake.questionnaire.discriminators import Group, discriminators
from intake.questionnaire.face_map import FaceMap, face_map
from intake.questionnaire.schema import Questionnaire
from intake.questionnaire.synopsis import synopsis
from intake.questionnaire.timeline import Event, timeline


@dataclass(frozen=True)
class FirstRead:
    synopsis: str
    face: FaceMap | None
    timeline: tuple[Event, ...]
    checks: tuple[str, ...]
    discriminators: tuple[Group, ...]


def first_read(questionnaire: Questionnaire, answers: Mapping[str, Any], sent_on: date) -> FirstRead:
    return FirstRead(
        synopsis=synopsis(questionnaire, answers, sent_on),
        face=face_map(questionnaire, answers),
        timeline=timeline(questionnaire, answers, sent_on),
        checks=answers_to_check(questionnaire, answers),
        discriminators=discriminators(questionnaire, answers),
    )
