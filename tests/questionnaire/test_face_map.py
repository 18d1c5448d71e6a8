"""The face map (issue 27, part 2): which regions are shaded, for each place and side,
where it started, the spread, and the words that say the same. Pure; the drawing itself
is checked in tests/clinic/test_face_map_page.py and in Chromium."""

import pytest

from intake.questionnaire.face_map import RIGHT_HALF, WIDTH, face_map, oval_on
from intake.questionnaire.twitching import QUESTIONNAIRE, TWITCH_PLACES

PLACES = [choice.code for choice in TWITCH_PLACES]


def drawn(answers):
    return face_map(QUESTIONNAIRE, answers)


def test_every_place_the_form_offers_has_a_region():
    assert set(PLACES) == set(RIGHT_HALF)


@pytest.mark.parametrize("place", PLACES)
@pytest.mark.parametrize(
    ("side", "shaded_sides"),
    [("left", {"left"}), ("right", {"right"}), ("both", {"left", "right"}), ("not_sure", {"left", "right"})],
)
def test_the_one_place_ticked_is_shaded_on_the_side_given(place, side, shaded_sides):
    face = drawn({"twitch.where": [place], "twitch.side": side})
    assert face.shaded == {(place, s) for s in shaded_sides}
    assert not face.arrows and not face.has_start, "one place: no start, no spread"
    assert face.side_unsure is (side == "not_sure")


@pytest.mark.parametrize("place", PLACES)
def test_the_patient_s_left_is_on_the_right_of_the_picture(place):
    left, right = oval_on(place, "left"), oval_on(place, "right")
    assert left.cx == WIDTH - right.cx and left.cy == right.cy
    assert left.cx >= WIDTH / 2 >= right.cx


def test_several_places_with_a_start_and_a_spread():
    face = drawn(
        {
            "twitch.where": ["upper_eyelid", "cheek", "mouth_corner"],
            "twitch.side": "right",
            "twitch.start_place": "upper_eyelid",
            "twitch.spread": "yes",
        }
    )
    assert face.shaded == {("upper_eyelid", "right"), ("cheek", "right"), ("mouth_corner", "right")}
    [start] = [r for r in face.regions if r.start]
    assert (start.place, start.side) == ("upper_eyelid", "right") and face.has_start
    eye, cheek, mouth = (oval_on(p, "right") for p in ("upper_eyelid", "cheek", "mouth_corner"))
    assert {(a.x1, a.y1, a.x2, a.y2) for a in face.arrows} == {
        (eye.cx, eye.cy, cheek.cx, cheek.cy),
        (eye.cx, eye.cy, mouth.cx, mouth.cy),
    }
    assert face.description == (
        "On the patient's right side: upper eyelid (where it started), cheek, corner of the mouth. "
        "It spread from the upper eyelid."
    )


def test_no_arrows_when_the_patient_said_it_did_not_spread():
    face = drawn(
        {
            "twitch.where": ["upper_eyelid", "cheek"],
            "twitch.side": "left",
            "twitch.start_place": "cheek",
            "twitch.spread": "no",
        }
    )
    assert not face.arrows and [r.place for r in face.regions if r.start] == ["cheek"]
    assert "spread" not in face.description


def test_both_sides_say_whether_they_move_together():
    face = drawn(
        {
            "twitch.where": ["upper_eyelid", "lower_eyelid"],
            "twitch.side": "both",
            "twitch.start_place": "upper_eyelid",
            "twitch.spread": "yes",
            "pattern.both_sides": "together",
        }
    )
    assert len(face.arrows) == 2, "the spread is drawn on each side"
    assert face.description.startswith("On both sides: upper eyelid (where it started), lower eyelid.")
    assert face.description.endswith("Both sides: the two sides move at the same time.")


def test_a_side_not_given_is_said_and_hatched_not_guessed():
    face = drawn({"twitch.where": ["chin"]})
    assert face.description == "Side not given: chin."
    assert face.side_unsure and face.shaded == {("chin", "left"), ("chin", "right")}


def test_no_place_answered_gives_no_map():
    assert drawn({}) is None and drawn({"twitch.side": "left"}) is None
