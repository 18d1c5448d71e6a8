"""Scores of the validated instruments, for clinicians only (patients never see them).

Each instrument is plain data, so adding one (once its authors permit) means adding an
`Instrument` to `INSTRUMENTS` and nothing else. An answer is the option's choice code,
which is its ordinal as a string ("0" .. "3").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

GAD7_ITEMS = tuple(f"stress.gad7.{n}" for n in range(1, 8))
PHQ2_ITEMS = ("stress.phq2.1", "stress.phq2.2")


@dataclass(frozen=True)
class Band:
    low: int
    high: int  # inclusive
    label: str


@dataclass(frozen=True)
class Instrument:
    id: str
    name: str
    item_link_ids: tuple[str, ...]
    max_score: int
    bands: tuple[Band, ...] = ()
    positive_at: int | None = None  # total at or above which the screen is positive
    positive_label: str | None = None
    item_max: int = 3  # highest value of one item; every item runs 0 .. item_max

    def __post_init__(self) -> None:
        # Catch a typo in new instrument data at import time, not in a clinician's view.
        if self.max_score != len(self.item_link_ids) * self.item_max:
            raise ValueError(f"{self.id}: max_score does not match its items")
        if self.bands:
            edges = [(b.low, b.high) for b in self.bands]
            starts = [0] + [high + 1 for _, high in edges[:-1]]
            if [low for low, _ in edges] != starts or edges[-1][1] != self.max_score:
                raise ValueError(f"{self.id}: bands must cover 0..max_score in order")

    def band_for(self, total: int) -> Band | None:
        return next((b for b in self.bands if b.low <= total <= b.high), None)


@dataclass(frozen=True)
class Score:
    instrument: Instrument
    total: int | None  # None unless every item has a valid answer
    band: str | None
    positive: bool | None  # None when incomplete or the instrument has no cut-off
    complete: bool
    missing: tuple[str, ...]  # items unanswered or with an invalid value
    # When incomplete: the sum of the items answered, a floor for the total (a missing
    # item adds 0 to 3, never less than 0).
    at_least: int = 0

    @property
    def threshold_reached(self) -> int | None:
        """When incomplete, the highest band start or cut-off the answered items already
        reach (above 0): the total is at or above it whatever the missing items are."""
        if self.complete:
            return None
        starts = [b.low for b in self.instrument.bands] + [self.instrument.positive_at or 0]
        reached = [start for start in starts if 0 < start <= self.at_least]
        return max(reached, default=None)

    @property
    def already_positive(self) -> bool:
        """Positive on the cut-off, from the answered items alone if some are missing."""
        cut_off = self.instrument.positive_at
        return bool(self.positive) or (cut_off is not None and not self.complete and self.at_least >= cut_off)

    @property
    def label(self) -> str:
        """One line for a summary: "12 of 21, Moderate, further evaluation recommended",
        or "Incomplete, at least 11 (already at or above 10: Moderate)"."""
        if self.total is None:
            return self._incomplete_label()
        parts = [f"{self.total} of {self.instrument.max_score}"]
        if self.band:
            parts.append(self.band)
        if self.positive and self.instrument.positive_label:
            parts.append(self.instrument.positive_label)
        return ", ".join(parts)

    def _incomplete_label(self) -> str:
        threshold = self.threshold_reached
        if threshold is None:
            return "Incomplete"
        band = self.instrument.band_for(threshold)
        meaning = band.label if band else self.instrument.positive_label
        if band and self.instrument.positive_at is not None and threshold >= self.instrument.positive_at:
            meaning = f"{band.label}, {self.instrument.positive_label}"
        return f"Incomplete, at least {self.at_least} (already at or above {threshold}: {meaning})"


GAD7 = Instrument(
    id="gad7",
    name="GAD-7",
    item_link_ids=GAD7_ITEMS,
    max_score=21,
    bands=(
        Band(0, 4, "Minimal"),
        Band(5, 9, "Mild"),
        Band(10, 14, "Moderate"),
        Band(15, 21, "Severe"),
    ),
    positive_at=10,
    positive_label="further evaluation recommended",
)
GAD2 = Instrument(
    id="gad2",
    name="GAD-2",
    item_link_ids=GAD7_ITEMS[:2],
    max_score=6,
    positive_at=3,
    positive_label="positive screen",
)
PHQ2 = Instrument(
    id="phq2",
    name="PHQ-2",
    item_link_ids=PHQ2_ITEMS,
    max_score=6,
    positive_at=3,
    positive_label="positive screen",
)
PHQ4 = Instrument(
    id="phq4",
    name="PHQ-4",
    item_link_ids=GAD7_ITEMS[:2] + PHQ2_ITEMS,
    max_score=12,
    bands=(
        Band(0, 2, "Normal"),
        Band(3, 5, "Mild"),
        Band(6, 8, "Moderate"),
        Band(9, 12, "Severe"),
    ),
)

INSTRUMENTS: tuple[Instrument, ...] = (GAD7, GAD2, PHQ2, PHQ4)


def item_value(instrument: Instrument, answer: Any) -> int | None:
    """The value of one answer, or None when it is missing or not a valid code."""
    valid = {str(n): n for n in range(instrument.item_max + 1)}
    return valid.get(answer) if isinstance(answer, str) else None


def score(instrument: Instrument, answers: Mapping[str, Any]) -> Score:
    values = {link_id: item_value(instrument, answers.get(link_id)) for link_id in instrument.item_link_ids}
    missing = tuple(link_id for link_id, value in values.items() if value is None)
    if missing:
        answered = sum(v for v in values.values() if v is not None)
        return Score(instrument, None, None, None, False, missing, at_least=answered)
    total = sum(v for v in values.values() if v is not None)
    band = instrument.band_for(total)
    positive = total >= instrument.positive_at if instrument.positive_at is not None else None
    return Score(instrument, total, band.label if band else None, positive, True, ())


def score_all(answers: Mapping[str, Any]) -> tuple[Score, ...]:
    return tuple(score(instrument, answers) for instrument in INSTRUMENTS)
