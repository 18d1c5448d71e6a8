"""Safety: which answers, on any page of the form, call for emergency care now, a doctor
today, or a prompt booking. A table of referral rules, read over every answer.

It never names what the patient has: a rule's `sign` is what the patient reported, in
plain words, and its `reason` tells the clinician why the guidance gives it this tier.
Each rule cites the guidance it follows (`source`); tests/questionnaire/safety_vignettes.py
walks realistic stories through it, each with the source of its expected tier.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Mapping

from intake.questionnaire.schema import N_

SIGNS_ITEM = "safety.signs"


class Tier(StrEnum):
    NONE = "none"
    SOON = "soon"  # book promptly; staff are told
    URGENT = "urgent"  # a doctor today
    EMERGENCY = "emergency"  # call the emergency number now

    @property
    def rank(self) -> int:
        return _RANK[self]


_RANK = {Tier.NONE: 0, Tier.SOON: 1, Tier.URGENT: 2, Tier.EMERGENCY: 3}


def highest(*tiers: str | Tier) -> Tier:
    return max((Tier(tier) for tier in tiers), key=lambda tier: tier.rank, default=Tier.NONE)


class Advice(StrEnum):
    """The page a patient sees right after the page whose answer raised a flag."""

    EMERGENCY = "emergency"
    URGENT = "urgent"
    SUPPORT = "support"  # thoughts of self-harm: a calm page with the crisis line


@dataclass(frozen=True)
class Answer:
    """One answer a rule looks for: a code ticked (multi) or chosen (single), or a yes/no."""

    link_id: str
    value: str | bool

    def given(self, answers: Mapping[str, Any]) -> bool:
        got = answers.get(self.link_id)
        return self.value in got if isinstance(got, list) else got == self.value


def ticked(link_id: str, *codes: str) -> tuple[Answer, ...]:
    return tuple(Answer(link_id, code) for code in codes)


@dataclass(frozen=True)
class Rule:
    """Fires when any answer of `any_of` is given, every one of `all_of` too, and none of
    `none_of` (e.g. "a doctor has already seen me about it")."""

    code: str
    tier: Tier
    sign: str  # the patient's words (translated where shown)
    reason: str  # for the clinician, in English: why this tier
    source: str
    any_of: tuple[Answer, ...]
    all_of: tuple[Answer, ...] = ()
    none_of: tuple[Answer, ...] = ()
    advice: Advice | None = None  # by default the tier's own page (none for "soon")

    def triggered_by(self, answers: Mapping[str, Any]) -> tuple[Answer, ...]:
        """The answers that set this rule off; () when it does not fire."""
        if not all(a.given(answers) for a in self.all_of) or any(a.given(answers) for a in self.none_of):
            return ()
        matched = tuple(a for a in self.any_of if a.given(answers))
        return (*matched, *self.all_of) if matched else ()

    @property
    def page(self) -> Advice | None:
        if self.advice:
            return self.advice
        return {Tier.EMERGENCY: Advice.EMERGENCY, Tier.URGENT: Advice.URGENT}.get(self.tier)


@dataclass(frozen=True)
class Flag:
    code: str
    tier: Tier
    sign: str
    reason: str
    page: Advice | None
    link_ids: tuple[str, ...]  # the items whose answers set it off

    @property
    def display(self) -> str:
        return self.sign


@dataclass(frozen=True)
class SafetyAssessment:
    tier: Tier
    flags: tuple[Flag, ...]  # highest tier first, then in the table's order

    def codes(self) -> tuple[str, ...]:
        return tuple(flag.code for flag in self.flags)

    def of_tier(self, tier: Tier) -> tuple[Flag, ...]:
        return tuple(flag for flag in self.flags if flag.tier is tier)


def assess(answers: Mapping[str, Any]) -> SafetyAssessment:
    """Every rule that the answers set off, and the highest tier among them."""
    flags = []
    for rule in RULES:
        matched = rule.triggered_by(answers)
        if matched:
            link_ids = tuple(dict.fromkeys(answer.link_id for answer in matched))
            flags.append(Flag(rule.code, rule.tier, rule.sign, rule.reason, rule.page, link_ids))
    flags.sort(key=lambda flag: -flag.tier.rank)
    return SafetyAssessment(highest(*(flag.tier for flag in flags)), tuple(flags))


def signs_of_tier(tier: Tier) -> tuple[str, ...]:
    """The safety step's sign codes that raise `tier` on their own."""
    return tuple(
        answer.value
        for rule in RULES
        if rule.tier is tier and not rule.all_of
        for answer in rule.any_of
        if answer.link_id == SIGNS_ITEM
    )


def flagging_items() -> frozenset[str]:
    """The items some answer of which can raise a flag."""
    return frozenset(answer.link_id for rule in RULES for answer in (*rule.any_of, *rule.all_of))


# --------------------------------------------------------------------------- the table

AHA = "AHA/ASA stroke warning signs (BE FAST): call 911 at once"
NHS_STROKE = "NHS, Stroke: symptoms (call 999 for face, arm or speech signs)"
NICE_HEARING = "NICE NG98 1.1.1: sudden hearing loss within 30 days, seen within 24 hours"
AAO_BELL = "AAO-HNS Bell's palsy guideline 2013 (KAS 4: steroids within 72 hours; KAS 11: reassess)"
NHS_BELL = "NHS, Bell's palsy: urgent GP appointment or 111 for a drooping face"
NHS_RAMSAY = "NHS, Ramsay Hunt syndrome: see a GP urgently (antivirals within 3 days)"
NHS_GBS = "NHS, Guillain-Barre syndrome: 999 for trouble breathing or swallowing"
NHS_MENINGITIS = "NHS, Meningitis: call 999 for fever with a stiff neck or severe headache"
NICE_HEAD = "NICE NG232 1.1 and NHS, Head injury: A&E for fluid or blood from ear or nose, or new deficit"
NICE_SEIZURE = "NICE NG217 1.2: a suspected first seizure needs prompt assessment"
MHRA_DYSTONIA = "MHRA Drug Safety Update 2013 and BNF (metoclopramide): acute dystonic reactions"
NHS_EYE = "NHS, Red eye: urgent help for a painful red eye; AAO-HNS 2013 KAS 11 (eye symptoms)"
PHQ9 = "PHQ-9 instruction manual (item 9); 988 Suicide & Crisis Lifeline (SAMHSA)"
NICE_LUMP = "NICE NG12 1.8 (unexplained lump) and AAO-HNS 2013 KAS 11 (worsening weakness)"

_SIGN = SIGNS_ITEM
_SUDDEN = "history.sudden_symptoms"

RULES: tuple[Rule, ...] = (
    # --- emergency: call the emergency number now ----------------------------------------
    Rule(
        "face_droop",
        Tier.EMERGENCY,
        N_("Face drooping on one side that came on suddenly"),
        "Sudden one-sided face droop: a stroke warning sign.",
        AHA,
        ticked(_SIGN, "face_droop"),
    ),
    Rule(
        "limb_weakness",
        Tier.EMERGENCY,
        N_("Sudden new weakness or numbness in an arm or leg"),
        "Sudden new limb weakness or numbness: a stroke warning sign.",
        AHA,
        ticked(_SIGN, "limb_weakness"),
    ),
    Rule(
        "speech",
        Tier.EMERGENCY,
        N_("Sudden slurred or jumbled speech, or trouble understanding people"),
        "Sudden speech disturbance: a stroke warning sign.",
        AHA,
        ticked(_SIGN, "speech"),
    ),
    Rule(
        "vision",
        Tier.EMERGENCY,
        N_("Sudden trouble seeing, or new double vision"),
        "Sudden loss of vision or new double vision: a stroke warning sign.",
        AHA,
        ticked(_SIGN, "vision"),
    ),
    Rule(
        "balance",
        Tier.EMERGENCY,
        N_("Sudden trouble walking, dizziness or loss of balance"),
        "Sudden loss of balance or dizziness: a stroke warning sign.",
        AHA,
        ticked(_SIGN, "balance"),
    ),
    Rule(
        "headache",
        Tier.EMERGENCY,
        N_("A sudden, very bad headache, unlike any before"),
        "Sudden severe headache unlike any before: emergency assessment.",
        AHA,
        ticked(_SIGN, "headache"),
    ),
    Rule(
        "face_numbness",
        Tier.EMERGENCY,
        N_("Sudden numbness of the face"),
        "Sudden facial numbness: a stroke warning sign.",
        AHA,
        ticked(_SIGN, "face_numbness"),
    ),
    Rule(
        "swallow_breathe",
        Tier.EMERGENCY,
        N_("Trouble swallowing or breathing"),
        "New trouble swallowing or breathing: emergency assessment.",
        NHS_GBS,
        ticked(_SIGN, "swallow_breathe"),
    ),
    Rule(
        "fever_neck",
        Tier.EMERGENCY,
        N_("A fever with a stiff neck or a very bad headache"),
        "Fever with neck stiffness or severe headache: emergency assessment.",
        NHS_MENINGITIS,
        ticked(_SIGN, "fever_neck"),
    ),
    Rule(
        "injury_fluid",
        Tier.EMERGENCY,
        N_("Blood or clear fluid from the ear or nose after a head injury"),
        "Blood or clear fluid from ear or nose after head injury: emergency department.",
        NICE_HEAD,
        ticked(_SIGN, "injury_fluid"),
    ),
    Rule(
        "symptoms_sudden",
        Tier.EMERGENCY,
        N_("Face numbness, double vision or dizziness that started suddenly in the last few days"),
        "Sudden facial numbness, double vision or dizziness, reported on the history page.",
        AHA,
        ticked(_SUDDEN, "numbness", "double_vision", "dizziness"),
    ),
    # --- urgent: a doctor today ------------------------------------------------------------
    Rule(
        "face_weakness_new",
        Tier.URGENT,
        N_("New weakness of the face in the last 4 weeks that a doctor has not checked yet"),
        "New facial weakness within 4 weeks, not yet examined: same-day assessment.",
        f"{AAO_BELL}; {NHS_BELL}",
        ticked(_SIGN, "face_weakness_new"),
    ),
    Rule(
        "face_weakness_recent",
        Tier.URGENT,
        N_("Face weakness that started in the last 4 weeks and that a doctor has not checked yet"),
        "Facial weakness now, begun within 4 weeks, not yet examined (history page): same-day assessment.",
        f"{AAO_BELL}; {NHS_BELL}",
        ticked("history.face_weakness_started", "days", "weeks"),
        all_of=(Answer("history.face_weakness_now", True),),
        none_of=(Answer("history.face_weakness_checked", True),),
    ),
    Rule(
        "injury_weakness",
        Tier.URGENT,
        N_("Face weakness since an injury or surgery to the head, face or ear in the last 4 weeks"),
        "Facial weakness after a head, face or ear injury or surgery within 4 weeks: same-day assessment.",
        NICE_HEAD,
        (Answer("history.face_weakness_now", True),),
        all_of=(Answer("history.injury_recent", True),),
    ),
    Rule(
        "both_sides_weak",
        Tier.URGENT,
        N_("New weakness on both sides of the face"),
        "New weakness of both sides of the face: same-day assessment.",
        NHS_GBS,
        ticked(_SIGN, "both_sides_weak"),
    ),
    Rule(
        "eye",
        Tier.URGENT,
        N_("An eye that has newly stopped closing fully, or a painful or red eye"),
        "Eye newly not closing, or painful red eye: same-day eye protection and assessment.",
        NHS_EYE,
        ticked(_SIGN, "eye_not_closing"),
    ),
    Rule(
        "ear_rash",
        Tier.URGENT,
        N_("A painful rash with blisters in or around the ear"),
        "Painful vesicular rash in or around the ear: same-day assessment.",
        NHS_RAMSAY,
        ticked(_SIGN, "ear_rash"),
    ),
    Rule(
        "hearing_loss",
        Tier.URGENT,
        N_("Sudden loss of hearing"),
        "Sudden hearing loss: to be seen within 24 hours.",
        NICE_HEARING,
        ticked(_SIGN, "hearing_loss"),
    ),
    Rule(
        "hearing_loss_history",
        Tier.URGENT,
        N_("Hearing loss that started suddenly in the last few days"),
        "Sudden hearing loss, reported on the history page: to be seen within 24 hours.",
        NICE_HEARING,
        ticked(_SUDDEN, "hearing_loss"),
    ),
    Rule(
        "medicine_reaction",
        Tier.URGENT,
        N_("Twisting of the neck, a clenched jaw or eyes rolling up since a medicine was started or changed"),
        "Twisting, jaw clenching or upward eye deviation after a new medicine: same-day assessment.",
        MHRA_DYSTONIA,
        ticked(_SIGN, "medicine_reaction"),
    ),
    Rule(
        "seizure_like",
        Tier.URGENT,
        N_("An episode that spread to the arm or hand, or with loss of awareness or confusion after it"),
        "Episode spreading to the arm or hand, or with impaired awareness or confusion after it.",
        NICE_SEIZURE,
        ticked(_SIGN, "seizure_like"),
    ),
    Rule(
        "head_injury",
        Tier.URGENT,
        N_("An injury to the head, face or ear in the last few days"),
        "Head, face or ear injury in the last few days: same-day assessment.",
        NICE_HEAD,
        ticked(_SIGN, "head_injury"),
    ),
    Rule(
        "self_harm",
        Tier.URGENT,
        N_("Thoughts of being better off dead or of hurting yourself"),
        "PHQ-9 item 9 answered above 'Not at all': the clinic should contact the patient today.",
        PHQ9,
        ticked("stress.phq9.9", "1", "2", "3"),
        advice=Advice.SUPPORT,
    ),
    # --- soon: book promptly, staff are told -------------------------------------------------
    Rule(
        "weakness_worsening",
        Tier.SOON,
        N_("Face weakness that started more than 4 weeks ago and is slowly getting worse"),
        "Long-standing facial weakness that is slowly worsening: prompt specialist review.",
        AAO_BELL,
        (Answer("history.face_weakness_course", "worse"),),
        all_of=(Answer("history.face_weakness_started", "longer"),),
    ),
    Rule(
        "lump",
        Tier.SOON,
        N_("A lump in front of the ear, in the cheek or in the neck"),
        "Lump in front of the ear, in the cheek or neck: prompt review.",
        NICE_LUMP,
        (Answer("history.lump", True),),
    ),
    Rule(
        "injury_recent",
        Tier.SOON,
        N_("An injury to the head, face or ear in the last 4 weeks"),
        "Head, face or ear injury within 4 weeks: prompt review.",
        NICE_HEAD,
        (Answer("history.injury_recent", True),),
    ),
)
