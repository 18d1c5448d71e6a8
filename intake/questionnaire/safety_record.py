"""What a draft's safety answers have been, kept so that nothing is downgraded silently:
the highest tier ever reached and when, every change of the flags standing (with the page
and time), the emergency signs the patient said a doctor had already checked, and when
the safety question itself was last answered.

Stored as JSON beside the answers (and encrypted with them); pure functions of it here.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from typing import Any, Mapping

from intake.questionnaire.safety import RULES, Rule, SafetyAssessment, Tier, highest

# A patient toggling a box back and forth should not grow the row for ever; the highest
# tier and the first time each flag was raised are kept apart from the events.
MAX_EVENTS = 100


@dataclass(frozen=True)
class SafetyEvent:
    at: str  # ISO 8601, UTC
    kind: str  # "changed" (the flags standing changed) or "acknowledged"
    page: str | None  # the page whose answers changed them
    tier: str  # the answers' tier after the event
    flags: tuple[str, ...]  # the flags standing after the event


@dataclass(frozen=True)
class FirstRaised:
    code: str
    at: str
    page: str


@dataclass(frozen=True)
class SafetyRecord:
    highest: str = Tier.NONE.value
    highest_at: str | None = None
    checked_at: str | None = None  # the last time the safety step was answered
    acknowledged: tuple[str, ...] = ()  # emergency flags "a doctor has already checked"
    acknowledged_at: str | None = None
    raised: tuple[FirstRaised, ...] = ()
    events: tuple[SafetyEvent, ...] = field(default=())

    # --- storage -------------------------------------------------------------------------

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | None) -> SafetyRecord:
        if not data:
            return cls()
        return cls(
            highest=data.get("highest", Tier.NONE.value),
            highest_at=data.get("highest_at"),
            checked_at=data.get("checked_at"),
            acknowledged=tuple(data.get("acknowledged", ())),
            acknowledged_at=data.get("acknowledged_at"),
            raised=tuple(FirstRaised(**one) for one in data.get("raised", ())),
            events=tuple(
                SafetyEvent(**{**event, "flags": tuple(event["flags"])}) for event in data.get("events", ())
            ),
        )

    # --- changes ---------------------------------------------------------------------------

    def after_answers(
        self, before: SafetyAssessment, after: SafetyAssessment, page: str, now: datetime, safety_step: bool
    ) -> SafetyRecord:
        """The record once `page`'s answers have turned `before` into `after`."""
        at = now.isoformat()
        record = replace(self, checked_at=at) if safety_step else self
        if before.codes() == after.codes():
            return record
        known = {one.code for one in record.raised}
        new = tuple(FirstRaised(code, at, page) for code in after.codes() if code not in known)
        top = highest(record.highest, after.tier)
        rose = top.rank > Tier(record.highest).rank
        event = SafetyEvent(at, "changed", page, after.tier.value, after.codes())
        return replace(
            record,
            highest=top.value,
            highest_at=at if rose else record.highest_at,
            raised=record.raised + new,
            events=(*record.events, event)[-MAX_EVENTS:],
        )

    def after_acknowledgement(self, standing: SafetyAssessment, now: datetime) -> SafetyRecord:
        at = now.isoformat()
        codes = tuple(flag.code for flag in standing.of_tier(Tier.EMERGENCY))
        event = SafetyEvent(at, "acknowledged", None, standing.tier.value, codes)
        return replace(
            self,
            acknowledged=tuple(dict.fromkeys(self.acknowledged + codes)),
            acknowledged_at=at,
            events=(*self.events, event)[-MAX_EVENTS:],
        )

    # --- reading ---------------------------------------------------------------------------

    def covers(self, standing: SafetyAssessment) -> bool:
        """True if every emergency flag standing was acknowledged (and there is one)."""
        emergencies = {flag.code for flag in standing.of_tier(Tier.EMERGENCY)}
        return bool(emergencies) and emergencies <= set(self.acknowledged)

    def check_due(self, now: datetime, hours: int) -> bool:
        """True if the safety question was last answered more than `hours` ago (or never
        recorded, as for a draft begun before the record was kept)."""
        if self.checked_at is None:
            return True
        return (now - datetime.fromisoformat(self.checked_at)).total_seconds() > hours * 3600

    def downgrades(self) -> tuple[tuple[SafetyEvent, str], ...]:
        """Each event that lowered the answers' tier, with the tier it lowered from."""
        found, previous = [], Tier.NONE.value
        for event in self.events:
            if event.kind != "changed":
                continue
            if Tier(event.tier).rank < Tier(previous).rank:
                found.append((event, previous))
            previous = event.tier
        return tuple(found)

    def withdrawn_at(self, code: str) -> str | None:
        """When a flag raised earlier stopped standing (its answer changed); None if it stands."""
        withdrawn, standing = None, False
        for event in self.events:
            if event.kind != "changed":
                continue
            if code in event.flags:
                withdrawn, standing = None, True
            elif standing:
                withdrawn, standing = event.at, False
        return withdrawn


def rule(code: str) -> Rule | None:
    return next((one for one in RULES if one.code == code), None)


# --------------------------------------------------------------------------- the clinician's view


@dataclass(frozen=True)
class FlagLine:
    """One flag as the clinician's Safety box shows it."""

    code: str
    tier: str
    sign: str
    reason: str
    page: str | None  # the step the answer was given on
    raised_at: datetime | None  # None for a row sent before the record was kept
    withdrawn_at: datetime | None  # the patient changed the answer; None while it stands


@dataclass(frozen=True)
class Downgrade:
    at: datetime
    page: str | None
    lowered_from: str
    lowered_to: str


@dataclass(frozen=True)
class SafetyBox:
    highest: str
    highest_at: datetime | None
    lines: tuple[FlagLine, ...]  # standing flags first (highest tier first), then withdrawn ones
    downgrades: tuple[Downgrade, ...]
    acknowledged: tuple[str, ...]  # the signs the patient said a doctor had already checked
    acknowledged_at: datetime | None


def _when(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def safety_box(record: SafetyRecord, standing: SafetyAssessment, stored_tier: str) -> SafetyBox:
    """Everything the record and the answers say about safety, for the clinician: every
    flag with its page and time (withdrawn ones too), the highest tier, each downgrade."""
    first = {one.code: one for one in record.raised}
    lines = [
        FlagLine(
            flag.code, flag.tier.value, flag.sign, flag.reason,
            first[flag.code].page if flag.code in first else None,
            _when(first[flag.code].at) if flag.code in first else None, None,
        )
        for flag in standing.flags
    ]  # fmt: skip
    standing_codes = set(standing.codes())
    for one in record.raised:
        found = rule(one.code)
        if one.code in standing_codes or found is None:
            continue
        lines.append(
            FlagLine(
                one.code, found.tier.value, found.sign, found.reason, one.page,
                _when(one.at), _when(record.withdrawn_at(one.code)),
            )
        )  # fmt: skip
    downgrades = tuple(
        Downgrade(_when(event.at), event.page, lowered_from, event.tier)
        for event, lowered_from in record.downgrades()
    )
    acknowledged = tuple((rule(code) or SIGNLESS).sign for code in record.acknowledged)
    return SafetyBox(
        highest(stored_tier, record.highest, standing.tier).value,
        _when(record.highest_at),
        tuple(lines),
        downgrades,
        acknowledged,
        _when(record.acknowledged_at),
    )


SIGNLESS = Rule("unknown", Tier.NONE, "a sign this version no longer lists", "", "", ())
