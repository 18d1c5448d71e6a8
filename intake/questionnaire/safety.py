"""Safety tiers: which answers call for emergency or same-day care.

This is a referral rule, not a diagnosis: it names no condition, only the signs the
patient ticked, in the option's own words.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Mapping

SIGNS_ITEM = "safety.signs"


class Tier(StrEnum):
    NONE = "none"
    URGENT = "urgent"
    EMERGENCY = "emergency"

    @property
    def rank(self) -> int:
        return _RANK[self]


_RANK = {Tier.NONE: 0, Tier.URGENT: 1, Tier.EMERGENCY: 2}

TIER_OF_SIGN: dict[str, Tier] = {
    "face_droop": Tier.EMERGENCY,
    "limb_weakness": Tier.EMERGENCY,
    "speech": Tier.EMERGENCY,
    "vision": Tier.EMERGENCY,
    "balance": Tier.EMERGENCY,
    "headache": Tier.EMERGENCY,
    "face_weakness_new": Tier.URGENT,
    "eye_not_closing": Tier.URGENT,
    "ear_rash": Tier.URGENT,
    "hearing_loss": Tier.URGENT,
}


@dataclass(frozen=True)
class Flag:
    code: str
    tier: Tier
    display: str


@dataclass(frozen=True)
class SafetyAssessment:
    tier: Tier
    flags: tuple[Flag, ...]  # emergency first, then urgent; questionnaire order within


def assess(answers: Mapping[str, Any], displays: Mapping[str, str] | None = None) -> SafetyAssessment:
    """Tier and flags for the ticked signs. `displays` maps codes to the option wording."""
    ticked = answers.get(SIGNS_ITEM) or []
    if not isinstance(ticked, list):
        ticked = [ticked]
    flags = [
        Flag(code, TIER_OF_SIGN[code], (displays or {}).get(code, code))
        for code in TIER_OF_SIGN
        if code in ticked
    ]
    flags.sort(key=lambda flag: -flag.tier.rank)
    tier = flags[0].tier if flags else Tier.NONE
    return SafetyAssessment(tier, tuple(flags))
