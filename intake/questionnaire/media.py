"""The "Photos and video" page: the standard expressions and the episode videos.

The nine expressions are the photo set of the Massachusetts Eye and Ear facial palsy
photo and video standard (Santosa et al., "Photographic standards for patients with
facial palsy and recommendations by members of the Sir Charles Bell Society", JAMA Facial
Plast Surg 2017; 19(4): 275-281), in its order, so that a clinician compares two visits
side by side. Twitching comes and goes and is often absent in the exam room, so a video
of an episode is asked for too.

Pure data: what each slot is called, how to do the expression, which drawing shows it.
"""

from __future__ import annotations

from dataclasses import dataclass

from intake.questionnaire.schema import N_, Item, ItemType, Step


@dataclass(frozen=True)
class Expression:
    slot: str
    title: str
    how: str
    figure: str  # templates/figures/expressions/<figure>.svg


# Each says what the picture shows, not "you": it reads the same to a patient, a parent
# holding the phone for a child, or a carer.
EXPRESSIONS = (
    Expression("photo.rest", N_("Face at rest"), N_("Looking straight at the camera, face relaxed."), "rest"),
    Expression(
        "photo.brows", N_("Eyebrows raised"), N_("Both eyebrows raised as high as they go."), "brows_raised"
    ),
    Expression(
        "photo.eyes_gentle",
        N_("Eyes closed gently"),
        N_("Eyes closed softly, as in sleep."),
        "eyes_closed_gently",
    ),
    Expression(
        "photo.eyes_tight",
        N_("Eyes closed tight"),
        N_("Eyes squeezed shut as hard as possible."),
        "eyes_closed_tight",
    ),
    Expression(
        "photo.nose", N_("Nose wrinkled"), N_("Nose wrinkled up, as at a bad smell."), "nose_wrinkled"
    ),
    Expression(
        "photo.smile_closed", N_("Smile, lips closed"), N_("A smile with the lips together."), "smile_closed"
    ),
    Expression(
        "photo.smile_teeth",
        N_("Big smile, teeth showing"),
        N_("The widest smile, teeth showing."),
        "smile_teeth",
    ),
    Expression(
        "photo.pucker", N_("Lips puckered"), N_("Lips pushed forward, as for a kiss."), "lips_puckered"
    ),
    Expression(
        "photo.lower_lip",
        N_("Lower lip down"),
        N_("Lower lip pulled down to show the bottom teeth."),
        "lower_lip_down",
    ),
)

EPISODE_SLOT = "episode"
MAX_EPISODES = 3
MAX_EPISODE_SECONDS = 120

PHOTO_TIPS = (
    N_("Light in front of the face, not behind it: face a window or a lamp."),
    N_("The phone at eye level, an arm's length away."),
    N_("Glasses off, hair back from the forehead and ears."),
    N_("The whole face in the picture, from the top of the head to the chin."),
)
EPISODE_TIPS = (
    N_("Record when the movements happen: keep the phone ready, as they may not happen at the visit."),
    N_("Both sides of the face in the picture, in good light."),
    N_("Up to 2 minutes each, up to 3 videos."),
)

MEDIA = Step(
    id="media",
    title=N_("Photos and video"),
    intro=N_(
        "This page is optional. Movements often stop during a visit, so photos and a short "
        "video help the doctor see what happens at home."
    ),
    footnote=N_(
        "No one diagnoses anything from photos or videos. The doctor looks at them with the answers before the visit."
    ),
    items=(
        Item(
            link_id="media.consent",
            text=N_("I agree that the clinic keeps my photos and videos in my record."),
            type=ItemType.CONSENT,
            help=N_("Only the clinic's staff can see them, and the clinic deletes them when asked."),
        ),
    ),
)

# Every slot of the page, in its order, with the kind of file it takes.
_KINDS = {expression.slot: "photo" for expression in EXPRESSIONS} | {EPISODE_SLOT: "video"}
SLOTS = tuple(_KINDS)


def slot_kind(slot: str) -> str | None:
    """ "photo" or "video" for a known slot, None for anything else."""
    return _KINDS.get(slot)


def expression(slot: str) -> Expression | None:
    return next((e for e in EXPRESSIONS if e.slot == slot), None)
