"""The key discriminators with their pertinent negatives (issue 27, part 5): the facts
that help tell the causes of facial movements apart, each shown as the patient answered
it, yes or no, side by side.

A "no" is as useful as a "yes" here: "not seen in sleep" or "no prior palsy" matter. The
groups are named by what the facts are about, never by a condition, and nothing is
concluded. "Not sure" and unanswered are left out (not a "no").

Pure Python: no Flask.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from intake.questionnaire.schema import Questionnaire


@dataclass(frozen=True)
class Fact:
    link_id: str
    yes: str  # what the answer means when it is "yes" (or the code in `yes_codes`)
    no: str  # ... when it is "no"
    yes_codes: tuple[Any, ...] = ("yes", True)
    no_codes: tuple[Any, ...] = ("no", False)


@dataclass(frozen=True)
class Group:
    title: str
    present: tuple[str, ...]  # answered yes
    absent: tuple[str, ...]  # answered no: the pertinent negatives


GROUPS: tuple[tuple[str, tuple[Fact, ...]], ...] = (
    (
        "During an episode",
        (
            Fact("twitch.in_sleep", "Seen to go on in sleep", "Not seen in sleep"),
            Fact("twitch.eye_closes", "Eye closes fully", "Eye does not close fully"),
            Fact("pattern.brow_up", "Eyebrow goes up as the eye shuts", "Eyebrow does not go up"),
            Fact("pattern.ear_click", "Click or thump in the ear", "No click in the ear"),
        ),
    ),
    (
        "Facial nerve history",
        (
            Fact("history.paralysis", "Prior facial paralysis", "No prior facial paralysis"),
            Fact("history.face_weakness_now", "Face weakness now", "No face weakness now"),
            Fact(
                "history.injury",
                "Injury or surgery to face, head, ear or parotid",
                "No injury or surgery there",
            ),
        ),
    ),
    (
        "Eyes",
        (
            Fact("pattern.eyes_shut", "Eyes squeeze shut, hard to open", "Eyes do not squeeze shut"),
            Fact("pattern.blinking", "Blinks much more than before", "Not blinking more"),
            Fact("pattern.light", "Light bothers the eyes", "Light does not bother the eyes"),
            Fact("pattern.dry_eyes", "Dry or gritty eyes", "No dry or gritty eyes"),
        ),
    ),
    (
        "What the movement is like",
        (
            Fact(
                "pattern.visible", "Others can see it", "Only felt, not seen", ("others_see",), ("only_feel",)
            ),
            Fact("pattern.rippling", "Rippling under the skin", "Not rippling"),
            Fact("pattern.continuous_days", "Goes on for days without a break", "Not continuous for days"),
        ),
    ),
    (
        "Urge, control and elsewhere",
        (
            Fact("twitch.urge", "Urge before it", "No urge before it"),
            Fact("twitch.suppressible", "Can hold it back", "Cannot hold it back"),
            Fact(
                "course.other_movements",
                "Other movements or sounds elsewhere",
                "No movements or sounds elsewhere",
            ),
            Fact("course.waves", "Comes and goes in waves over the years", "No waves over the years"),
        ),
    ),
    (
        "How it began and changes",
        (
            Fact("course.full_at_start", "At full strength from the start", "Built up over time"),
            Fact("course.distraction", "Stops or changes when distracted", "Does not change when distracted"),
            Fact("course.varies", "Changes side or pattern", "Same side and pattern"),
        ),
    ),
)


def discriminators(questionnaire: Questionnaire, answers: Mapping[str, Any]) -> tuple[Group, ...]:
    """The groups with at least one answer, each fact under "present" or "absent"."""
    values = questionnaire.enabled_answers(answers)
    groups = []
    for title, facts in GROUPS:
        present = tuple(f.yes for f in facts if values.get(f.link_id) in f.yes_codes)
        absent = tuple(f.no for f in facts if values.get(f.link_id) in f.no_codes)
        if present or absent:
            groups.append(Group(title, present, absent))
    return tuple(groups)
