"""The facial-twitching intake questionnaire (QUESTIONNAIRE.md), as data.

Pure Python: no Flask, WTForms or SQLAlchemy. Every patient-facing string is wrapped in
`N_` so Babel can extract it; translation happens where the text is shown.

The `link_id`s and choice codes are a contract: answers, exports and scores are keyed by
them, so never rename one once shipped. Add new items instead.

Wording rules (see QUESTIONNAIRE.md): plain language (reading age about 12), and the form
never names a condition as something the patient has or may have. Conditions are named only
in "Has a doctor ever told you that you have..." questions. GAD-7 and PHQ-2 items keep
their official wording (`fixed_wording=True`).
"""

from __future__ import annotations

from intake.questionnaire.media import MEDIA
from intake.questionnaire.schema import (
    N_,
    NP_,
    AskWhenUnder,
    AtLeastOne,
    Choice,
    Coding,
    EnableWhen,
    Item,
    ItemType,
    Operator,
    Questionnaire,
    Step,
)

LOINC = "http://loinc.org"

# --------------------------------------------------------------------------- helpers


def _choices(*pairs: tuple[str, str], exclusive: tuple[str, ...] = ()) -> tuple[Choice, ...]:
    """Build choices from (code, display) pairs; codes in `exclusive` clear the others."""
    return tuple(Choice(code=code, display=display, exclusive=code in exclusive) for code, display in pairs)


def _when(question: str, answer: str | bool) -> tuple[EnableWhen, ...]:
    """Enable an item when `question` is answered with `answer` (or contains it, for multi)."""
    return (EnableWhen(question, Operator.EQUALS, answer),)


YES_NO_NOT_SURE = _choices(
    ("yes", N_("Yes")),
    ("no", N_("No")),
    ("not_sure", N_("Not sure")),
)

YES_NO_DONT_KNOW = _choices(
    ("yes", N_("Yes")),
    ("no", N_("No")),
    ("dont_know", N_("Don't know")),
)

TICK_ALL = N_("Check all that apply.")

# The GAD-7 and PHQ answer options: exact official wording, scored 0-3. Each instrument
# has its own translation context, so that each follows its own publisher's translation
# (the Spanish (USA) forms both say "Ningún día"; the Spain GAD-7 says "Nunca").
GAD7_OPTIONS = (
    Choice("0", NP_("GAD-7", "Not at all"), ordinal=0, context="GAD-7"),
    Choice("1", NP_("GAD-7", "Several days"), ordinal=1, context="GAD-7"),
    Choice("2", NP_("GAD-7", "More than half the days"), ordinal=2, context="GAD-7"),
    Choice("3", NP_("GAD-7", "Nearly every day"), ordinal=3, context="GAD-7"),
)
PHQ_OPTIONS = (
    Choice("0", NP_("PHQ", "Not at all"), ordinal=0, context="PHQ"),
    Choice("1", NP_("PHQ", "Several days"), ordinal=1, context="PHQ"),
    Choice("2", NP_("PHQ", "More than half the days"), ordinal=2, context="PHQ"),
    Choice("3", NP_("PHQ", "Nearly every day"), ordinal=3, context="PHQ"),
)
# The unscored question at the foot of each instrument, word for word (LOINC 69722-7,
# answer list LL359-1), with its options in each instrument's context.
DIFFICULTY_QUESTION = N_(
    "If you checked off any problems, how difficult have these problems made it for you to "
    "do your work, take care of things at home, or get along with other people?"
)
GAD7_DIFFICULTY_OPTIONS = (
    Choice("not_difficult", NP_("GAD-7", "Not difficult at all"), context="GAD-7"),
    Choice("somewhat", NP_("GAD-7", "Somewhat difficult"), context="GAD-7"),
    Choice("very", NP_("GAD-7", "Very difficult"), context="GAD-7"),
    Choice("extremely", NP_("GAD-7", "Extremely difficult"), context="GAD-7"),
)
PHQ_DIFFICULTY_OPTIONS = (
    Choice("not_difficult", NP_("PHQ", "Not difficult at all"), context="PHQ"),
    Choice("somewhat", NP_("PHQ", "Somewhat difficult"), context="PHQ"),
    Choice("very", NP_("PHQ", "Very difficult"), context="PHQ"),
    Choice("extremely", NP_("PHQ", "Extremely difficult"), context="PHQ"),
)

GAD7_NOTICE = N_(
    "GAD-7 and PHQ developed by Drs. Robert L. Spitzer, Janet B.W. Williams, Kurt Kroenke and "
    "colleagues, with an educational grant from Pfizer Inc. No permission required to "
    "reproduce, translate, display or distribute."
)

# The time frame beside every item (the page intro alone scrolls away on a phone).
TIME_FRAME = N_("Over the last 2 weeks")

# Shown under the first item of each group: the items may be skipped (a skipped one makes
# the score "incomplete"), so the form asks gently for every answer without forcing it.
PLEASE_ANSWER_ALL = N_("Please answer every question in this group, even if you are not sure.")


def _instrument_item(
    link_id: str, text: str, loinc: str, options: tuple[Choice, ...], time_frame: str, first: bool
) -> Item:
    """One item of a validated instrument: official wording, 0-3 options, a LOINC code.

    Optional on purpose: a skipped item makes the score show as "incomplete".
    """
    return Item(
        link_id=link_id,
        text=text,
        type=ItemType.SINGLE,
        help=PLEASE_ANSWER_ALL if first else None,
        choices=options,
        fixed_wording=True,
        code=Coding(LOINC, loinc, text),
        time_frame=time_frame,
    )


def _gad_item(n: int, text: str, loinc: str) -> Item:
    return _instrument_item(f"stress.gad7.{n}", text, loinc, GAD7_OPTIONS, TIME_FRAME, n == 1)


def _phq_item(link_id: str, text: str, loinc: str) -> Item:
    first = link_id == "stress.phq2.1"
    return _instrument_item(link_id, text, loinc, PHQ_OPTIONS, TIME_FRAME, first)


def _difficulty_item(link_id: str, options: tuple[Choice, ...]) -> Item:
    return Item(
        link_id=link_id,
        text=DIFFICULTY_QUESTION,
        type=ItemType.SINGLE,
        choices=options,
        fixed_wording=True,
        code=Coding(LOINC, "69722-7", DIFFICULTY_QUESTION),
    )


# The places on the face; `twitch.start_place` offers the ones ticked in `twitch.where`.
TWITCH_PLACES = _choices(
    ("upper_eyelid", N_("Upper eyelid")),
    ("lower_eyelid", N_("Lower eyelid")),
    ("cheek", N_("Cheek")),
    ("mouth_corner", N_("Corner of the mouth")),
    ("lips", N_("Lips")),
    ("chin", N_("Chin")),
    ("forehead", N_("Forehead or eyebrow")),
    ("neck", N_("Neck")),
    ("jaw", N_("Jaw")),
    ("tongue", N_("Tongue")),
)

SIDES = (
    ("left", N_("Left side")),
    ("right", N_("Right side")),
    ("both", N_("Both sides")),
)

# Who fills the form in (issue 26, part 2); questionnaire/respondent.py reads the answer.
RESPONDENTS = _choices(
    ("patient", N_("I am the patient")),
    ("parent", N_("A parent or guardian, for their child")),
    ("carer", N_("A carer or relative, for the person they look after")),
)
_FOR_SOMEONE_ELSE = tuple(
    EnableWhen(question, Operator.EQUALS, code)
    for question in ("consent.respondent", "about.respondent_check")
    for code in ("parent", "carer")
)

# --------------------------------------------------------------------------- step 0

WELCOME = Step(
    id="welcome",
    title=N_("Welcome"),
    intro=N_(
        "This form helps the clinic's doctors get ready for your visit. "
        "It takes about 10 minutes. You can stop and come back later. "
        "Only the clinic's clinicians will read your answers."
    ),
    items=(
        Item(
            link_id="consent.agree",
            text=N_(
                "I understand this form does not diagnose or give medical advice, and I "
                "agree to share my answers with the clinic's clinicians."
            ),
            type=ItemType.CONSENT,
            required=True,
        ),
        Item(
            link_id="consent.language",
            text=N_("Which language would you like to use for this form?"),
            type=ItemType.SINGLE,
            required=True,
            required_message=N_("Choose the language for this form"),
            choices=_choices(("en", N_("English")), ("es", N_("Español"))),
        ),
        Item(
            link_id="consent.respondent",
            text=N_("Who is filling in this form?"),
            type=ItemType.SINGLE,
            required=True,
            required_message=N_("Choose who is filling in this form"),
            choices=RESPONDENTS,
        ),
    ),
)

# --------------------------------------------------------------------------- step 1

SAFETY = Step(
    id="safety",
    title=N_("First, a quick safety check"),
    intro=N_("Some signs need care right away. Long-standing problems are asked about later in the form."),
    items=(
        Item(
            link_id="safety.signs",
            text=N_(
                "Do you have any of these now? Check a sign only if it is new: it started suddenly or in the last few weeks."
            ),
            type=ItemType.MULTI,
            required=True,
            required_message=N_("Choose the signs you have now, or “None of these”"),
            help=TICK_ALL,
            # The tier of each sign is in safety.py; a rule's sign repeats its option's words.
            choices=_choices(
                ("face_droop", N_("Face drooping on one side that came on suddenly")),
                ("limb_weakness", N_("Sudden new weakness or numbness in an arm or leg")),
                ("speech", N_("Sudden slurred or jumbled speech, or trouble understanding people")),
                ("vision", N_("Sudden trouble seeing, or new double vision")),
                ("balance", N_("Sudden trouble walking, dizziness or loss of balance")),
                ("face_numbness", N_("Sudden numbness of the face")),
                ("headache", N_("A sudden, very bad headache, unlike any before")),
                ("swallow_breathe", N_("Trouble swallowing or breathing")),
                ("fever_neck", N_("A fever with a stiff neck or a very bad headache")),
                ("injury_fluid", N_("Blood or clear fluid from the ear or nose after a head injury")),
                (
                    "face_weakness_new",
                    N_("New weakness of the face in the last 4 weeks that a doctor has not checked yet"),
                ),
                ("both_sides_weak", N_("New weakness on both sides of the face")),
                (
                    "eye_not_closing",
                    N_("An eye that has newly stopped closing fully, or a painful or red eye"),
                ),
                ("ear_rash", N_("A painful rash with blisters in or around the ear")),
                ("hearing_loss", N_("Sudden loss of hearing")),
                (
                    "medicine_reaction",
                    N_(
                        "Twisting of the neck, a clenched jaw or eyes rolling up since a medicine "
                        "was started or changed"
                    ),
                ),
                (
                    "seizure_like",
                    N_(
                        "An episode that spread to the arm or hand, or with loss of awareness or "
                        "confusion after it"
                    ),
                ),
                ("head_injury", N_("An injury to the head, face or ear in the last few days")),
                ("none", N_("None of these")),
                exclusive=("none",),
            ),
        ),
    ),
)

# --------------------------------------------------------------------------- step 2

ABOUT = Step(
    id="about",
    title=N_("About you"),
    intro=N_("The clinic uses these details to find your record and to contact you."),
    rules=(
        AtLeastOne(
            ("about.email", "about.phone"),
            N_("Enter an email address or a mobile phone number so the clinic can reach you"),
            legend=N_("Email or mobile phone (at least one)"),
        ),
        AskWhenUnder(
            item="about.respondent_check",
            birth_date="about.birth_date",
            respondent="consent.respondent",
            age=18,
            message=N_("This date of birth is under 18. Please tell us who is filling in this form."),
        ),
    ),
    items=(
        Item(
            link_id="about.first_name",
            text=N_("First name"),
            type=ItemType.TEXT,
            required=True,
            required_message=N_("Enter your first name"),
            max_length=100,
        ),
        Item(
            link_id="about.last_name",
            text=N_("Last name"),
            type=ItemType.TEXT,
            required=True,
            required_message=N_("Enter your last name"),
            max_length=100,
        ),
        Item(
            link_id="about.birth_date",
            text=N_("Date of birth"),
            type=ItemType.DATE,
            required=True,
            required_message=N_("Enter your date of birth, for example 3 27 1985"),
            help=N_("For example, 3 27 1985"),
            not_future=True,
            max_years_ago=120,
        ),
        Item(
            link_id="about.respondent_check",
            text=N_("Who is filling in this form?"),
            type=ItemType.SINGLE,
            choices=RESPONDENTS,
            asked_by_rule=True,
        ),
        Item(
            link_id="about.respondent_name",
            text=N_("Your own name, as the person filling in this form"),
            type=ItemType.TEXT,
            required=True,
            required_message=N_("Enter your own name"),
            max_length=200,
            enable_when=_FOR_SOMEONE_ELSE,
        ),
        Item(
            link_id="about.respondent_relationship",
            text=N_("How are you related to the patient?"),
            type=ItemType.TEXT,
            help=N_("For example: daughter, husband, support worker."),
            required=True,
            required_message=N_("Enter how you are related to the patient"),
            max_length=100,
            enable_when=tuple(c for c in _FOR_SOMEONE_ELSE if c.answer == "carer"),
        ),
        Item(
            link_id="about.sex",
            text=N_("What is your sex?"),
            type=ItemType.SINGLE,
            help=N_("Some medicines and treatments are planned differently for women and men."),
            choices=_choices(
                ("female", N_("Female")),
                ("male", N_("Male")),
                ("other", N_("Another answer")),
                ("prefer_not", N_("I prefer not to say")),
            ),
        ),
        Item(
            link_id="about.email",
            text=N_("Email address"),
            type=ItemType.EMAIL,
            max_length=254,
            help=N_("Give an email address, a mobile phone number, or both."),
        ),
        Item(
            link_id="about.phone",
            text=N_("Mobile phone number"),
            type=ItemType.PHONE,
            max_length=30,
            help=N_("Include the area code."),
        ),
        Item(
            link_id="about.contact_method",
            text=N_("How should the clinic contact you?"),
            type=ItemType.SINGLE,
            required=True,
            required_message=N_("Choose how the clinic should contact you"),
            choices=_choices(
                ("email", N_("Email")),
                ("phone_call", N_("Phone call")),
                ("text_message", N_("Text message")),
            ),
        ),
        Item(
            link_id="about.language",
            text=N_("Which language would you like the clinic to use with you?"),
            type=ItemType.SINGLE,
            choices=_choices(
                ("en", N_("English")),
                ("es", N_("Spanish")),
                ("other", N_("Another language")),
            ),
        ),
        Item(
            link_id="about.language_other",
            text=N_("Which language?"),
            type=ItemType.TEXT,
            max_length=100,
            enable_when=_when("about.language", "other"),
        ),
        Item(
            link_id="about.interpreter",
            text=N_("Would you like an interpreter at your visit?"),
            type=ItemType.BOOLEAN,
            help=N_("Tell us so that the clinic can arrange one."),
        ),
        Item(
            link_id="about.referrer",
            text=N_("Did a doctor send you to us? If so, what is their name?"),
            type=ItemType.TEXT,
            max_length=200,
        ),
        Item(
            link_id="about.heard_from",
            text=N_("How did you hear about the clinic?"),
            type=ItemType.SINGLE,
            choices=_choices(
                ("doctor", N_("From a doctor")),
                ("internet", N_("Internet search")),
                ("social_media", N_("Social media")),
                ("friend_family", N_("A friend or family member")),
                ("other", N_("Another way")),
            ),
        ),
        Item(
            link_id="about.heard_from_other",
            text=N_("How did you hear about us?"),
            type=ItemType.TEXT,
            max_length=200,
            enable_when=_when("about.heard_from", "other"),
        ),
    ),
)

# --------------------------------------------------------------------------- step 3

TWITCHING = Step(
    id="twitching",
    title=N_("Your twitching"),
    intro=N_(
        "These questions are about the twitching in your face. "
        "If you are not sure, pick the answer that fits best."
    ),
    items=(
        Item(
            link_id="twitch.where",
            text=N_("Where do you feel the twitching?"),
            type=ItemType.MULTI,
            required=True,
            required_message=N_("Choose where you feel the twitching"),
            help=TICK_ALL,
            choices=TWITCH_PLACES,
            figure="face_picker",  # tap the places on a drawing, with a script (issue 27, part 3)
        ),
        Item(
            link_id="twitch.side",
            text=N_("Which side of your face does it happen on?"),
            type=ItemType.SINGLE,
            required=True,
            required_message=N_("Choose which side of your face it happens on"),
            help=N_("Your own left or right, not as others see you."),
            choices=_choices(*SIDES, ("not_sure", N_("Not sure"))),
        ),
        Item(
            # Shown only when two or more places are ticked (the form layer checks that).
            link_id="twitch.start_place",
            text=N_("Where did the twitching start?"),
            type=ItemType.SINGLE,
            help=N_("Pick the place where you first noticed it."),
            choices=TWITCH_PLACES,
            choices_from="twitch.where",
            enable_when=(EnableWhen("twitch.where", Operator.EXISTS, True),),
        ),
        Item(
            link_id="twitch.onset",
            text=N_("When did the twitching start?"),
            type=ItemType.MONTH_YEAR,
            help=N_("Your best guess is fine."),
            not_future=True,
            max_years_ago=120,
        ),
        Item(
            link_id="twitch.onset_unknown",
            text=N_("Don't remember the month and year?"),
            type=ItemType.MULTI,
            choices=_choices(("dont_remember", N_("I don't remember when it started"))),
        ),
        Item(
            link_id="twitch.onset_age",
            text=N_("About how old were you when it started?"),
            type=ItemType.INTEGER,
            help=N_("Your age in years. A guess is fine."),
            min_value=0,
            max_value=120,
            enable_when=_when("twitch.onset_unknown", "dont_remember"),
        ),
        Item(
            link_id="twitch.onset_manner",
            text=N_("How did it start?"),
            type=ItemType.SINGLE,
            required=True,
            required_message=N_("Choose how it started"),
            choices=_choices(
                ("sudden", N_("Suddenly (over hours or days)")),
                ("gradual", N_("Slowly (over weeks or longer)")),
                ("not_sure", N_("Not sure")),
            ),
        ),
        Item(
            link_id="twitch.spread",
            text=N_("Since it began, has it spread to other parts of your face?"),
            type=ItemType.SINGLE,
            choices=YES_NO_NOT_SURE,
        ),
        Item(
            link_id="twitch.eye_closes",
            text=N_("When your eyelid twitches, does the eye close all the way?"),
            type=ItemType.SINGLE,
            choices=YES_NO_NOT_SURE,
            enable_when=(
                EnableWhen("twitch.where", Operator.EQUALS, "upper_eyelid"),
                EnableWhen("twitch.where", Operator.EQUALS, "lower_eyelid"),
            ),
            enable_behavior="any",
        ),
    ),
)

# --------------------------------------------------------------------------- step 3, second page
# The twitching page ran to 8.4 phone screens (issue 28): where and since when stays on it,
# how it behaves from day to day is its own page.
EPISODES = Step(
    id="episodes",
    title=N_("How often it happens and what sets it off"),
    intro=N_("These questions are about what the twitching does from day to day."),
    items=(
        Item(
            link_id="twitch.frequency",
            text=N_("How often does it happen?"),
            type=ItemType.SINGLE,
            required=True,
            required_message=N_("Choose how often it happens"),
            choices=_choices(
                ("constant", N_("All the time")),
                ("many_daily", N_("Many times a day")),
                ("few_daily", N_("A few times a day")),
                ("few_weekly", N_("A few times a week")),
                ("less_often", N_("Less often")),
            ),
        ),
        Item(
            link_id="twitch.episode_length",
            text=N_("When it happens, how long does it last?"),
            type=ItemType.SINGLE,
            choices=_choices(
                ("seconds", N_("A few seconds")),
                ("minutes", N_("Minutes")),
                ("longer", N_("Longer than that")),
                ("constant", N_("It does not stop")),
            ),
        ),
        Item(
            link_id="twitch.in_sleep",
            text=N_("Has anyone seen it keep going while you sleep?"),
            type=ItemType.SINGLE,
            choices=YES_NO_DONT_KNOW,
        ),
        Item(
            link_id="twitch.urge",
            text=N_("Do you feel an urge or a build-up just before it happens?"),
            type=ItemType.SINGLE,
            choices=YES_NO_NOT_SURE,
        ),
        Item(
            link_id="twitch.suppressible",
            text=N_("Can you hold it back for a while if you try?"),
            type=ItemType.SINGLE,
            choices=YES_NO_NOT_SURE,
        ),
        Item(
            link_id="twitch.triggers",
            text=N_("What brings it on or makes it worse?"),
            type=ItemType.MULTI,
            help=TICK_ALL,
            choices=_choices(
                ("stress", N_("Stress")),
                ("tiredness", N_("Tiredness or poor sleep")),
                ("caffeine", N_("Caffeine (coffee, tea, energy drinks)")),
                ("alcohol", N_("Alcohol")),
                ("face_movement", N_("Talking, eating or smiling")),
                ("bright_light", N_("Bright light")),
                ("screens", N_("Screens or reading")),
                ("none", N_("None noticed")),
                ("other", N_("Something else")),
                exclusive=("none",),
            ),
        ),
        Item(
            link_id="twitch.triggers_other",
            text=N_("What else brings it on?"),
            type=ItemType.TEXT,
            max_length=200,
            enable_when=_when("twitch.triggers", "other"),
        ),
        Item(
            link_id="twitch.course",
            text=N_("Over the last few months, how has it changed?"),
            type=ItemType.SINGLE,
            choices=_choices(
                ("worse", N_("Getting worse")),
                ("better", N_("Getting better")),
                ("same", N_("About the same")),
                ("comes_and_goes", N_("It comes and goes")),
            ),
        ),
        Item(
            link_id="twitch.bother",
            text=N_("How much does the twitching bother you?"),
            type=ItemType.SCALE,
            help=N_("Pick a number from 0 to 10."),
            min_value=0,
            max_value=10,
            min_label=NP_("scale", "Not at all"),
            max_label=NP_("scale", "Very much"),
        ),
        Item(
            link_id="twitch.affects",
            text=N_("Does it get in the way of any of these?"),
            type=ItemType.MULTI,
            help=TICK_ALL,
            choices=_choices(
                ("reading", N_("Reading")),
                ("driving", N_("Driving")),
                ("work", N_("Work or school")),
                ("social", N_("Being with other people")),
                ("sleep", N_("Sleep")),
                ("none", N_("None of these")),
                exclusive=("none",),
            ),
        ),
    ),
)

# --------------------------------------------------------------------------- step 4

PATTERN = Step(
    id="pattern",
    title=N_("What the movements are like"),
    intro=N_(
        "These questions help the doctor picture the movements. "
        "If a question does not fit, choose “Not sure” or leave it blank."
    ),
    items=(
        Item(
            link_id="pattern.visible",
            text=N_("Can other people see the movements, or do you only feel them?"),
            type=ItemType.SINGLE,
            choices=_choices(
                ("others_see", N_("Other people can see them")),
                ("only_feel", N_("I only feel them")),
                ("not_sure", N_("Not sure")),
            ),
        ),
        Item(
            link_id="pattern.rippling",
            text=N_("Do they look or feel like rippling, as if worms were moving under the skin?"),
            type=ItemType.SINGLE,
            choices=YES_NO_NOT_SURE,
        ),
        Item(
            link_id="pattern.continuous_days",
            text=N_("Have they ever gone on without a break for days at a time?"),
            type=ItemType.SINGLE,
            choices=YES_NO_NOT_SURE,
        ),
        Item(
            link_id="pattern.eyes_shut",
            text=N_("Do your eyes sometimes squeeze shut and stay shut, so that they are hard to open?"),
            type=ItemType.SINGLE,
            choices=YES_NO_NOT_SURE,
            figure="forced_eye_closure",
        ),
        Item(
            link_id="pattern.brow_up",
            text=N_("When your eye shuts during the movements, does the eyebrow on that side go up?"),
            type=ItemType.SINGLE,
            help=N_("A mirror helps, or ask someone to watch."),
            choices=_choices(
                ("yes", N_("Yes, the eyebrow goes up")),
                ("no", N_("No, the eyebrow stays or goes down")),
                ("not_sure", N_("Not sure")),
                ("eye_stays_open", N_("My eye does not shut during them")),
            ),
            figure="brow_up",
        ),
        Item(
            link_id="pattern.both_sides",
            text=N_(
                "If both sides of your face move: do they move at the same time, or each side on its own?"
            ),
            type=ItemType.SINGLE,
            choices=_choices(
                ("together", N_("At the same time")),
                ("separately", N_("Each side on its own")),
                ("one_side", N_("Only one side moves")),
                ("not_sure", N_("Not sure")),
            ),
        ),
        Item(
            link_id="pattern.ear_click",
            text=N_("Do you hear a clicking or thumping sound in your ear in time with the movements?"),
            type=ItemType.SINGLE,
            choices=YES_NO_NOT_SURE,
        ),
        Item(
            link_id="pattern.blinking",
            text=N_("Do you blink much more than you used to?"),
            type=ItemType.SINGLE,
            choices=YES_NO_NOT_SURE,
        ),
        Item(
            link_id="pattern.light",
            text=N_("Does light bother your eyes, even at times when there are no movements?"),
            type=ItemType.SINGLE,
            help=N_("For example, you need sunglasses indoors or on cloudy days."),
            choices=YES_NO_NOT_SURE,
        ),
        Item(
            link_id="pattern.dry_eyes",
            text=N_("Do your eyes feel dry or gritty, as if there is sand in them?"),
            type=ItemType.SINGLE,
            choices=YES_NO_NOT_SURE,
        ),
        Item(
            link_id="pattern.eases_with",
            text=N_("Does anything you do make the movements ease for a while?"),
            type=ItemType.MULTI,
            help=TICK_ALL,
            choices=_choices(
                ("touch", N_("Touching my eyebrow, eyelid or face")),
                ("hum_sing", N_("Humming, singing or talking")),
                ("chewing", N_("Chewing gum")),
                ("other", N_("Something else")),
                ("none", N_("Nothing I have found")),
                exclusive=("none",),
            ),
            figure="sensory_trick",
        ),
        Item(
            link_id="pattern.eases_with_other",
            text=N_("What else eases them?"),
            type=ItemType.TEXT,
            max_length=200,
            enable_when=_when("pattern.eases_with", "other"),
        ),
    ),
)

# --------------------------------------------------------------------------- step 5

COURSE = Step(
    id="course",
    title=N_("How the movements began and changed"),
    intro=N_("A few questions about how the movements started and how they change."),
    items=(
        Item(
            link_id="course.full_at_start",
            text=N_("When the movements first began, were they as strong as they are at their worst?"),
            type=ItemType.SINGLE,
            help=N_("That is, they did not build up slowly."),
            choices=YES_NO_NOT_SURE,
        ),
        Item(
            link_id="course.event_before",
            text=N_("In the weeks before the movements began, did any of these happen?"),
            type=ItemType.MULTI,
            help=TICK_ALL,
            choices=_choices(
                ("injury", N_("An injury")),
                ("illness", N_("An illness, such as flu or another infection")),
                ("procedure", N_("An operation or another medical procedure")),
                ("dental", N_("Dental work")),
                ("tick_bite", N_("A tick bite")),
                ("stressful_event", N_("A very stressful event")),
                ("none", N_("None of these")),
                exclusive=("none",),
            ),
        ),
        Item(
            link_id="course.distraction",
            text=N_("Do the movements stop or change when your mind is busy with something else?"),
            type=ItemType.SINGLE,
            help=N_("For example when you are talking, watching a movie or doing a puzzle."),
            choices=YES_NO_NOT_SURE,
        ),
        Item(
            link_id="course.varies",
            text=N_("Do the movements change side, or change the way they look, from one time to the next?"),
            type=ItemType.SINGLE,
            choices=YES_NO_NOT_SURE,
        ),
        Item(
            link_id="course.waves",
            text=N_(
                "Over the years, have the movements come and gone in waves, with months when they "
                "are much worse and months when they are almost gone?"
            ),
            type=ItemType.SINGLE,
            choices=YES_NO_NOT_SURE,
        ),
        Item(
            link_id="course.other_movements",
            text=N_(
                "Are there other movements or sounds that you cannot fully control, away from your face?"
            ),
            type=ItemType.SINGLE,
            help=N_("For example shrugging, jerks of the head, sniffing or clearing your throat."),
            choices=YES_NO_NOT_SURE,
        ),
        Item(
            link_id="course.other_movements_age",
            text=N_("How old were you when those other movements or sounds first began?"),
            type=ItemType.INTEGER,
            help=N_("Your age in years. A guess is fine."),
            min_value=0,
            max_value=120,
            enable_when=_when("course.other_movements", "yes"),
        ),
    ),
)

# --------------------------------------------------------------------------- step 6

_AFTER_PARALYSIS = _when("history.paralysis", "yes")
_AFTER_BOTOX = _when("history.treatments", "botox")

HISTORY = Step(
    id="history",
    title=N_("Your health history"),
    intro=N_("First, your face: any paralysis, weakness, lump or injury."),
    items=(
        Item(
            link_id="history.paralysis",
            text=N_(
                "Has your face ever been paralyzed (unable to move)? "
                "Or has a doctor ever told you that you had Bell's palsy?"
            ),
            type=ItemType.SINGLE,
            choices=YES_NO_NOT_SURE,
        ),
        Item(
            link_id="history.paralysis_side",
            text=N_("Which side of the face was it?"),
            type=ItemType.SINGLE,
            choices=_choices(*SIDES),
            enable_when=_AFTER_PARALYSIS,
        ),
        Item(
            link_id="history.paralysis_year",
            text=N_("In what year did it happen?"),
            type=ItemType.INTEGER,
            help=N_("If it happened more than once, give the year of the last time."),
            min_value=1900,
            max_value=2026,
            enable_when=_AFTER_PARALYSIS,
        ),
        Item(
            link_id="history.paralysis_recovery",
            text=N_("How well did your face get better?"),
            type=ItemType.SINGLE,
            choices=_choices(
                ("full", N_("It got fully better")),
                ("partial", N_("It got partly better")),
                ("none", N_("It did not get better")),
            ),
            enable_when=_AFTER_PARALYSIS,
        ),
        Item(
            link_id="history.paralysis_again",
            text=N_("Has the paralysis come back more than once?"),
            type=ItemType.SINGLE,
            choices=_choices(
                ("same_side", N_("Yes, on the same side")),
                ("other_side", N_("Yes, on the other side")),
                ("no", N_("No")),
                ("not_sure", N_("Not sure")),
            ),
            enable_when=_AFTER_PARALYSIS,
        ),
        Item(
            link_id="history.twitch_after_paralysis",
            text=N_("How long after the paralysis did the twitching begin?"),
            type=ItemType.SINGLE,
            choices=_choices(
                ("before", N_("It began before the paralysis")),
                ("under_3_months", N_("Less than 3 months after")),
                ("3_to_12_months", N_("3 to 12 months after")),
                ("over_1_year", N_("More than a year after")),
                ("not_sure", N_("Not sure")),
            ),
            enable_when=_AFTER_PARALYSIS,
        ),
        Item(
            link_id="history.synkinesis_at_rest",
            text=N_(
                "Do the movements on that side happen only when you move your face "
                "(eating, smiling, blinking), or also when your face is still?"
            ),
            type=ItemType.SINGLE,
            choices=_choices(
                ("only_moving", N_("Only when I move my face")),
                ("also_still", N_("Also when my face is still")),
                ("not_sure", N_("Not sure")),
            ),
            enable_when=_AFTER_PARALYSIS,
        ),
        Item(
            link_id="history.synkinesis_tight",
            text=N_("Does that side of your face feel tight or stiff?"),
            type=ItemType.SINGLE,
            choices=YES_NO_NOT_SURE,
            enable_when=_AFTER_PARALYSIS,
        ),
        Item(
            link_id="history.synkinesis_mouth",
            text=N_("Does the corner of your mouth pull when you blink or close your eyes?"),
            type=ItemType.SINGLE,
            choices=YES_NO_NOT_SURE,
            enable_when=_AFTER_PARALYSIS,
        ),
        Item(
            link_id="history.synkinesis_neck",
            text=N_("Does your neck tighten when you smile or close your eyes?"),
            type=ItemType.SINGLE,
            choices=YES_NO_NOT_SURE,
            enable_when=_AFTER_PARALYSIS,
        ),
        Item(
            link_id="history.synkinesis_eye",
            text=N_("Does your eye close when you smile or chew?"),
            type=ItemType.SINGLE,
            choices=YES_NO_NOT_SURE,
            enable_when=_AFTER_PARALYSIS,
        ),
        Item(
            link_id="history.synkinesis_tears",
            text=N_("Do tears run from your eye when you eat?"),
            type=ItemType.SINGLE,
            choices=YES_NO_NOT_SURE,
            enable_when=_AFTER_PARALYSIS,
        ),
        Item(
            link_id="history.face_weakness_now",
            text=N_("Is any part of your face weak right now?"),
            type=ItemType.BOOLEAN,
        ),
        Item(
            link_id="history.face_weakness_started",
            text=N_("When did this weakness start?"),
            type=ItemType.SINGLE,
            required=True,
            required_message=N_("Choose when the weakness started"),
            choices=_choices(
                ("days", N_("In the last 3 days")),
                ("weeks", N_("Between 3 days and 4 weeks ago")),
                ("longer", N_("More than 4 weeks ago")),
            ),
            enable_when=_when("history.face_weakness_now", True),
        ),
        Item(
            link_id="history.face_weakness_checked",
            text=N_("Has a doctor seen you about this weakness?"),
            type=ItemType.BOOLEAN,
            required=True,
            required_message=N_("Choose whether a doctor has seen you about this weakness"),
            enable_when=(
                EnableWhen("history.face_weakness_started", Operator.EQUALS, "days"),
                EnableWhen("history.face_weakness_started", Operator.EQUALS, "weeks"),
            ),
        ),
        Item(
            link_id="history.face_weakness_course",
            text=N_("Is the weakness changing?"),
            type=ItemType.SINGLE,
            choices=_choices(
                ("worse", N_("It is slowly getting worse")),
                ("same", N_("It is about the same")),
                ("better", N_("It is getting better")),
            ),
            enable_when=_when("history.face_weakness_now", True),
        ),
        Item(
            link_id="history.lasting",
            text=N_("Do you have any of these that have lasted more than 4 weeks?"),
            type=ItemType.MULTI,
            help=N_("Problems that have been there a long time. Check all that apply."),
            choices=_choices(
                ("limb_weakness", N_("Weakness or numbness in an arm or leg")),
                ("speech", N_("Trouble speaking")),
                ("eye_not_closing", N_("An eye that does not close fully")),
                ("vision", N_("Trouble seeing, or double vision")),
                ("balance", N_("Trouble with balance or walking")),
                ("none", N_("None of these")),
                exclusive=("none",),
            ),
        ),
        Item(
            link_id="history.lump",
            text=N_("Is there a lump in front of your ear, in your cheek or in your neck?"),
            type=ItemType.BOOLEAN,
        ),
        Item(
            link_id="history.injury",
            text=N_(
                "Have you ever had an injury or surgery to your face, head or ear? "
                "Or to the saliva gland in front of your ear?"
            ),
            type=ItemType.BOOLEAN,
        ),
        Item(
            link_id="history.injury_details",
            text=N_("What happened, and when?"),
            type=ItemType.LONG_TEXT,
            max_length=500,
            enable_when=_when("history.injury", True),
        ),
        Item(
            link_id="history.injury_recent",
            text=N_("Did it happen in the last 4 weeks?"),
            type=ItemType.BOOLEAN,
            enable_when=_when("history.injury", True),
        ),
    ),
)

# --------------------------------------------------------------------------- step 6, second page
# The face's own history (paralysis, weakness, lumps, injuries) stays on the history page;
# the rest of the patient's health is its own page (issue 28).
HEALTH = Step(
    id="health",
    title=N_("Other health conditions"),
    intro=N_("Now your nerves, your health in general and any scans of your head."),
    items=(
        Item(
            link_id="history.other_symptoms",
            text=N_("Do you have any of these now?"),
            type=ItemType.MULTI,
            help=TICK_ALL,
            choices=_choices(
                ("hearing_loss", N_("Hearing loss")),
                ("tinnitus", N_("Ringing or buzzing in the ear")),
                ("dizziness", N_("Dizziness")),
                ("ear_pain", N_("Ear pain")),
                ("taste", N_("A change in taste")),
                ("dry_eye", N_("Dry eye")),
                ("numbness", N_("Numbness of the face")),
                ("double_vision", N_("Double vision")),
                ("none", N_("None of these")),
                exclusive=("none",),
            ),
        ),
        Item(
            link_id="history.sudden_symptoms",
            text=N_("Did any of these start suddenly in the last few days?"),
            type=ItemType.MULTI,
            required=True,
            required_message=N_(
                "Choose the ones that started suddenly, or “No, none of these started suddenly”"
            ),
            help=TICK_ALL,
            choices=_choices(
                ("numbness", N_("Numbness of the face")),
                ("double_vision", N_("Double vision")),
                ("dizziness", N_("Dizziness")),
                ("hearing_loss", N_("Hearing loss")),
                ("none", N_("No, none of these started suddenly")),
                exclusive=("none",),
            ),
            enable_when=tuple(
                EnableWhen("history.other_symptoms", Operator.EQUALS, code)
                for code in ("numbness", "double_vision", "dizziness", "hearing_loss")
            ),
        ),
        Item(
            link_id="history.diagnoses",
            text=N_("Has a doctor ever told you that you have any of these?"),
            type=ItemType.MULTI,
            help=TICK_ALL,
            choices=_choices(
                ("multiple_sclerosis", N_("Multiple sclerosis (MS)")),
                (
                    "dystonia",
                    N_("Dystonia (including blepharospasm or cervical dystonia)"),
                ),
                ("tourette", N_("Tourette syndrome or another tic disorder")),
                (
                    "tumour",
                    N_(
                        "A tumor, growth or lesion in the head or near a facial nerve "
                        "(for example an acoustic neuroma)"
                    ),
                ),
                ("stroke", N_("Stroke")),
                ("parkinsons", N_("Parkinson's disease")),
                ("anxiety", N_("An anxiety disorder")),
                ("adhd", N_("ADHD (attention deficit hyperactivity disorder)")),
                ("ocd", N_("OCD (obsessive-compulsive disorder)")),
                (
                    "myasthenia",
                    N_("Myasthenia gravis or Lambert-Eaton syndrome (illnesses that make muscles weak)"),
                ),
                ("high_blood_pressure", N_("High blood pressure")),
                ("diabetes", N_("Diabetes")),
                ("lyme", N_("Lyme disease")),
                ("none", N_("None of these")),
                ("other", N_("Something else")),
                exclusive=("none",),
            ),
        ),
        Item(
            link_id="history.diagnoses_other",
            text=N_("What else did a doctor tell you?"),
            type=ItemType.TEXT,
            max_length=200,
            enable_when=_when("history.diagnoses", "other"),
        ),
        Item(
            link_id="history.family",
            text=N_(
                "Has anyone in your close family had any of these? (Parents, brothers, sisters or children.)"
            ),
            type=ItemType.MULTI,
            help=TICK_ALL,
            choices=_choices(
                ("twitching", N_("Twitching or spasms of the face")),
                ("dystonia", N_("Dystonia")),
                ("tics", N_("Tics or Tourette syndrome")),
                ("multiple_sclerosis", N_("Multiple sclerosis (MS)")),
                ("none", N_("None of these")),
                ("dont_know", N_("I don't know")),
                exclusive=("none", "dont_know"),
            ),
        ),
        Item(
            link_id="history.imaging",
            text=N_("Have you ever had an MRI or CT scan of your head?"),
            type=ItemType.SINGLE,
            choices=YES_NO_DONT_KNOW,
        ),
        Item(
            link_id="history.imaging_when",
            text=N_("When was the scan?"),
            type=ItemType.MONTH_YEAR,
            help=N_("If there was more than one, give the last one."),
            not_future=True,
            max_years_ago=120,
            enable_when=_when("history.imaging", "yes"),
        ),
        Item(
            link_id="history.imaging_told",
            text=N_("What were you told about the scan?"),
            type=ItemType.LONG_TEXT,
            max_length=500,
            enable_when=_when("history.imaging", "yes"),
        ),
    ),
)

# --------------------------------------------------------------------------- step 7

TREATMENTS = Step(
    id="treatments",
    title=N_("Medicines and treatments"),
    intro=N_("These questions help the doctor plan any treatment safely."),
    items=(
        Item(
            link_id="history.medicines",
            text=N_("What medicines do you take now?"),
            type=ItemType.LONG_TEXT,
            help=N_(
                "Include vitamins and anything you buy without a prescription. Write the dose if you know it."
            ),
            max_length=2000,
        ),
        Item(
            link_id="treatments.medicine_groups",
            text=N_("Do you take, or have you recently taken, any of these?"),
            type=ItemType.MULTI,
            help=TICK_ALL,
            choices=_choices(
                ("antidepressant", N_("Medicine for depression or anxiety (an antidepressant)")),
                ("stimulant", N_("Medicine for ADHD or to stay awake (a stimulant)")),
                ("decongestant", N_("Medicine for a blocked nose (a decongestant), or caffeine pills")),
                ("anti_sickness", N_("Medicine for nausea, or an antipsychotic medicine")),
                ("parkinsons", N_("Levodopa or another medicine for shaking and stiffness")),
                ("lithium", N_("Lithium")),
                ("none", N_("None of these")),
                ("dont_know", N_("I don't know")),
                exclusive=("none", "dont_know"),
            ),
        ),
        Item(
            link_id="treatments.medicine_change",
            text=N_(
                "Did the twitching start or get worse soon after a medicine was started, stopped or changed?"
            ),
            type=ItemType.SINGLE,
            choices=YES_NO_NOT_SURE,
        ),
        Item(
            link_id="treatments.medicine_change_details",
            text=N_("Which medicine, and when?"),
            type=ItemType.TEXT,
            max_length=200,
            enable_when=_when("treatments.medicine_change", "yes"),
        ),
        Item(
            link_id="history.treatments",
            text=N_("What have you tried for the twitching?"),
            type=ItemType.MULTI,
            help=TICK_ALL,
            choices=_choices(
                ("botox", N_("Botox (botulinum toxin) injections")),
                ("medicine", N_("Medicine")),
                ("surgery", N_("Surgery (for example microvascular decompression)")),
                ("physical_therapy", N_("Physical therapy")),
                ("none", N_("None of these")),
                exclusive=("none",),
            ),
        ),
        Item(
            link_id="history.botox_last",
            text=N_("When was your last Botox injection?"),
            type=ItemType.MONTH_YEAR,
            not_future=True,
            max_years_ago=120,
            enable_when=_AFTER_BOTOX,
        ),
        Item(
            link_id="history.botox_effect",
            text=N_("How well did Botox work?"),
            type=ItemType.SINGLE,
            choices=_choices(
                ("much_better", N_("Much better")),
                ("little_better", N_("A little better")),
                ("no_change", N_("No change")),
            ),
            enable_when=_AFTER_BOTOX,
        ),
        Item(
            link_id="history.botox_weeks",
            text=N_("For how many weeks did it help?"),
            type=ItemType.INTEGER,
            help=N_("Enter 0 if it did not help."),
            min_value=0,
            max_value=52,
            enable_when=_AFTER_BOTOX,
        ),
        Item(
            link_id="treatments.botox_product",
            text=N_("Which product was it?"),
            type=ItemType.SINGLE,
            choices=_choices(
                ("botox", N_("Botox")),
                ("dysport", N_("Dysport")),
                ("xeomin", N_("Xeomin")),
                ("daxxify", N_("Daxxify")),
                ("other", N_("Another one")),
                ("dont_know", N_("I don't know")),
            ),
            enable_when=_AFTER_BOTOX,
        ),
        Item(
            link_id="treatments.botox_times",
            text=N_("About how many times have you had these injections?"),
            type=ItemType.INTEGER,
            min_value=1,
            max_value=200,
            enable_when=_AFTER_BOTOX,
        ),
        Item(
            link_id="treatments.botox_dose",
            text=N_("If you know it: the dose (units) and where on the face it was given"),
            type=ItemType.TEXT,
            help=N_("It may be on a letter or a note from the clinic that gave it."),
            max_length=200,
            enable_when=_AFTER_BOTOX,
        ),
        Item(
            link_id="treatments.botox_injector",
            text=N_("Who gives you the injections?"),
            type=ItemType.TEXT,
            help=N_("The doctor's name, or the name of the clinic."),
            max_length=200,
            enable_when=_AFTER_BOTOX,
        ),
        Item(
            link_id="treatments.botox_days_to_work",
            text=N_("After an injection, about how many days until it starts to help?"),
            type=ItemType.INTEGER,
            min_value=0,
            max_value=60,
            enable_when=_AFTER_BOTOX,
        ),
        Item(
            link_id="treatments.botox_side_effects",
            text=N_("After an injection, did you ever have any of these?"),
            type=ItemType.MULTI,
            help=TICK_ALL,
            choices=_choices(
                ("drooping_lid", N_("A drooping eyelid")),
                ("double_vision", N_("Double vision")),
                ("eye_not_closing", N_("An eye that did not close fully")),
                ("dry_eye", N_("Dry eye")),
                ("smile", N_("A crooked smile")),
                ("drooling", N_("Drooling")),
                ("none", N_("None of these")),
                exclusive=("none",),
            ),
            enable_when=_AFTER_BOTOX,
        ),
        Item(
            link_id="treatments.pregnant",
            text=N_("Are you pregnant, trying to become pregnant, or breastfeeding?"),
            type=ItemType.SINGLE,
            # Not asked of a patient whose sex is given as male (a parent of a boy read "Is
            # your child pregnant?", in Spanish "¿Su hija...?"); asked when it is not given.
            enable_when=(
                EnableWhen("about.sex", Operator.NOT_EQUALS, "male"),
                EnableWhen("about.sex", Operator.EXISTS, False),
            ),
            choices=_choices(
                ("yes", N_("Yes")),
                ("no", N_("No")),
                ("not_sure", N_("Not sure")),
                ("not_applicable", N_("This does not apply to me")),
            ),
        ),
        Item(
            link_id="treatments.toxin_allergy",
            text=N_(
                "Have you ever had an allergic reaction to a Botox-type injection, "
                "or to albumin (a protein in some medicines)?"
            ),
            type=ItemType.SINGLE,
            choices=YES_NO_NOT_SURE,
        ),
        Item(
            link_id="treatments.blood_thinner",
            text=N_("Do you take a medicine that thins the blood?"),
            type=ItemType.SINGLE,
            help=N_(
                "For example warfarin, apixaban (Eliquis), rivaroxaban (Xarelto), "
                "clopidogrel (Plavix) or a daily aspirin."
            ),
            choices=YES_NO_NOT_SURE,
        ),
    ),
)

# --------------------------------------------------------------------------- step 8

# The GAD-7 and the PHQ, on a page of their own under the instruments' common stem; stress,
# caffeine, alcohol and sleep follow on the next (issue 28: 9.3 phone screens together).
FEELINGS = Step(
    id="stress",  # the id of the page before the split, which a draft may be on
    title=N_("Worry and mood"),
    # The official GAD-7 / PHQ stem, word for word (kept as one string for translation).
    intro=N_("Over the last 2 weeks, how often have you been bothered by the following problems?"),
    items=(
        _gad_item(1, N_("Feeling nervous, anxious, or on edge"), "69725-0"),
        _gad_item(2, N_("Not being able to stop or control worrying"), "68509-9"),
        _gad_item(3, N_("Worrying too much about different things"), "69733-4"),
        _gad_item(4, N_("Trouble relaxing"), "69734-2"),
        _gad_item(5, N_("Being so restless that it is hard to sit still"), "69735-9"),
        _gad_item(6, N_("Becoming easily annoyed or irritable"), "69689-8"),
        _gad_item(7, N_("Feeling afraid, as if something awful might happen"), "69736-7"),
        _difficulty_item("stress.gad7.difficulty", GAD7_DIFFICULTY_OPTIONS),
        _phq_item("stress.phq2.1", N_("Little interest or pleasure in doing things"), "44250-9"),
        _phq_item("stress.phq2.2", N_("Feeling down, depressed, or hopeless"), "44255-8"),
        # PHQ-9 item 9, word for word: any answer above "Not at all" shows the support page.
        _phq_item(
            "stress.phq9.9",
            N_("Thoughts that you would be better off dead, or of hurting yourself in some way"),
            "44260-8",
        ),
        _difficulty_item("stress.phq.difficulty", PHQ_DIFFICULTY_OPTIONS),
    ),
)

# --------------------------------------------------------------------------- step 8, second page
DAILY_LIFE = Step(
    id="daily_life",
    title=N_("Stress and daily life"),
    intro=N_("These questions are about stress, caffeine, alcohol and sleep."),
    items=(
        Item(
            link_id="stress.level",
            text=N_("Over the last month, how stressed have you felt?"),
            type=ItemType.SCALE,
            help=N_("Pick a number from 0 to 10."),
            min_value=0,
            max_value=10,
            min_label=NP_("scale", "Not at all"),
            max_label=NP_("scale", "Very stressed"),
        ),
        Item(
            link_id="stress.life_change",
            text=N_("In the last 6 months, has there been a big, stressful change in your life?"),
            type=ItemType.BOOLEAN,
            help=N_("For example a move, a loss, or a change at work or at home."),
        ),
        Item(
            link_id="stress.life_change_details",
            text=N_("If you like, tell us a little about it."),
            type=ItemType.LONG_TEXT,
            max_length=500,
            enable_when=_when("stress.life_change", True),
        ),
        Item(
            link_id="stress.adrenaline",
            text=N_('How often do you get a racing heart, feel shaky, or feel a sudden "adrenaline rush"?'),
            type=ItemType.SINGLE,
            choices=_choices(
                ("never", N_("Never")),
                ("sometimes", N_("Sometimes")),
                ("often", N_("Often")),
            ),
        ),
        Item(
            link_id="stress.caffeine",
            text=N_("On a usual day, how many drinks with caffeine do you drink?"),
            type=ItemType.INTEGER,
            help=N_("For example coffee, tea, cola or energy drinks."),
            min_value=0,
            max_value=30,
        ),
        Item(
            link_id="stress.alcohol",
            text=N_("In a usual week, how many drinks with alcohol do you drink?"),
            type=ItemType.INTEGER,
            help=N_("One drink is a can of beer, a glass of wine or a shot of liquor."),
            min_value=0,
            max_value=100,
        ),
        Item(
            link_id="stress.sleep_hours",
            text=N_("On most nights, how many hours do you sleep?"),
            type=ItemType.INTEGER,
            min_value=0,
            max_value=16,
        ),
        Item(
            link_id="stress.sleep_quality",
            text=N_("How well do you sleep most nights?"),
            type=ItemType.SINGLE,
            choices=_choices(
                ("good", N_("Well")),
                ("fair", N_("Fairly well")),
                ("poor", N_("Poorly")),
            ),
        ),
    ),
)

# --------------------------------------------------------------------------- step 9

VISIT = Step(
    id="visit",
    title=N_("Your visit"),
    intro=N_("Last page. Tell us what you want from your visit."),
    items=(
        Item(
            link_id="visit.goals",
            text=N_("What would you most like the doctor to help you with?"),
            type=ItemType.LONG_TEXT,
            help=N_("Use your own words."),
            max_length=2000,
        ),
        Item(
            link_id="visit.times",
            text=N_("When would you like your appointment?"),
            type=ItemType.SINGLE,
            choices=_choices(
                ("mornings", N_("Mornings")),
                ("afternoons", N_("Afternoons")),
                ("any", N_("Any time")),
            ),
        ),
    ),
)

# --------------------------------------------------------------------------- the questionnaire

QUESTIONNAIRE = Questionnaire(
    id="facial-twitching-intake",
    version="2.3.0",
    title=N_("Facial twitching: before your visit"),
    url="https://nyfacialparalysis.example/fhir/Questionnaire/facial-twitching-intake",
    steps=(
        WELCOME,
        SAFETY,
        ABOUT,
        TWITCHING,
        EPISODES,
        MEDIA,
        PATTERN,
        COURSE,
        HISTORY,
        HEALTH,
        TREATMENTS,
        FEELINGS,
        DAILY_LIFE,
        VISIT,
    ),  # fmt: skip
    # At the foot of the review page and in the clinician's view (issue 26), not on the
    # page with the questions.
    copyright=GAD7_NOTICE,
)

__all__ = ["QUESTIONNAIRE"]
