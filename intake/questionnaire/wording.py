"""Each question worded for the person answering it (issue 26, part 2).

A parent reads "Where does your child feel the twitching?", a carer "Where does the person
you care for feel the twitching?". The questionnaire keeps one wording, to the patient, as
FHIR and the clinician see it; this table gives the other two, keyed by that wording, and
`worded` picks one. A few texts of the templates (the face drawing's) are here too; the
templates ask for every one of them with `ask(...)`. Spanish comes from the catalogue like every other text.

Left as they are: what asks about the person filling in the form (their own name, how the
clinic should contact them, how they heard of the clinic, appointment times), and the
GAD-7 and PHQ, whose wording is fixed by their manuals (validated as self-report; the
summary says who answered). Pure Python: no Flask.
"""

from __future__ import annotations

from intake.questionnaire.respondent import CARER, PARENT
from intake.questionnaire.schema import N_

_ROWS: tuple[tuple[str, str, str], ...] = (
    # (to the patient, to a parent or guardian, to a carer or relative)
    # Step titles and introductions
    (
        "I agree that the clinic keeps my photos and videos in my record.",
        N_("I agree that the clinic keeps these photos and videos in my child's record."),
        N_("I agree that the clinic keeps these photos and videos in the record of the person I care for."),
    ),
    ("About you", N_("About your child"), N_("About the person you care for")),
    (
        "The clinic uses these details to find your record and to contact you.",
        N_("The clinic uses these details to find your child's record and to contact you."),
        N_("The clinic uses these details to find the record of the person you care for and to contact you."),
    ),
    ("Your twitching", N_("Your child's twitching"), N_("The twitching of the person you care for")),
    (
        "These questions are about the twitching in your face. If you are not sure, pick the answer that fits best.",
        N_(
            "These questions are about the twitching in your child's face. If you are not sure, "
            "pick the answer that fits best."
        ),
        N_(
            "These questions are about the twitching in the face of the person you care for. If you "
            "are not sure, pick the answer that fits best."
        ),
    ),
    (
        "Your health history",
        N_("Your child's health history"),
        N_("The health history of the person you care for"),
    ),
    (
        "First, your face: any paralysis, weakness, lump or injury.",
        N_("First, your child's face: any paralysis, weakness, lump or injury."),
        N_("First, the face of the person you care for: any paralysis, weakness, lump or injury."),
    ),
    (
        "Now your nerves, your health in general and any scans of your head.",
        N_("Now your child's nerves, general health and any scans of their head."),
        N_("Now the nerves and general health of the person you care for, and any scans of their head."),
    ),
    (
        "Last page. Tell us what you want from your visit.",
        N_("Last page. Tell us what you want from your child's visit."),
        N_("Last page. Tell us what you want from the visit of the person you care for."),
    ),
    # The face drawing for "where" and the patient's copy of it (templates)
    (
        "You can also tap the places on this drawing. It is like looking in a mirror: your left is on the left.",
        N_(
            "You can also tap the places on this drawing. It shows your child's face as in a mirror: "
            "your child's left is on the left."
        ),
        N_(
            "You can also tap the places on this drawing. It shows the face of the person you care for "
            "as in a mirror: their left is on the left."
        ),
    ),
    # Labels at the drawing's top corners: short, or they meet in the middle.
    ("Your left", N_("Child's left"), N_("Their left")),
    ("Your right", N_("Child's right"), N_("Their right")),
    # After sending: the recommendation to see a doctor (templates)
    (
        "Only a doctor who examines you can tell what is causing your twitching.",
        N_("Only a doctor who examines your child can tell what is causing their twitching."),
        N_("Only a doctor who examines the person you care for can tell what is causing their twitching."),
    ),
    (
        "Only a doctor who examines you can tell what is causing your twitching. Call us to book your visit:",
        N_(
            "Only a doctor who examines your child can tell what is causing their twitching. "
            "Call us to book their visit:"
        ),
        N_(
            "Only a doctor who examines the person you care for can tell what is causing their "
            "twitching. Call us to book their visit:"
        ),
    ),
    # What a required question says when it is left unanswered
    (
        "Choose the signs you have now, or “None of these”",
        N_("Choose the signs your child has now, or “None of these”"),
        N_("Choose the signs the person you care for has now, or “None of these”"),
    ),
    (
        "Enter your first name",
        N_("Enter your child's first name"),
        N_("Enter the first name of the person you care for"),
    ),
    (
        "Enter your last name",
        N_("Enter your child's last name"),
        N_("Enter the last name of the person you care for"),
    ),
    (
        "Enter your date of birth, for example 3 27 1985",
        N_("Enter your child's date of birth, for example 3 27 1985"),
        N_("Enter the date of birth of the person you care for, for example 3 27 1985"),
    ),
    (
        "Choose where you feel the twitching",
        N_("Choose where your child feels the twitching"),
        N_("Choose where the person you care for feels the twitching"),
    ),
    (
        "Choose which side of your face it happens on",
        N_("Choose which side of your child's face it happens on"),
        N_("Choose which side of their face it happens on"),
    ),
    (
        "Choose whether a doctor has seen you about this weakness",
        N_("Choose whether a doctor has seen your child about this weakness"),
        N_("Choose whether a doctor has seen the person you care for about this weakness"),
    ),
    # Safety
    (
        "Do you have any of these now? Check a sign only if it is new: it started suddenly or in the last few weeks.",
        N_(
            "Does your child have any of these now? Check a sign only if it is new: it started "
            "suddenly or in the last few weeks."
        ),
        N_(
            "Does the person you care for have any of these now? Check a sign only if it is new: it "
            "started suddenly or in the last few weeks."
        ),
    ),
    # About
    ("What is your sex?", N_("What is your child's sex?"), N_("What is the sex of the person you care for?")),
    (
        "Would you like an interpreter at your visit?",
        N_("Would you or your child like an interpreter at the visit?"),
        N_("Would you or the person you care for like an interpreter at the visit?"),
    ),
    (
        "Did a doctor send you to us? If so, what is their name?",
        N_("Did a doctor send your child to us? If so, what is the doctor's name?"),
        N_("Did a doctor send the person you care for to us? If so, what is the doctor's name?"),
    ),
    # The twitching
    (
        "Where do you feel the twitching?",
        N_("Where does your child feel the twitching?"),
        N_("Where does the person you care for feel the twitching?"),
    ),
    (
        "Which side of your face does it happen on?",
        N_("Which side of your child's face does it happen on?"),
        N_("Which side of the face of the person you care for does it happen on?"),
    ),
    (
        "Your own left or right, not as others see you.",
        N_("Your child's own left or right, not as you see them from the front."),
        N_("Left or right as the person you care for feels it, not as you see them from the front."),
    ),
    (
        "Pick the place where you first noticed it.",
        N_("Pick the place where your child or you first noticed it."),
        N_("Pick the place where the person you care for or you first noticed it."),
    ),
    (
        "About how old were you when it started?",
        N_("About how old was your child when it started?"),
        N_("About how old was the person you care for when it started?"),
    ),
    (
        "Your age in years. A guess is fine.",
        N_("Your child's age in years. A guess is fine."),
        N_("The age of the person you care for, in years. A guess is fine."),
    ),
    (
        "Since it began, has it spread to other parts of your face?",
        N_("Since it began, has it spread to other parts of your child's face?"),
        N_("Since it began, has it spread to other parts of the face of the person you care for?"),
    ),
    (
        "When your eyelid twitches, does the eye close all the way?",
        N_("When your child's eyelid twitches, does the eye close all the way?"),
        N_("When the eyelid of the person you care for twitches, does the eye close all the way?"),
    ),
    (
        "Has anyone seen it keep going while you sleep?",
        N_("Has anyone seen it keep going while your child sleeps?"),
        N_("Has anyone seen it keep going while the person you care for sleeps?"),
    ),
    (
        "Do you feel an urge or a build-up just before it happens?",
        N_("Does your child feel an urge or a build-up just before it happens?"),
        N_("Does the person you care for feel an urge or a build-up just before it happens?"),
    ),
    (
        "Can you hold it back for a while if you try?",
        N_("Can your child hold it back for a while if they try?"),
        N_("Can the person you care for hold it back for a while if they try?"),
    ),
    (
        "How much does the twitching bother you?",
        N_("How much does the twitching bother your child?"),
        N_("How much does the twitching bother the person you care for?"),
    ),
    # What the movements are like
    (
        "Can other people see the movements, or do you only feel them?",
        N_("Can other people see the movements, or does your child only feel them?"),
        N_("Can other people see the movements, or does the person you care for only feel them?"),
    ),
    (
        "Do your eyes sometimes squeeze shut and stay shut, so that they are hard to open?",
        N_("Do your child's eyes sometimes squeeze shut and stay shut, so that they are hard to open?"),
        N_(
            "Do the eyes of the person you care for sometimes squeeze shut and stay shut, so that they "
            "are hard to open?"
        ),
    ),
    (
        "When your eye shuts during the movements, does the eyebrow on that side go up?",
        N_("When your child's eye shuts during the movements, does the eyebrow on that side go up?"),
        N_(
            "When the eye of the person you care for shuts during the movements, does the eyebrow on that side go up?"
        ),
    ),
    (
        "If both sides of your face move: do they move at the same time, or each side on its own?",
        N_(
            "If both sides of your child's face move: do they move at the same time, or each side on its own?"
        ),
        N_(
            "If both sides of the face of the person you care for move: do they move at the same time, "
            "or each side on its own?"
        ),
    ),
    (
        "Do you hear a clicking or thumping sound in your ear in time with the movements?",
        N_("Does your child hear a clicking or thumping sound in their ear in time with the movements?"),
        N_(
            "Does the person you care for hear a clicking or thumping sound in their ear in time with "
            "the movements?"
        ),
    ),
    (
        "Do you blink much more than you used to?",
        N_("Does your child blink much more than they used to?"),
        N_("Does the person you care for blink much more than they used to?"),
    ),
    (
        "Does light bother your eyes, even at times when there are no movements?",
        N_("Does light bother your child's eyes, even at times when there are no movements?"),
        N_(
            "Does light bother the eyes of the person you care for, even at times when there are no movements?"
        ),
    ),
    (
        "For example, you need sunglasses indoors or on cloudy days.",
        N_("For example, your child needs sunglasses indoors or on cloudy days."),
        N_("For example, the person you care for needs sunglasses indoors or on cloudy days."),
    ),
    (
        "Do your eyes feel dry or gritty, as if there is sand in them?",
        N_("Do your child's eyes feel dry or gritty, as if there is sand in them?"),
        N_("Do the eyes of the person you care for feel dry or gritty, as if there is sand in them?"),
    ),
    (
        "Does anything you do make the movements ease for a while?",
        N_("Does anything your child does make the movements ease for a while?"),
        N_("Does anything the person you care for does make the movements ease for a while?"),
    ),
    # How the movements began and changed
    (
        "Do the movements stop or change when your mind is busy with something else?",
        N_("Do the movements stop or change when your child's mind is busy with something else?"),
        N_(
            "Do the movements stop or change when the mind of the person you care for is busy with something else?"
        ),
    ),
    (
        "For example when you are talking, watching a movie or doing a puzzle.",
        N_("For example when your child is talking, watching a movie or doing a puzzle."),
        N_("For example when the person you care for is talking, watching a movie or doing a puzzle."),
    ),
    (
        "Are there other movements or sounds that you cannot fully control, away from your face?",
        N_("Are there other movements or sounds that your child cannot fully control, away from the face?"),
        N_(
            "Are there other movements or sounds that the person you care for cannot fully control, away from the face?"
        ),
    ),
    (
        "For example shrugging, jerks of the head, sniffing or clearing your throat.",
        N_("For example shrugging, jerks of the head, sniffing or clearing the throat."),
        N_("For example shrugging, jerks of the head, sniffing or clearing the throat."),
    ),
    (
        "How old were you when those other movements or sounds first began?",
        N_("How old was your child when those other movements or sounds first began?"),
        N_("How old was the person you care for when those other movements or sounds first began?"),
    ),
    # Health history
    (
        "Has your face ever been paralyzed (unable to move)? Or has a doctor ever told you that you had Bell's palsy?",
        N_(
            "Has your child's face ever been paralyzed (unable to move)? Or has a doctor ever told you "
            "that your child had Bell's palsy?"
        ),
        N_(
            "Has the face of the person you care for ever been paralyzed (unable to move)? Or has a "
            "doctor ever said that they had Bell's palsy?"
        ),
    ),
    (
        "How well did your face get better?",
        N_("How well did your child's face get better?"),
        N_("How well did the face of the person you care for get better?"),
    ),
    (
        "Do the movements on that side happen only when you move your face (eating, smiling, blinking), "
        "or also when your face is still?",
        N_(
            "Do the movements on that side happen only when your child moves their face (eating, smiling, "
            "blinking), or also when the face is still?"
        ),
        N_(
            "Do the movements on that side happen only when the person you care for moves their face "
            "(eating, smiling, blinking), or also when the face is still?"
        ),
    ),
    (
        "Does that side of your face feel tight or stiff?",
        N_("Does that side of your child's face feel tight or stiff?"),
        N_("Does that side of the face of the person you care for feel tight or stiff?"),
    ),
    (
        "Does the corner of your mouth pull when you blink or close your eyes?",
        N_("Does the corner of your child's mouth pull when they blink or close their eyes?"),
        N_(
            "Does the corner of the mouth of the person you care for pull when they blink or close their eyes?"
        ),
    ),
    (
        "Does your neck tighten when you smile or close your eyes?",
        N_("Does your child's neck tighten when they smile or close their eyes?"),
        N_("Does the neck of the person you care for tighten when they smile or close their eyes?"),
    ),
    (
        "Does your eye close when you smile or chew?",
        N_("Does your child's eye close when they smile or chew?"),
        N_("Does the eye of the person you care for close when they smile or chew?"),
    ),
    (
        "Do tears run from your eye when you eat?",
        N_("Do tears run from your child's eye when they eat?"),
        N_("Do tears run from the eye of the person you care for when they eat?"),
    ),
    (
        "Is any part of your face weak right now?",
        N_("Is any part of your child's face weak right now?"),
        N_("Is any part of the face of the person you care for weak right now?"),
    ),
    (
        "Has a doctor seen you about this weakness?",
        N_("Has a doctor seen your child about this weakness?"),
        N_("Has a doctor seen the person you care for about this weakness?"),
    ),
    (
        "Do you have any of these that have lasted more than 4 weeks?",
        N_("Does your child have any of these that have lasted more than 4 weeks?"),
        N_("Does the person you care for have any of these that have lasted more than 4 weeks?"),
    ),
    (
        "Is there a lump in front of your ear, in your cheek or in your neck?",
        N_("Is there a lump in front of your child's ear, in their cheek or in their neck?"),
        N_("Is there a lump in front of the ear, in the cheek or in the neck of the person you care for?"),
    ),
    (
        "Have you ever had an injury or surgery to your face, head or ear? Or to the saliva gland in front "
        "of your ear?",
        N_(
            "Has your child ever had an injury or surgery to their face, head or ear? Or to the saliva "
            "gland in front of the ear?"
        ),
        N_(
            "Has the person you care for ever had an injury or surgery to their face, head or ear? Or to "
            "the saliva gland in front of the ear?"
        ),
    ),
    (
        "Do you have any of these now?",
        N_("Does your child have any of these now?"),
        N_("Does the person you care for have any of these now?"),
    ),
    (
        "Has a doctor ever told you that you have any of these?",
        N_("Has a doctor ever told you that your child has any of these?"),
        N_("Has a doctor ever said that the person you care for has any of these?"),
    ),
    (
        "What else did a doctor tell you?",
        N_("What else did a doctor say about your child?"),
        N_("What else did a doctor say about the person you care for?"),
    ),
    (
        "Has anyone in your close family had any of these? (Parents, brothers, sisters or children.)",
        N_(
            "Has anyone in your child's close family had any of these? (Parents, brothers, sisters or children.)"
        ),
        N_(
            "Has anyone in the close family of the person you care for had any of these? (Parents, "
            "brothers, sisters or children.)"
        ),
    ),
    (
        "Have you ever had an MRI or CT scan of your head?",
        N_("Has your child ever had an MRI or CT scan of the head?"),
        N_("Has the person you care for ever had an MRI or CT scan of the head?"),
    ),
    (
        "What were you told about the scan?",
        N_("What were you or your child told about the scan?"),
        N_("What were you or the person you care for told about the scan?"),
    ),
    # Medicines and treatments
    (
        "What medicines do you take now?",
        N_("What medicines does your child take now?"),
        N_("What medicines does the person you care for take now?"),
    ),
    (
        "Include vitamins and anything you buy without a prescription. Write the dose if you know it.",
        N_(
            "Include vitamins and anything your child takes that was bought without a prescription. "
            "Write the dose if you know it."
        ),
        N_(
            "Include vitamins and anything the person you care for takes that was bought without a "
            "prescription. Write the dose if you know it."
        ),
    ),
    (
        "Do you take, or have you recently taken, any of these?",
        N_("Does your child take, or have they recently taken, any of these?"),
        N_("Does the person you care for take, or have they recently taken, any of these?"),
    ),
    (
        "What have you tried for the twitching?",
        N_("What has your child tried for the twitching?"),
        N_("What has the person you care for tried for the twitching?"),
    ),
    (
        "When was your last Botox injection?",
        N_("When was your child's last Botox injection?"),
        N_("When was the last Botox injection of the person you care for?"),
    ),
    (
        "About how many times have you had these injections?",
        N_("About how many times has your child had these injections?"),
        N_("About how many times has the person you care for had these injections?"),
    ),
    (
        "Who gives you the injections?",
        N_("Who gives your child the injections?"),
        N_("Who gives the person you care for the injections?"),
    ),
    (
        "After an injection, did you ever have any of these?",
        N_("After an injection, did your child ever have any of these?"),
        N_("After an injection, did the person you care for ever have any of these?"),
    ),
    (
        "Are you pregnant, trying to become pregnant, or breastfeeding?",
        N_("Is your child pregnant, trying to become pregnant, or breastfeeding?"),
        N_("Is the person you care for pregnant, trying to become pregnant, or breastfeeding?"),
    ),
    (
        "Have you ever had an allergic reaction to a Botox-type injection, or to albumin (a protein in "
        "some medicines)?",
        N_(
            "Has your child ever had an allergic reaction to a Botox-type injection, or to albumin (a "
            "protein in some medicines)?"
        ),
        N_(
            "Has the person you care for ever had an allergic reaction to a Botox-type injection, or to "
            "albumin (a protein in some medicines)?"
        ),
    ),
    (
        "Do you take a medicine that thins the blood?",
        N_("Does your child take a medicine that thins the blood?"),
        N_("Does the person you care for take a medicine that thins the blood?"),
    ),
    # Stress and daily life (outside the GAD-7 and PHQ)
    (
        "Over the last month, how stressed have you felt?",
        N_("Over the last month, how stressed has your child felt?"),
        N_("Over the last month, how stressed has the person you care for felt?"),
    ),
    (
        "In the last 6 months, has there been a big, stressful change in your life?",
        N_("In the last 6 months, has there been a big, stressful change in your child's life?"),
        N_(
            "In the last 6 months, has there been a big, stressful change in the life of the person you care for?"
        ),
    ),
    (
        'How often do you get a racing heart, feel shaky, or feel a sudden "adrenaline rush"?',
        N_('How often does your child get a racing heart, feel shaky, or feel a sudden "adrenaline rush"?'),
        N_(
            "How often does the person you care for get a racing heart, feel shaky, or feel a sudden "
            '"adrenaline rush"?'
        ),
    ),
    (
        "On a usual day, how many drinks with caffeine do you drink?",
        N_("On a usual day, how many drinks with caffeine does your child drink?"),
        N_("On a usual day, how many drinks with caffeine does the person you care for drink?"),
    ),
    (
        "In a usual week, how many drinks with alcohol do you drink?",
        N_("In a usual week, how many drinks with alcohol does your child drink?"),
        N_("In a usual week, how many drinks with alcohol does the person you care for drink?"),
    ),
    (
        "On most nights, how many hours do you sleep?",
        N_("On most nights, how many hours does your child sleep?"),
        N_("On most nights, how many hours does the person you care for sleep?"),
    ),
    (
        "How well do you sleep most nights?",
        N_("How well does your child sleep most nights?"),
        N_("How well does the person you care for sleep most nights?"),
    ),
    # The visit
    (
        "What would you most like the doctor to help you with?",
        N_("What would you most like the doctor to help your child with?"),
        N_("What would you most like the doctor to help the person you care for with?"),
    ),
)

# Texts with "you" that mean the person filling in the form, whoever they are.
ASKS_THE_RESPONDENT = frozenset(
    {
        "This form helps the clinic's doctors get ready for your visit. It takes about 10 minutes. "
        "You can stop and come back later. Only the clinic's clinicians will read your answers.",
        "Which language would you like to use for this form?",
        "Your own name, as the person filling in this form",
        "How are you related to the patient?",
        "How should the clinic contact you?",
        "Choose how the clinic should contact you",
        "Enter your own name",
        "Enter how you are related to the patient",
        "Email or mobile phone (at least one)",
        "Which language would you like the clinic to use with you?",
        "How did you hear about the clinic?",
        "How did you hear about us?",
        "Your visit",
        "Use your own words.",
        "Your best guess is fine.",
        "If you know it: the dose (units) and where on the face it was given",
        "If you like, tell us a little about it.",
        "When would you like your appointment?",
        # The GAD-7's stem: an instrument's wording is fixed (its manual).
        "Over the last 2 weeks, how often have you been bothered by the following problems?",
    }
)

# The advice pages, where a wrong "you" tells a parent to look after themselves: the 911
# page (what to do, who may go on) and the support page after thoughts of self-harm
# (988 also helps people worried about someone else: 988lifeline.org).
_ADVICE_ROWS: tuple[tuple[str, str, str], ...] = (
    (
        "Note the time the signs began, and tell the people who help you.",
        N_("Note the time the signs began, and tell the people who help your child."),
        N_("Note the time the signs began, and tell the people who help the person you care for."),
    ),
    (
        "Do not drive yourself. If you cannot call, ask someone near you to call for you.",
        N_("Do not drive your child to the hospital yourself: wait for the ambulance."),
        N_("Do not drive the person you care for to the hospital yourself: wait for the ambulance."),
    ),
    (
        "You can finish this form later, once you are safe.",
        N_("You can finish this form later, once your child is safe."),
        N_("You can finish this form later, once the person you care for is safe."),
    ),
    (
        "I have been checked, go on",
        N_("My child has been checked, go on"),
        N_("They have been checked, go on"),
    ),
    (
        "Support is here for you",
        N_("Support is here for you and your child"),
        N_("Support is here for you and the person you care for"),
    ),
    (
        "You can call or text %(line)s at any time, day or night, to talk to someone now. It is free and private.",
        N_(
            "You or your child can call or text %(line)s at any time, day or night, to talk to someone now. "
            "It is free and private, and it also helps people who are worried about someone else."
        ),
        N_(
            "You or the person you care for can call or text %(line)s at any time, day or night, to talk to "
            "someone now. It is free and private, and it also helps people who are worried about someone else."
        ),
    ),
    (
        "If you might act on these thoughts now, or you are in danger, call %(number)s.",
        N_("If your child might act on these thoughts now, or is in danger, call %(number)s."),
        N_("If the person you care for might act on these thoughts now, or is in danger, call %(number)s."),
    ),
)

# Answer choices in the first person (found by walk-throughs: a parent read "I only feel
# them"). The rest of the choices speak of no one, or of the person filling in the form.
_CHOICE_ROWS: tuple[tuple[str, str, str], ...] = (
    ("I only feel them", N_("Only my child feels them"), N_("Only the person I care for feels them")),
    (
        "My eye does not shut during them",
        N_("My child's eye does not shut during them"),
        N_("Their eye does not shut during them"),
    ),
    (
        "Touching my eyebrow, eyelid or face",
        N_("Touching their eyebrow, eyelid or face"),
        N_("Touching their eyebrow, eyelid or face"),
    ),
    ("Nothing I have found", N_("Nothing we have found"), N_("Nothing we have found")),
    ("This does not apply to me", N_("This does not apply to my child"), N_("This does not apply to them")),
)

PROXY_WORDING: dict[str, dict[str, str]] = {
    patient: {PARENT: parent, CARER: carer} for patient, parent, carer in _ROWS + _ADVICE_ROWS + _CHOICE_ROWS
}


def worded(text: str, respondent: str) -> str:
    """The wording of a question, help text, title or introduction for this respondent
    (still in English: the caller translates it)."""
    return PROXY_WORDING.get(text, {}).get(respondent, text)
