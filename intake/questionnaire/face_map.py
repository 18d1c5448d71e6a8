"""The face map (issue 27, part 2): where on the face it twitches, as a drawing.

This module decides what the drawing shows, from the answers: which regions are shaded,
on which side, where it started, whether it spread, and the same in words (the text
alternative). templates/macros/face_map.html draws it as SVG on the server, so it needs
no script and prints.

The convention is the clinician's, as in clinical photographs: the drawing faces the
reader, so the patient's left is on the right of the picture, and the drawing says so.

Pure Python: no Flask.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from intake.questionnaire.schema import Questionnaire

WIDTH, HEIGHT = 200, 250
PATIENT_RIGHT, PATIENT_LEFT = "right", "left"


@dataclass(frozen=True)
class Oval:
    cx: float
    cy: float
    rx: float
    ry: float


# Each place on the patient's right half, which is the left of the picture; the left half
# is its mirror image. Keys are twitch.where's codes.
RIGHT_HALF = {
    "forehead": Oval(70, 52, 22, 11),
    "upper_eyelid": Oval(72, 82, 16, 6),
    "lower_eyelid": Oval(72, 97, 15, 5),
    "cheek": Oval(60, 128, 16, 17),
    "jaw": Oval(46, 180, 9, 18),
    "mouth_corner": Oval(80, 170, 7, 7),
    "lips": Oval(92, 166, 8, 5),
    "tongue": Oval(94, 176, 5, 3),
    "chin": Oval(90, 205, 12, 8),
    "neck": Oval(84, 238, 14, 10),
}
PLACE_WORDS = {
    "forehead": "forehead or eyebrow",
    "upper_eyelid": "upper eyelid",
    "lower_eyelid": "lower eyelid",
    "cheek": "cheek",
    "jaw": "jaw",
    "mouth_corner": "corner of the mouth",
    "lips": "lips",
    "tongue": "tongue",
    "chin": "chin",
    "neck": "neck",
}
BOTH_SIDES_WORDS = {
    "together": "the two sides move at the same time",
    "separately": "each side moves on its own",
}


@dataclass(frozen=True)
class Region:
    place: str  # a twitch.where code
    side: str  # the patient's own side: "right" or "left"
    oval: Oval
    shaded: bool = False
    start: bool = False  # where it began
    side_unsure: bool = False  # shaded on both halves because the side was not given


@dataclass(frozen=True)
class Arrow:
    x1: float
    y1: float
    x2: float
    y2: float


@dataclass(frozen=True)
class FaceMap:
    regions: tuple[Region, ...]
    arrows: tuple[Arrow, ...]  # from where it started to where it spread
    description: str  # the text alternative: the same facts in words

    @property
    def side_unsure(self) -> bool:
        return any(r.side_unsure for r in self.regions)

    @property
    def has_start(self) -> bool:
        """A region is ringed as where it began (only when more than one place was given)."""
        return any(r.start for r in self.regions)

    @property
    def shaded(self) -> frozenset[tuple[str, str]]:
        """(place, patient's side) of every shaded region."""
        return frozenset((r.place, r.side) for r in self.regions if r.shaded)


def mirrored(oval: Oval) -> Oval:
    return Oval(WIDTH - oval.cx, oval.cy, oval.rx, oval.ry)


def oval_on(place: str, side: str) -> Oval:
    oval = RIGHT_HALF[place]
    return oval if side == PATIENT_RIGHT else mirrored(oval)


def mirror_regions() -> tuple[Region, ...]:
    """The regions of the patient's own drawing (twitch.where, patient/face_picker): as in a
    mirror, so the patient's left is on the left of the picture, the opposite of the
    clinician's map."""
    return tuple(
        Region(place, side, oval if side == PATIENT_LEFT else mirrored(oval))
        for side in (PATIENT_LEFT, PATIENT_RIGHT)
        for place, oval in RIGHT_HALF.items()
    )


def face_map(questionnaire: Questionnaire, answers: Mapping[str, Any]) -> FaceMap | None:
    """None when the patient did not say where."""
    values = questionnaire.enabled_answers(answers)
    where = [code for code in values.get("twitch.where") or [] if code in RIGHT_HALF]
    if not where:
        return None
    answered_side = values.get("twitch.side")
    sides = _sides(answered_side)
    unsure = answered_side not in (PATIENT_LEFT, PATIENT_RIGHT, "both")
    start = values.get("twitch.start_place") if len(where) > 1 else None
    start = start if start in where else None
    regions = tuple(
        Region(
            place,
            side,
            oval_on(place, side),
            shaded=place in where and side in sides,
            start=place == start and side in sides,
            side_unsure=unsure and place in where,
        )
        for side in (PATIENT_RIGHT, PATIENT_LEFT)
        for place in RIGHT_HALF
    )
    spread = start is not None and values.get("twitch.spread") == "yes"
    arrows = _arrows(start, where, sides) if spread else ()
    return FaceMap(regions, arrows, _description(where, answered_side, start, spread, values))


def _sides(answered: Any) -> tuple[str, ...]:
    if answered in (PATIENT_LEFT, PATIENT_RIGHT):
        return (answered,)
    return (PATIENT_RIGHT, PATIENT_LEFT)  # both, not sure, or not answered


def _arrows(start: str, where: list[str], sides: tuple[str, ...]) -> tuple[Arrow, ...]:
    arrows = []
    for side in sides:
        origin = oval_on(start, side)
        for place in where:
            if place != start:
                target = oval_on(place, side)
                arrows.append(Arrow(origin.cx, origin.cy, target.cx, target.cy))
    return tuple(arrows)


def _description(
    where: list[str], side: Any, start: str | None, spread: bool, values: Mapping[str, Any]
) -> str:
    on = {
        PATIENT_LEFT: "On the patient's left side",
        PATIENT_RIGHT: "On the patient's right side",
        "both": "On both sides",
    }.get(side, "Side not given")
    places = ", ".join(PLACE_WORDS[p] + (" (where it started)" if p == start else "") for p in where)
    sentences = [f"{on}: {places}."]
    if spread:
        sentences.append(f"It spread from the {PLACE_WORDS[start]}.")
    if side == "both" and values.get("pattern.both_sides") in BOTH_SIDES_WORDS:
        sentences.append(f"Both sides: {BOTH_SIDES_WORDS[values['pattern.both_sides']]}.")
    return " ".join(sentences)
